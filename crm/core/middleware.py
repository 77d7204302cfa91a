"""Answer 503, not 500, while the database is unreachable."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

from crm.core.api.errors import API_PREFIX

logger = logging.getLogger(__name__)

DETAIL = "The database is unavailable; try again shortly."
# A restarted or failed-over PostgreSQL is usually back within seconds.
RETRY_AFTER_SECONDS = 5

PAGE = """<!doctype html>
<html lang="en">
<title>Service unavailable</title>
<h1>Service unavailable</h1>
<p>The database is unavailable; try again shortly.</p>
</html>
"""


def database_unavailable(request):
    """The 503 answer: JSON under /api/, a plain page elsewhere."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": DETAIL}, status=503)
    else:
        response = HttpResponse(PAGE, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection in a view into a fast 503.

    OperationalError and InterfaceError mean the server is unreachable, has
    restarted or cancelled the query (DATABASE_STATEMENT_TIMEOUT_MS); the
    client can retry, so it is not a server error. DRF's exception handler
    leaves these exceptions alone, so API views arrive here too.

    The broken connection is not reused: Django marks it when the error
    passes through its cursor, and at the end of the request (and, with
    CONN_HEALTH_CHECKS, before the next query) closes it if it no longer
    answers, so the next request connects afresh.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # One line, no traceback: an outage would otherwise flood the log.
        logger.error(
            "Database unavailable (%s %s): %s", request.method, request.path, exception
        )
        return database_unavailable(request)
