"""The API's resources as the changes feed and webhooks name them.

Read from the API router, so a resource added there is in the feed too.
"""

from functools import cache

from crm.portfolio.models import FundingRound


@cache
def _router_entries():
    from config.api_router import router
    from crm.core.api.views import CRMViewSet

    return [
        (prefix, viewset, basename)
        for prefix, viewset, basename in router.registry
        if issubclass(viewset, CRMViewSet)
    ]


def _registry():
    return {prefix: viewset for prefix, viewset, _basename in _router_entries()}


def event_prefix(name):
    """The singular name webhook event types use: "investor", "exchange_rate"."""
    return {prefix: basename for prefix, _v, basename in _router_entries()}[
        name
    ].replace("-", "_")


def names():
    return list(_registry())


def viewset(name):
    return _registry()[name]


def model(name):
    return _registry()[name].queryset.model


@cache
def name_of(model_class):
    """The resource name of a model ("investors"), or None if the API has no such resource."""
    for name, viewset_class in _registry().items():
        if viewset_class.queryset.model is model_class._meta.concrete_model:
            return name
    return None


def wall_of(instance):
    """The id of the confidential round that hides `instance`, as it is now; None if open.

    A round hides itself; stakes, interactions and notes are hidden by theirs
    (crm.portfolio.walls); the other resources are open to every reader.
    """
    if isinstance(instance, FundingRound):
        return instance.pk if instance.confidential else None
    round_id = getattr(instance, "round_id", None)
    if round_id is None:
        return None
    confidential = (
        FundingRound.objects.filter(pk=round_id)
        .values_list("confidential", flat=True)
        .first()
    )
    return round_id if confidential else None
