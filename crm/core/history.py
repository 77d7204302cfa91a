"""Audit history: every create, update and delete of a CRM record, who and when.

django-simple-history stores a snapshot of a record after each save and each
deletion, many-to-many sets included, in the tables of the `history` app
(crm.history). The user is the request's (HistoryRequestMiddleware; DRF sets
an API token's user on the request too); commands record none. Rows are only
ever added: no screen or endpoint changes them (crm.core.changes reads them).

`CRMHistoricalRecords` adds to the library's recorder:

- one entry per record per write: inside `one_entry_per_record()` (admin forms,
  API writes, restores) a record's save and its many-to-many changes make one
  entry, not one per `save()` and per step of `set()`;
- entries for changes Django makes without saving the record: deleting a
  sector removes it from investors' sectors, deleting a user clears the
  investors they own;
- a many-to-many set changed from its other side (`user.crm_teams.add(team)`)
  is recorded on the records that hold it.
"""

from contextlib import contextmanager

from asgiref.local import Local
from django.conf import settings
from django.db import models, transaction
from django.db.models.fields.related import lazy_related_operation
from django.db.models.signals import post_delete, pre_delete
from django.utils import timezone
from simple_history.models import HistoricalRecords

HISTORY_APP = "history"
# simple-history's history_change_reason column.
REASON_MAX_LENGTH = 100

_writes = Local()


def _enabled():
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


@contextmanager
def one_entry_per_record():
    """Inside the block, each record changed gets one history entry, written at its end.

    A write saves a row, then sets its many-to-many fields; the library would
    record each step, the intermediate ones included. Here each record's entry
    is written when the block ends, in the same transaction, with the record's
    final values. A nested block joins the outer one.
    """
    if getattr(_writes, "pending", None) is not None:
        yield
        return
    with transaction.atomic():
        _writes.pending = {}
        try:
            yield
            pending = _writes.pending
        finally:
            _writes.pending = None
        for entry in pending.values():
            _write(*entry)


def _write(recorder, instance, history_type, using):
    HistoricalRecords.create_historical_record(recorder, instance, history_type, using)


class CRMHistoricalRecords(HistoricalRecords):
    """simple-history's recorder, with the additions listed in this module's docstring."""

    def __init__(self, **kwargs):
        kwargs.setdefault("app", HISTORY_APP)
        super().__init__(**kwargs)

    def copy_fields(self, model):
        # A history row is never edited through a form. Marking its copies
        # editable lets `diff_against()` compare every field (Django's
        # model_to_dict skips the others): the USD values, who logged an entry.
        fields = super().copy_fields(model)
        for field in fields.values():
            field.editable = True
        return fields

    def finalize(self, sender, **kwargs):
        if sender is self.cls:
            waiting_for = [
                field.remote_field.through
                for field in self.get_m2m_fields_from_model(sender)
                if isinstance(field.remote_field.through, str)
            ]
            if waiting_for:
                # A through model named as a string and defined further down
                # (Interaction's InteractionContact) is not a class yet, and
                # simple-history needs the class (its issue #1266): finish
                # once Django has resolved it.
                lazy_related_operation(
                    lambda model, *through: self.finalize(model, **kwargs),
                    sender,
                    *waiting_for,
                )
                return
        super().finalize(sender, **kwargs)
        if sender is not self.cls:
            return
        for field in self.get_m2m_fields_from_model(sender):
            self._record_side_effects_of_deleting(field.remote_field.model, field.name)
        for field in sender._meta.concrete_fields:
            if field.many_to_one and field.remote_field.on_delete in (
                models.SET_NULL,
                models.SET_DEFAULT,
            ):
                self._record_side_effects_of_deleting(
                    field.remote_field.model, field.name
                )

    def create_historical_record(self, instance, history_type, using=None):
        pending = getattr(_writes, "pending", None)
        if pending is None:
            return super().create_historical_record(instance, history_type, using)
        key = (instance._meta.concrete_model._meta.label, instance.pk)
        earlier = pending.pop(key, None)
        if history_type == "-":
            # In order: what the block did to the record, then its deletion.
            if earlier is not None:
                _write(*earlier)
            return super().create_historical_record(instance, history_type, using)
        if earlier is not None and earlier[2] == "+":
            history_type = "+"
        pending[key] = (self, instance, history_type, using)
        return None

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse)
        # Changed from the other side, e.g. `user.crm_teams.add(team)`: the
        # records holding the set (the teams) are the ones that changed.
        holders = kwargs["model"]._base_manager
        cleared = f"_history_cleared_{attr}"
        if action == "pre_clear":
            instance.__dict__[cleared] = set(
                holders.filter(**{attr: instance.pk}).values_list("pk", flat=True)
            )
            return None
        if action == "post_clear":
            pk_set = instance.__dict__.pop(cleared, set())
        elif action not in ("post_add", "post_remove"):
            return None
        for holder in holders.filter(pk__in=pk_set):
            super().m2m_changed(holder, action, attr, pk_set, reverse=False)
        return None

    def _record_side_effects_of_deleting(self, target, lookup):
        """Record what deleting a `target` row does to this model's rows through `lookup`.

        Django removes many-to-many rows and sets foreign keys to NULL in bulk,
        without saving the records holding them: their entries are written
        here, after the deletion, with the deleted record named as the reason.
        """
        model = self.cls
        remembered = f"_history_dependants_{model._meta.label_lower}_{lookup}"

        def remember(sender, instance, **kwargs):
            if not _enabled():
                return
            ids = list(
                model._base_manager.filter(**{lookup: instance.pk}).values_list(
                    "pk", flat=True
                )
            )
            if ids:
                instance.__dict__[remembered] = ids

        def record(sender, instance, **kwargs):
            ids = instance.__dict__.pop(remembered, None)
            if not ids:
                return
            name = str(sender._meta.verbose_name)
            reason = f"{name[:1].upper()}{name[1:]} “{instance}” deleted"
            for row in model._base_manager.filter(pk__in=ids):
                row._change_reason = reason[:REASON_MAX_LENGTH]
                self.create_historical_record(row, "~")

        pre_delete.connect(remember, sender=target, weak=False)
        post_delete.connect(record, sender=target, weak=False)


def record_created(instances, *, user, reason):
    """The "+" entries of new records saved with `bulk_create`, written in bulk too.

    What `create_historical_record` writes for each of them, many-to-many sets
    included, in a few queries for all. Returns the entries, in order.
    """
    if not _enabled() or not instances:
        return []
    model = type(instances[0])
    entries = model.history.bulk_history_create(
        instances,
        default_user=user,
        default_change_reason=reason,
        default_date=timezone.now(),
    )
    for field in model.history.model._history_m2m_fields:
        m2m_history_model = HistoricalRecords.m2m_models[field]
        through = field.remote_field.through
        source = field.m2m_field_name() + "_id"
        entry_of = {
            instance.pk: entry
            for instance, entry in zip(instances, entries, strict=True)
        }
        rows = through._default_manager.filter(**{f"{source}__in": list(entry_of)})
        attnames = [f.attname for f in through._meta.concrete_fields]
        m2m_history_model._default_manager.bulk_create(
            m2m_history_model(
                history=entry_of[getattr(row, source)],
                **{name: getattr(row, name) for name in attnames},
            )
            for row in rows
        )
    return entries
