"""Deleting a record that others depend on is refused, naming the dependants."""

from django.db import models, transaction


class DependentRecordsExist(Exception):
    """The record is still referenced; nothing was deleted."""

    def __init__(self, instance, dependants):
        self.instance = instance
        self.dependants = dependants
        super().__init__(self.message)

    @property
    def message(self):
        return f"Cannot delete {self.instance._meta.verbose_name} “{self.instance}”: {describe(self.dependants)} depend on it."


def describe(objects):
    """ "2 stakes, 3 interactions" for a collection of model instances."""
    counts = {}
    for obj in objects:
        meta = obj._meta
        counts[meta] = counts.get(meta, 0) + 1
    parts = [
        f"{n} {meta.verbose_name if n == 1 else meta.verbose_name_plural}"
        for meta, n in sorted(counts.items(), key=lambda item: item[0].label)
    ]
    return ", ".join(parts)


def delete_record(instance):
    """Delete `instance`, or raise DependentRecordsExist if anything protects it."""
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
