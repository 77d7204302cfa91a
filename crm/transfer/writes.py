"""Each model's own write path, for the writes that handle records of any kind.

Undo and merge save and delete records of every kind; a stake, a round, an
interaction or a note has a service of its own (its figures, its rules), the
rest the shared `record_save` and `delete_record`.
"""

from crm.core.deletion import delete_record
from crm.core.services import record_save
from crm.notes.services import deal_note_save, interaction_save
from crm.portfolio.services import (
    round_delete,
    round_save,
    stake_delete,
    stake_save,
)


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
