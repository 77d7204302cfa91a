"""API errors as RFC 9457 problem details (`application/problem+json`).

Every error under /api/ has `type` (a URN naming the kind of problem, the
thing a program branches on), `title` (the HTTP status phrase), `status` and
`detail` (a sentence for people). Invalid input adds `errors`: one
`{field, code, message}` per message, `field` the body field or query
parameter (a dotted path into lists and objects, null when the error is about
no one field), `code` one of CODES.
"""

from http import HTTPStatus

from django.http import JsonResponse

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:crm:problem:"

# What a program can rely on in `errors[].code`; docs/api.md lists them too.
CODES = {
    "required": "The field is missing, null or blank and must have a value.",
    "invalid": "The value has the wrong type or format, or breaks a rule.",
    "not_found": "The value names a record that does not exist or that you "
    "may not see.",
    "unique": "Another record already has this value.",
    "unavailable": "The value cannot be used (it is taken by a record you "
    "may not see).",
    "too_large": "Too long, too large, too precise or too many.",
    "too_small": "Too short or too small.",
    "stale": "The record changed since the version named in `If-Match`.",
}

# Django's and DRF's error codes, by the code the API documents for them.
_DOCUMENTED = {
    "required": "required",
    "null": "required",
    "blank": "required",
    "empty": "required",
    "does_not_exist": "not_found",
    "not_found": "not_found",
    "unique": "unique",
    "unique_together": "unique",
    "unavailable": "unavailable",
    "max_length": "too_large",
    "max_value": "too_large",
    "max_digits": "too_large",
    "max_decimal_places": "too_large",
    "max_whole_digits": "too_large",
    "max_significant_digits": "too_large",
    "max_string_length": "too_large",
    "too_large": "too_large",
    "min_length": "too_small",
    "min_value": "too_small",
    "stale": "stale",
}


def documented_code(code):
    """The code of CODES that stands for Django's or DRF's `code`."""
    return _DOCUMENTED.get(code, "invalid")


def error(field, code, message, **extra):
    return {
        "field": field,
        "code": documented_code(code),
        "message": str(message),
        **extra,
    }


def problem(status, detail, *, kind=None, errors=None, **extensions):
    """The body of a problem: `kind` names its type (by default from the status)."""
    phrase = HTTPStatus(status).phrase
    kind = kind or phrase.lower().replace(" ", "_").replace("-", "_")
    body = {
        "type": TYPE_PREFIX + kind,
        "title": phrase,
        "status": status,
        "detail": str(detail),
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extensions)
    return body


def problem_response(status, detail, **kwargs):
    """A problem answered outside DRF (middleware, Django's error views)."""
    return JsonResponse(
        problem(status, detail, **kwargs), status=status, content_type=CONTENT_TYPE
    )
