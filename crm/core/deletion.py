"""Deleting a record that others depend on is refused, naming the dependants."""

from django.db import models, transaction


def _distinct_records(objects):
    """The records a reader knows: a link row may name one as `reported_as`.

    (A person present at an interaction is reported as the interaction.)
    """
    records = {}
    for obj in objects:
        record = getattr(obj, "reported_as", obj)
        records[record._meta.label, record.pk] = record
    return list(records.values())


def describe(records):
    """ "2 stakes, 3 interactions" for a collection of model instances."""
    counts = {}
    for record in records:
        counts[record._meta] = counts.get(record._meta, 0) + 1
    return ", ".join(
        f"{n} {meta.verbose_name if n == 1 else meta.verbose_name_plural}"
        for meta, n in sorted(counts.items(), key=lambda item: item[0].label)
    )


class DependentRecordsExist(Exception):
    """The record is still referenced; nothing was deleted."""

    def __init__(self, instance, dependants):
        self.instance = instance
        self.dependants = _distinct_records(dependants)
        super().__init__(self.message)

    @property
    def message(self):
        verb = "depends" if len(self.dependants) == 1 else "depend"
        return (
            f"Cannot delete {self.instance._meta.verbose_name} “{self.instance}”: "
            f"{describe(self.dependants)} {verb} on it."
        )


def delete_record(instance):
    """Delete `instance`, or raise DependentRecordsExist if anything protects it.

    The delete path of the admin, the API and the commands; records whose
    deletion changes stored figures have their own service on top of it
    (crm.portfolio.services).
    """
    try:
        with transaction.atomic():
            instance.delete()
    except (models.ProtectedError, models.RestrictedError) as error:
        objects = (
            error.protected_objects
            if isinstance(error, models.ProtectedError)
            else error.restricted_objects
        )
        raise DependentRecordsExist(instance, list(objects)) from error
