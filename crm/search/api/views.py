"""GET /api/v1/search/?q=: the admin's search box over the API."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.accounts.permissions import ReadOnlyTokens
from crm.core.api.query_params import LIST, ONE, StrictQueryParametersMixin
from crm.search.api.serializers import (
    SearchQuerySerializer,
    SearchResponseSerializer,
)
from crm.search.search import KINDS, kinds_for, search


class MayViewSomething(permissions.BasePermission):
    """The search finds only kinds the user may view; with none, it is a 403."""

    message = "You may view none of the kinds of record the search finds."

    def has_permission(self, request, view):
        return bool(kinds_for(request.user))


class SearchView(StrictQueryParametersMixin, APIView):
    """Investors, people, companies, rounds and deal notes matching `q`.

    Each kind the user may view (model view permission), best matches first;
    records behind an ethical wall the user is outside are never found.
    """

    permission_classes = [
        permissions.IsAuthenticated,
        ReadOnlyTokens,
        MayViewSomething,
    ]

    def query_parameters(self):
        return {**super().query_parameters(), "q": ONE, "kind": LIST, "limit": ONE}

    @extend_schema(
        parameters=[
            SearchQuerySerializer,
            # Read as text (comma-separated) by the serializer; documented as
            # the list it is, which may also be given by repeating it.
            OpenApiParameter(
                "kind",
                {
                    "type": "array",
                    "items": {"type": "string", "enum": [kind.name for kind in KINDS]},
                },
                explode=False,
                description=SearchQuerySerializer().fields["kind"].help_text,
            ),
        ],
        responses=SearchResponseSerializer,
        operation_id="search",
    )
    def get(self, request):
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kinds = kinds_for(request.user, query.validated_data.get("kind"))
        found = search(
            request.user,
            query.validated_data["q"],
            kinds=kinds,
            limit=query.validated_data["limit"],
        )
        results = [
            {
                "kind": result.kind,
                "id": result.id,
                "title": result.title,
                "subtitle": result.subtitle,
                "url": request.build_absolute_uri(
                    reverse(kind.admin_url_name, args=[result.id])
                ),
                "api_url": request.build_absolute_uri(
                    reverse(f"{kind.api_basename}-detail", args=[result.id])
                ),
            }
            for kind, kind_results in found.items()
            for result in kind_results
        ]
        return Response(SearchResponseSerializer({"results": results}).data)
