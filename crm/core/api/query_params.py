"""Query parameters: an unknown one is a 400; a list given several times is "any of".

A typo in a sync's filter (`?contry=GB`) used to be ignored and answer the
whole table. Now every API view names the parameters its action reads (and
the schema documents: tests/core/test_api_query_params.py holds the two
together); anything else is a 400 naming it. Generated clients send a list
as `country=GB&country=JP`: that means the same as `country=GB,JP`, while a
parameter that takes one value, given twice, is a 400 rather than a guess.
"""

from django_filters.filters import BaseCSVFilter
from rest_framework.exceptions import ValidationError
from rest_framework.routers import APIRootView
from rest_framework.settings import api_settings

LIST, ONE = True, False


class StrictQueryParametersMixin:
    """An API view whose query string holds only the parameters it reads."""

    def initial(self, request, *args, **kwargs):
        # After authentication, permissions and throttling: a caller without
        # credentials learns nothing about the parameters.
        super().initial(request, *args, **kwargs)
        query = request.query_params
        method = request.method.lower()
        if not query or method not in self.http_method_names:
            return
        if not hasattr(self, method):
            return  # a method this path does not take: 405 (dispatch)
        accepted = self.query_parameters()
        if unknown := [name for name in query if name not in accepted]:
            raise ValidationError(
                {
                    name: [
                        "Unknown query parameter. This endpoint takes: "
                        + (", ".join(sorted(accepted)) or "none")
                        + "."
                    ]
                    for name in unknown
                }
            )
        repeated = [name for name in query if len(query.getlist(name)) > 1]
        if twice := [name for name in repeated if accepted[name] is ONE]:
            raise ValidationError(
                {name: ["Give this parameter once."] for name in twice}
            )
        if repeated:
            # The comma form that the filters read: DRF's query_params is the
            # Django request's GET.
            joined = query.copy()
            for name in repeated:
                joined.setlist(name, [",".join(query.getlist(name))])
            request._request.GET = joined

    def query_parameters(self) -> dict[str, bool]:
        """The query parameters this request's action reads: name -> takes a list."""
        accepted = {api_settings.URL_FORMAT_OVERRIDE: ONE}
        if self.request.method not in ("GET", "HEAD"):
            return accepted
        action = getattr(self, "action", None)
        if action == "list" or self._pages_an_action(action):
            accepted.update(pagination_parameters(getattr(self, "paginator", None)))
        filterset_class = getattr(self, "filterset_class", None)
        if action == "list" and filterset_class and self.filter_backends:
            accepted.update(filter_parameters(filterset_class))
        return accepted

    def _pages_an_action(self, action):
        # An extra action that answers pages (`history`, `deliveries`) names
        # its pagination_class in @action, which keeps it in `kwargs`.
        handler = getattr(self, action, None) if action else None
        return "pagination_class" in getattr(handler, "kwargs", {})


def pagination_parameters(paginator):
    # Numbered pages have `page`, keyset pages `cursor`; both `page_size`.
    names = [
        getattr(paginator, attribute, None)
        for attribute in (
            "page_query_param",
            "page_size_query_param",
            "cursor_query_param",
        )
    ]
    return {name: ONE for name in names if name}


def filter_parameters(filterset_class):
    return {
        name: LIST if isinstance(filter_, BaseCSVFilter) else ONE
        for name, filter_ in filterset_class.base_filters.items()
    }


class StrictAPIRootView(StrictQueryParametersMixin, APIRootView):
    """The router's index of resources, with the same rule."""
