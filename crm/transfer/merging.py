"""Merging duplicates: every dependant moves to the survivor, the others go (restorably).

One transaction: each dependant (people, stakes, rounds, contact-log entries,
notes, ...) is saved with its new owner through the write path, so every
rule runs; the first refusal (two stakes of one investor in one round, a
person present at an interaction of another investor) stops the merge with
its reason and nothing changes. Focus sectors are combined; the others'
names become the survivor's aliases; then the others are deleted through
the usual deletion (history entry "-", restorable from "Recently deleted"),
and the survivor is saved with the values chosen for it. Every record
touched gets a history entry saying why.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from crm.core.deletion import DependentRecordsExist
from crm.core.history import REASON_MAX_LENGTH
from crm.transfer.writes import remove, write

MERGEABLE = ("investors.investor", "portfolio.company", "investors.contact")


def choosable_fields(model):
    """The fields whose value is chosen among the merged records."""
    skipped = {"id", "aliases", "created_at", "updated_at"}
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and field.name not in skipped
    ]


def _save(obj, reason, user):
    """A dependant saved through its own write path."""
    obj._change_reason = reason[:REASON_MAX_LENGTH]
    obj._history_user = user
    write(obj, user=user)


def _refuse(obj, error):
    messages = "; ".join(getattr(error, "messages", [str(error)]))
    raise ValidationError(
        f"Cannot merge: {obj._meta.verbose_name} “{obj}”: {messages}"
    ) from None


# Moved first: the records others are checked against (an interaction's
# people must work at its investor, a stake's round belong to its company).
MOVED_FIRST = ("investors.contact", "portfolio.fundinground")


def _relations(model):
    return sorted(
        model._meta.related_objects,
        key=lambda relation: (
            relation.related_model._meta.label_lower not in MOVED_FIRST
        ),
    )


def _move_dependants(survivor, other, reason, user):
    for relation in _relations(type(other)):
        related = relation.related_model
        if related._meta.app_label == "history" or related._meta.auto_created:
            continue
        if relation.many_to_many:
            # People present at interactions (through InteractionContact).
            holders = related._default_manager.filter(**{relation.field.name: other})
            for holder in holders:
                present = [
                    survivor if item.pk == other.pk else item
                    for item in getattr(holder, relation.field.name).all()
                ]
                unique = list({item.pk: item for item in present}.values())
                holder._change_reason = reason[:REASON_MAX_LENGTH]
                holder._history_user = user
                try:
                    from crm.notes.services import interaction_save

                    interaction_save(interaction=holder, contacts=unique)
                except ValidationError as error:
                    _refuse(holder, error)
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        if not hasattr(related, "history"):
            continue  # through rows and bookkeeping: moved with their holders
        for obj in related._base_manager.filter(**{relation.field.name: other}):
            setattr(obj, relation.field.name, survivor)
            try:
                _save(obj, reason, user)
            except ValidationError as error:
                _refuse(obj, error)


def merge_records(*, survivor, others, keep=None, user=None):
    """Merge `others` into `survivor`, taking each field named in `keep` from the record given.

    Raises ValidationError, with nothing changed, when a rule refuses.
    """
    model = type(survivor)
    if model._meta.label_lower not in MERGEABLE:
        raise ValidationError(f"{model._meta.verbose_name_plural} cannot be merged.")
    others = [other for other in others if other.pk != survivor.pk]
    if not others or any(type(other) is not model for other in others):
        raise ValidationError(
            f"Choose two or more {model._meta.verbose_name_plural} to merge."
        )
    keep = keep or {}
    names = {field.name for field in choosable_fields(model)}
    unknown = set(keep) - names
    if unknown:
        raise ValidationError(f"Cannot choose: {', '.join(sorted(unknown))}.")
    chosen = {name: getattr(source, name) for name, source in keep.items()}
    merged_names = ", ".join(f"#{other.pk}" for other in others)
    with transaction.atomic():
        sets = {
            field.name: {item.pk: item for item in getattr(survivor, field.name).all()}
            for field in model._meta.many_to_many
        }
        aliases = list(getattr(survivor, "aliases", []))
        for other in others:
            reason = (
                f"Merged {model._meta.verbose_name} #{other.pk} into #{survivor.pk}"
            )
            _move_dependants(survivor, other, reason, user)
            for name, found in sets.items():
                found.update({item.pk: item for item in getattr(other, name).all()})
            if hasattr(other, "aliases"):
                aliases += [str(other), *other.aliases]
        for other in others:
            other._change_reason = f"Merged into #{survivor.pk}"
            other._history_user = user
            try:
                remove(other, user=user)
            except DependentRecordsExist as error:
                raise ValidationError(f"Cannot merge: {error.message}") from None
        for name, value in chosen.items():
            setattr(survivor, name, value)
        if hasattr(survivor, "aliases"):
            own = str(survivor).casefold()
            unique = {}
            for alias in aliases:
                if alias.strip() and alias.casefold() != own:
                    unique.setdefault(alias.casefold(), alias)
            survivor.aliases = list(unique.values())
        survivor._change_reason = f"Merged {merged_names} into it"[:REASON_MAX_LENGTH]
        survivor._history_user = user
        write(
            survivor,
            sets={name: list(found.values()) for name, found in sets.items()},
            user=user,
        )
    return survivor
