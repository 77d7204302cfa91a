"""Answer 503, not 500, while the database is unreachable or a query runs too long."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.html import escape

from crm.core.api.errors import API_PREFIX
from crm.core.api.problems import problem_response

logger = logging.getLogger(__name__)

DETAIL = "The database is unavailable; try again shortly."
# A restarted or failed-over PostgreSQL is usually back within seconds.
RETRY_AFTER_SECONDS = 5

TOO_EXPENSIVE_DETAIL = (
    "The request was too expensive: the database stopped it at its time limit. "
    "Narrow it (filters, a smaller page or the cursor) rather than retrying it."
)
# PostgreSQL's query_canceled: the statement ran past statement_timeout
# (DATABASE_STATEMENT_TIMEOUT_MS). SQLite has no statement timeout.
QUERY_CANCELED = "57014"

PAGE = """<!doctype html>
<html lang="en">
<title>Service unavailable</title>
<h1>Service unavailable</h1>
<p>{detail}</p>
</html>
"""


def _unavailable(request, detail):
    """A 503: a problem under /api/, a plain page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return problem_response(503, detail)
    return HttpResponse(PAGE.format(detail=escape(detail)), status=503)


def database_unavailable(request):
    """The 503 of an outage, which the client may retry shortly."""
    response = _unavailable(request, DETAIL)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def request_too_expensive(request):
    """The 503 of a query stopped by the statement timeout: retrying will not help."""
    return _unavailable(request, TOO_EXPENSIVE_DETAIL)


def hit_statement_timeout(exception) -> bool:
    """Whether a database error is PostgreSQL cancelling a statement past its timeout."""
    return getattr(exception.__cause__, "sqlstate", None) == QUERY_CANCELED


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection in a view into a fast 503.

    OperationalError and InterfaceError mean the server is unreachable or has
    restarted; the client can retry, so it is not a server error. A query
    cancelled at the statement timeout (DATABASE_STATEMENT_TIMEOUT_MS) is a
    503 too, but one that says the request was too expensive, with no
    Retry-After: the same request would be stopped again. DRF's exception handler
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
        if hit_statement_timeout(exception):
            logger.warning(
                "Statement timeout (%s %s): %s",
                request.method,
                request.get_full_path(),
                exception,
            )
            return request_too_expensive(request)
        # One line, no traceback: an outage would otherwise flood the log.
        logger.error(
            "Database unavailable (%s %s): %s", request.method, request.path, exception
        )
        return database_unavailable(request)
