"""Which history entries a user may see: the ethical walls applied to the past.

An entry is a snapshot of a record; a user sees it only if they may see a
record with those values: a stake, interaction or note whose round (in the
entry) is one they may see; a round that was not confidential in the entry,
or whose teams in the entry include one of theirs. A round is judged as it is
now: the walls of a round made public later no longer hide its old stakes.

Entries a user may not see are left out, not shown as placeholders: the
history reads as if the record had not changed while it was hidden. The next
entry they may see is compared with the one before it that they may see (or,
if none, shown as a first entry, every value new), so no value from a hidden
entry reaches the API's history, the admin's history page, its revert form or
the recently deleted list.
"""

from django.db.models import Exists, OuterRef, Q
from simple_history.models import HistoricalRecords

from crm.core.changes import is_walled
from crm.core.models import sees_everything


def visible_entries(model, entries, user):
    """The history `entries` (a queryset) of `model` that `user` may see."""
    if sees_everything(user) or not is_walled(model):
        return entries
    names = {field.name for field in model._meta.concrete_fields}
    if "round" in names:
        # The rows' own walls, applied to the same columns of their history.
        return entries.filter(model._default_manager.all().visibility_q(user))
    if "confidential" in names:
        public = Q(confidential=False)
        if user is None or not user.is_authenticated:
            return entries.filter(public)
        teams = model._meta.get_field("teams")
        teams_then = HistoricalRecords.m2m_models[teams].objects.filter(
            history=OuterRef("pk"),
            **{f"{teams.m2m_reverse_field_name()}__members": user},
        )
        return entries.filter(public | Exists(teams_then))
    # A walled model this does not know: for superusers only.
    return entries.none()
