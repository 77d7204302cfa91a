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


def visible_rounds_q(user, path=""):
    """A filter for rows whose round, reached by `path`, `user` may see.

    `path` is the lookup to the round ("round", "stakes__round"); empty when
    the rows are rounds themselves. Rows with no round are visible. Rounds are
    found through Team's reverse relation, so any app can use this without
    importing crm.portfolio.
    """
    if sees_everything(user):
        return Q()
    prefix = f"{path}__" if path else ""
    visible = Q(**{f"{prefix}confidential": False})
    if path:
        visible |= Q(**{f"{path}__isnull": True})
    if user is not None and user.is_authenticated:
        member_rounds = Team.objects.filter(members=user).values("confidential_rounds")
        visible |= Q(
            **{f"{prefix}pk__in" if not path else f"{path}__in": member_rounds}
        )
    return visible
