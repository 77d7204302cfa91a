"""Ethical walls: who may see records tied to a confidential funding round.

A round marked confidential is visible only to the members of its teams (and
superusers); so are its stakes, the interactions and deal notes about it, and
everything computed from them. Every door (admin, API, search, figures)
filters through `visible_rounds_q`, by way of the querysets' `visible_to`.
"""

from django.db.models import Q

from crm.core.models import Team


def sees_everything(user):
    return bool(user and user.is_active and user.is_superuser)


def confidential_rounds_seen_by(user):
    """Ids of the confidential rounds `user`'s teams may see (not for superusers).

    Read once per user object, so once per request, like the user's
    permissions: every filter and figure of the request then uses the ids
    instead of joining the teams again, and a user in no team (most of the
    deal team) gets plain conditions that indexes serve.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_crm_confidential_rounds", None)
    if cached is None:
        cached = frozenset(
            Team.confidential_rounds.through.objects.filter(
                team__members=user
            ).values_list("fundinground_id", flat=True)
        )
        user._crm_confidential_rounds = cached
    return cached


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
