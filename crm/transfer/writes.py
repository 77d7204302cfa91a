"""Each model's own write path, for the writes that handle records of any kind.

Undo and merge save and delete records of every kind; a stake, a round, an
interaction or a note has a service of its own (its figures, its rules), the
rest the shared `record_save` and `delete_record`.
"""

from crm.core.deletion import delete_record
from crm.core.history import record_created
from crm.core.services import record_save
from crm.integrations.outbox import record_created as record_changes_created
from crm.notes.services import deal_note_save, interaction_save
from crm.portfolio.services import (
    round_delete,
    round_save,
    stake_delete,
    stake_save,
)

BULK_ROWS = 500


def write(instance, *, sets=None, user=None):
    """Save `instance` (and its many-to-many `sets`) through its model's service."""
    sets = sets or {}
    label = instance._meta.label_lower
    if label == "portfolio.stake":
        return stake_save(stake=instance, user=user)
    if label == "portfolio.fundinground":
        return round_save(funding_round=instance, teams=sets.get("teams"), user=user)
    if label == "notes.interaction":
        return interaction_save(interaction=instance, contacts=sets.get("contacts"))
    if label == "notes.dealnote":
        return deal_note_save(note=instance)
    return record_save(instance=instance, many_to_many=sets, user=user)


def remove(instance, *, user=None):
    """Delete `instance` through its model's service (DependentRecordsExist if protected)."""
    label = instance._meta.label_lower
    if label == "portfolio.stake":
        stake_delete(stake=instance, user=user)
    elif label == "portfolio.fundinground":
        round_delete(funding_round=instance, user=user)
    else:
        delete_record(instance)


def create_many(instances, *, sets_list, user, reason):
    """Save new records of a model whose write path is `record_save`, in bulk.

    What `record_save` does for each, in a few queries for all: the records
    (already validated by the caller), their many-to-many sets, one history
    entry each stamped with `reason`, one changes-feed entry each.
    """
    if not instances:
        return
    model = type(instances[0])
    model._default_manager.bulk_create(instances, batch_size=BULK_ROWS)
    for name in {name for sets in sets_list for name in sets}:
        field = model._meta.get_field(name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        through._default_manager.bulk_create(
            (
                through(**{f"{source}_id": instance.pk, f"{target}_id": related.pk})
                for instance, sets in zip(instances, sets_list, strict=True)
                for related in {
                    related.pk: related for related in sets.get(name, [])
                }.values()
            ),
            batch_size=BULK_ROWS,
        )
    record_created(instances, user=user, reason=reason)
    record_changes_created(instances)
