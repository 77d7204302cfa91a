"""API lists as CSV or XLSX: `Accept: text/csv` or `?format=csv` (or xlsx).

The whole filtered list is streamed, not one page: the renderers only choose
the format; the list view hands the filtered queryset to crm.transfer.exports
and skips pagination.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import BaseRenderer, JSONRenderer

from crm.transfer.columns import columns_for
from crm.transfer.exports import FORMATS, export_response

FORMAT_HELP = (
    "`csv` or `xlsx`: every row matching the filters (not one page) as a "
    "spreadsheet, columns named as the JSON fields, relations by name, "
    "formula-like text prefixed with an apostrophe. `Accept: text/csv` works too."
)


class ExportRenderer(BaseRenderer):
    """Chosen by content negotiation; the list view does the writing.

    Errors are answered in JSON instead (ExportableListMixin.handle_exception);
    this rendering is a last resort.
    """

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict):
            return "\n".join(f"{key}: {value}" for key, value in data.items()).encode()
        return str(data or "").encode()


class CSVRenderer(ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(ExportRenderer):
    media_type = FORMATS["xlsx"]
    format = "xlsx"


class ExportableListMixin:
    """A viewset whose list also answers as a CSV or XLSX file of every matching row."""

    def get_renderers(self):
        renderers = super().get_renderers()
        # On the list's URL, whatever the method: a method the URL does not
        # allow is then a 405, not a 404 for an unknown format.
        # (Not on the list's own actions, such as `batch/`.)
        if getattr(self, "detail", None) is False and getattr(self, "action", None) in (
            None,
            "list",
            "create",
        ):
            renderers += [CSVRenderer(), XLSXRenderer()]
        return renderers

    def finalize_response(self, request, response, *args, **kwargs):
        # Only the list itself is a file; anything else answered on its URL
        # (an error, a create) is JSON, as documented.
        if (self.action != "list" or response.status_code >= 400) and isinstance(
            getattr(request, "accepted_renderer", None), ExportRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(renderer, ExportRenderer):
            queryset = self.filter_queryset(self.get_queryset())
            columns = columns_for(queryset.model, self.get_serializer_class())
            return export_response(queryset, columns, renderer.format)
        return super().list(request, *args, **kwargs)


class ExportSchemaMixin:
    """The schema of a list: the `format` parameter and the file's media types.

    Also the 409 of a create that looks like a duplicate (crm.transfer.api.duplicates).
    """

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if not self._exports() or self.method != "GET":
            return parameters
        return [
            *parameters,
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", *FORMATS],
                description=FORMAT_HELP,
            ),
        ]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if (
            direction == "response"
            and self.method == "POST"
            and hasattr(self.view, "perform_create")
            and getattr(self.view, "action", None) == "create"
        ):
            from crm.transfer.api.duplicates import DuplicateCheckMixin

            if isinstance(self.view, DuplicateCheckMixin):
                responses.setdefault(
                    "409",
                    {
                        "description": "Looks like an existing record: `candidates` "
                        "lists them (id, name, reason); nothing was created."
                    },
                )
        if direction != "response" or not self._exports():
            return responses
        content = responses.get("200", {}).get("content", {})
        for fmt, media_type in FORMATS.items():
            for key in list(content):
                if key.startswith(media_type.split(";")[0]):
                    content[key] = {
                        "schema": {
                            "type": "string",
                            "format": "binary",
                            "description": f"Every matching row as {fmt.upper()}.",
                        }
                    }
        return responses

    def _exports(self):
        # The list itself, not the list-shaped `<id>/history/`.
        return self._is_list_view() and getattr(self.view, "action", None) == "list"
