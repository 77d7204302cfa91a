"""Deleted records, found in their history, and bringing one back."""

from django.core.exceptions import ValidationError
from django.db.models import Q

from crm.core.changes import many_to_many_fields
from crm.core.history import one_entry_per_record
from crm.core.history_visibility import visible_entries
from crm.core.services import record_save
from crm.core.writers import writing_as

RESTORED = "Restored"


def deleted_records(model, user):
    """The last history entry of each deleted `model` record `user` may see, newest first.

    The record is gone, so its own `visible_to` cannot judge it: its last
    entry does (crm.core.history_visibility).
    """
    pk = model._meta.pk.attname
    entries = (
        model.history.latest_of_each()
        .filter(history_type="-")
        .exclude(Q(**{f"{pk}__in": model._base_manager.values("pk")}))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    return visible_entries(model, entries, user)


def _check_references(instance):
    """Refuse, with a clear reason, to restore a record whose related records are gone."""
    errors = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if (
            field.many_to_one
            and value is not None
            and not field.related_model._base_manager.filter(pk=value).exists()
        ):
            errors[field.name] = [f"No longer exists (id {value}): restore it first."]
    if errors:
        raise ValidationError(errors)


def _related(instance, many_to_many, user):
    """The related records of each set, checked as the admin and the API check them."""
    errors, related = {}, {}
    for name, ids in many_to_many.items():
        model = instance._meta.get_field(name).related_model
        found = list(model._default_manager.filter(pk__in=ids))
        if len(found) < len(ids):
            errors[name] = [
                f"{len(ids) - len(found)} of its {model._meta.verbose_name_plural} "
                "no longer exist."
            ]
        related[name] = found
    if errors:
        raise ValidationError(errors)
    # The model rules the services and forms apply to these sets.
    for name, objects in related.items():
        rule = getattr(instance, f"clean_{name}", None)
        if rule is not None:
            rule(objects)
    return related


def record_restore(*, model, pk, user=None, save=record_save):
    """Recreate deleted record `pk` of `model` as it was, with the same primary key.

    Its fields and many-to-many sets come from its history. Every rule runs
    (`save`, the model's write service: `record_save` or one built on it,
    called with `instance` and `many_to_many`): a restore that would break one (its investor deleted
    meanwhile, its name taken since) raises ValidationError and changes
    nothing. The restore is itself an entry, a creation by `user`, "Restored".
    USD values are converted again, as on every save.
    """
    entries = model.history.filter(**{model._meta.pk.attname: pk})
    last = entries.order_by("-history_date", "-history_id").first()
    if last is None or last.history_type != "-":
        raise ValidationError(
            f"There is no deleted {model._meta.verbose_name} with id {pk}."
        )
    # Django deletes the many-to-many rows before the record itself: the
    # deletion's snapshot has empty sets, the entry before it the real ones.
    with_sets = (
        entries.exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
        or last
    )
    many_to_many = {
        field.name: list(
            getattr(with_sets, field.name).values_list(
                field.m2m_reverse_field_name(), flat=True
            )
        )
        for field in many_to_many_fields(model)
    }
    instance = last.instance
    if user is not None:
        instance._history_user = user
    instance._change_reason = RESTORED
    with one_entry_per_record(), writing_as(user):
        _check_references(instance)
        related = _related(instance, many_to_many, user)
        save(instance=instance, many_to_many=related)
        # auto_now_add stamped the re-insert with today; the record keeps the
        # day it was first created (notes are listed by it). Its one history
        # entry is written after this, with this value.
        model._base_manager.filter(pk=pk).update(created_at=last.created_at)
        instance.created_at = last.created_at
    return instance
