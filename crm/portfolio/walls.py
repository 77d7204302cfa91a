"""Ethical walls: who may see records tied to a confidential funding round.

A round marked confidential is visible only to the members of its teams (and
superusers); so are its stakes, the interactions and deal notes about it, and
everything computed from them. Every door (admin, API, search, figures)
filters through `visible_rounds_q`, by way of the querysets' `visible_to`
(`RoundWalledQuerySet`). Apps below this one (investors) reach the same rules
through the querysets of the related models, never by importing this module.
"""

from django.db.models import Q

from crm.core.models import CRMQuerySet, Team, sees_everything

# Per-request cache of `confidential_rounds_seen_by`, on the user object.
SEEN_ROUNDS_ATTRIBUTE = "_crm_confidential_rounds"


def confidential_rounds_seen_by(user):
    """Ids of the confidential rounds `user`'s teams may see (not for superusers).

    Read once per user object, so once per request, like the user's
    permissions: every filter and figure of the request then uses the ids
    instead of joining the teams again, and a user in no team (most of the
    deal team) gets plain conditions that indexes serve.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, SEEN_ROUNDS_ATTRIBUTE, None)
    if cached is None:
        cached = frozenset(
            Team.confidential_rounds.through.objects.filter(
                team__members=user
            ).values_list("fundinground_id", flat=True)
        )
        setattr(user, SEEN_ROUNDS_ATTRIBUTE, cached)
    return cached


def forget_rounds_seen(user):
    """Drop the cached ids: a write changed which rounds `user` may see."""
    if user is not None and hasattr(user, SEEN_ROUNDS_ATTRIBUTE):
        delattr(user, SEEN_ROUNDS_ATTRIBUTE)


def visible_rounds_q(user, path=""):
    """A filter for rows whose round, reached by `path`, `user` may see.

    `path` is the lookup to the round ("round", "stakes__round"); empty when
    the rows are rounds themselves. Rows with no round are visible.
    """
    if sees_everything(user):
        return Q()
    prefix = f"{path}__" if path else ""
    visible = Q(**{f"{prefix}confidential": False})
    if path:
        visible |= Q(**{f"{path}__isnull": True})
    if seen := confidential_rounds_seen_by(user):
        visible |= Q(**{f"{prefix}pk__in": sorted(seen)})
    return visible


class RoundWalledQuerySet(CRMQuerySet):
    """Rows hidden behind their funding round's wall: rounds, stakes, the contact log, notes."""

    # The lookup from a row to its round; empty for rounds themselves.
    round_path = "round"

    def visible_to(self, user):
        return self.filter(self.visibility_q(user))

    def visibility_q(self, user):
        """The filter `visible_to` applies, for tables with the same round field (history)."""
        return visible_rounds_q(user, self.round_path)

    # For the apps below this one (investors), which reach these rules
    # through a walled model's queryset instead of importing this module.
    def confidential_rounds_seen_by(self, user):
        return confidential_rounds_seen_by(user)
