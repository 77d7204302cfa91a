"""Undoing an import batch: created records deleted, updated ones put back, through history."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.changes import many_to_many_fields
from crm.core.deletion import DependentRecordsExist
from crm.core.history import one_entry_per_record
from crm.transfer.models import ImportBatch
from crm.transfer.writes import remove, write


def _entries(model, pk):
    return model.history.filter(**{model._meta.pk.attname: pk}).order_by(
        "-history_date", "-history_id"
    )


def _changed_since(batch, model, record, latest):
    if latest is None or latest.history_type == "-":
        return f"{model._meta.verbose_name} #{record.object_id} was deleted since."
    if latest.history_change_reason == batch.change_reason:
        return None
    who = latest.history_user or "a command"
    return (
        f"{model._meta.verbose_name.capitalize()} “{latest.instance}” was changed "
        f"again on {latest.history_date:%Y-%m-%d %H:%M} by {who}."
    )


def undo_batch(*, batch, user=None):
    """Revert every record of `batch`, or raise ValidationError and change nothing.

    Refused when any record was changed (or deleted) after the import: its
    latest history entry is no longer the import's.
    """
    if batch.status != ImportBatch.Status.IMPORTED:
        raise ValidationError(f"{batch} is not an imported batch.")
    reason = f"Undo of import #{batch.pk}"
    with transaction.atomic(), one_entry_per_record():
        records = list(batch.records.order_by("-id"))
        problems = []
        for record in records:
            model = apps.get_model(record.model)
            latest = _entries(model, record.object_id).first()
            problem = _changed_since(batch, model, record, latest)
            if problem:
                problems.append(problem)
        if problems:
            raise ValidationError(
                [_("Nothing was undone: records changed after the import."), *problems]
            )
        for record in records:
            model = apps.get_model(record.model)
            current = model._base_manager.get(pk=record.object_id)
            current._change_reason = reason
            current._history_user = user
            if record.created:
                try:
                    remove(current, user=user)
                except DependentRecordsExist as error:
                    raise ValidationError(f"Nothing was undone: {error}") from None
                continue
            _put_back(batch, model, record.object_id, reason, user)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.UNDONE, undone_at=timezone.now(), undone_by=user
        )
    batch.refresh_from_db()


def _put_back(batch, model, pk, reason, user):
    """The record as its history entry before the import's says it was."""
    entries = list(_entries(model, pk)[:2])
    previous = entries[1]
    instance = previous.instance
    # The row exists: validate and save it as an update, not a new record.
    instance._state.adding = False
    instance._change_reason = reason
    instance._history_user = user
    sets = {
        field.name: list(
            field.related_model._default_manager.filter(
                pk__in=getattr(previous, field.name).values_list(
                    field.m2m_reverse_field_name(), flat=True
                )
            )
        )
        for field in many_to_many_fields(model)
    }
    write(instance, sets=sets, user=user)
