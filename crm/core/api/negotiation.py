"""Content negotiation: an unknown `?format=` is a 404 for reads only."""

from django.http import Http404
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's, except that a write or an unsupported method answers in JSON.

    DRF answers 404 for a `format` it cannot render before it looks at the
    method: a POST or a TRACE with `?format=csv` would be "not found" rather
    than created, refused or "method not allowed" as documented.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            if request.method in ("GET", "HEAD"):
                raise
            return renderers[0], renderers[0].media_type
