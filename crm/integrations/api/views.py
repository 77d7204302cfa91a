"""`GET /api/v1/changes/`: every create, update and delete in commit order."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.accounts.permissions import ReadOnlyTokens
from crm.core.api.problems import CONTENT_TYPE, problem
from crm.core.api.query_params import LIST, ONE, StrictQueryParametersMixin
from crm.integrations import feed, resources
from crm.integrations.api.serializers import ChangesPageSerializer

DEFAULT_PAGE = 100


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


class ChangesView(StrictQueryParametersMixin, APIView):
    """Every create, update and delete of the resources you may read, in commit order.

    Start with `after=0`, apply each change (created and updated: store
    `data`; deleted: remove), then ask again with `after=next_cursor`.
    Changes are kept for CHANGES_RETENTION_DAYS (90 by default): an older
    cursor is a 410; read the lists again, then follow from `latest_cursor`.
    """

    # Each resource's view permission is checked below, per resource.
    permission_classes = [permissions.IsAuthenticated, ReadOnlyTokens]

    @extend_schema(
        operation_id="changes_list",
        parameters=[
            OpenApiParameter(
                "after",
                OpenApiTypes.INT,
                description=_(
                    "The cursor of the last change applied; 0 (the "
                    "default) for the start."
                ),
            ),
            OpenApiParameter(
                "resource",
                {"type": "array", "items": {"type": "string"}},
                explode=False,
                description=_(
                    "Resources, any of: comma-separated (e.g. investors,stakes) "
                    "or the parameter repeated; every one you may read by default."
                ),
            ),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"Changes per page, 1 to {feed.MAX_PAGE} "
                f"(default {DEFAULT_PAGE}).",
            ),
        ],
        responses={
            200: ChangesPageSerializer,
            410: OpenApiResponse(
                description=_(
                    "Changes after this cursor were purged: read the "
                    "lists again, then follow the feed from `latest_cursor`."
                )
            ),
        },
    )
    def get(self, request):
        after = self._integer("after", 0, 0, None)
        limit = self._integer("limit", DEFAULT_PAGE, 1, feed.MAX_PAGE)
        try:
            page = feed.read(request, after=after, names=self._resources(), limit=limit)
        except feed.CursorExpired as expired:
            return Response(
                problem(
                    status.HTTP_410_GONE,
                    f"Changes after cursor {after} have been purged. "
                    "Read the lists again, then follow the feed from latest_cursor.",
                    latest_cursor=expired.latest_cursor,
                ),
                status=status.HTTP_410_GONE,
                content_type=CONTENT_TYPE,
            )
        return Response(ChangesPageSerializer(page).data)

    def query_parameters(self):
        return {
            **super().query_parameters(),
            "after": ONE,
            "resource": LIST,
            "limit": ONE,
        }

    def _integer(self, name, default, least, most):
        raw = self.request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < least or (most is not None and value > most):
            bound = f" and at most {most}" if most is not None else ""
            raise exceptions.ValidationError(
                {name: [f"Give a whole number of at least {least}{bound}."]}
            )
        return value

    def _resources(self):
        readable = [
            name
            for name in resources.names()
            if self.request.user.has_perm(_view_permission(name))
        ]
        raw = self.request.query_params.get("resource")
        if not raw:
            return readable
        asked = [name.strip() for name in raw.split(",") if name.strip()]
        unknown = [name for name in asked if name not in resources.names()]
        if unknown:
            raise exceptions.ValidationError(
                {
                    "resource": [
                        f"Unknown resource: {', '.join(unknown)}. "
                        f"Choose from {', '.join(resources.names())}."
                    ]
                }
            )
        if forbidden := [name for name in asked if name not in readable]:
            raise exceptions.PermissionDenied(
                f"You may not read {', '.join(forbidden)}."
            )
        return asked


def _view_permission(name):
    opts = resources.model(name)._meta
    return f"{opts.app_label}.view_{opts.model_name}"
