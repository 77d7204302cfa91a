"""Request bodies over DATA_UPLOAD_MAX_MEMORY_SIZE are refused under /api/."""

from django.conf import settings

from crm.core.api.errors import API_PREFIX
from crm.core.api.problems import problem_response


class RequestBodyLimitMiddleware:
    """A 413 as a problem (crm.core.api.problems), decided before the body is read.

    Django checks DATA_UPLOAD_MAX_MEMORY_SIZE as it reads a whole body (DRF's
    JSON and form parsers do) and answers with its HTML 400 page; a multipart
    body's file parts are streamed to disk whatever their size. Checking the
    declared length first refuses both, as a problem. A body without a length
    (chunked) is read as empty by Django, so it needs no check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (
            limit is not None
            and request.path.startswith(API_PREFIX)
            and self.content_length(request) > limit
        ):
            return problem_response(
                413, f"The request body is over the limit of {limit} bytes."
            )
        return self.get_response(request)

    @staticmethod
    def content_length(request):
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 0
