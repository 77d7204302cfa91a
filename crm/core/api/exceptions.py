"""Every failure under /api/ as a problem (crm.core.api.problems)."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from crm.core.api.problems import CONTENT_TYPE, error, problem
from crm.core.deletion import DependentRecordsExist
from crm.core.dependants import refusal_message, shown_dependants

# Errors that say only "this value is taken": on a create, a 409.
CLASHES = {"unique", "unavailable"}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the record.")
    default_code = "conflict"


def _field(path):
    names = [str(name) for name in path]
    if names and names[0] in (NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY):
        names = names[1:]
    return ".".join(names) or None


def django_errors(exc, path=()):
    """[{field, code, message}] of a Django ValidationError, keeping its codes.

    A unique constraint names the record it clashes with as the `existing`
    param when the writer may see it (crm.core.constraints).
    """
    if hasattr(exc, "error_dict"):
        return [
            item
            for field, errors in exc.error_dict.items()
            for item in django_errors(DjangoValidationError(errors), (*path, field))
        ]
    items = []
    for one in exc.error_list:
        message = one.message % one.params if one.params else one.message
        existing = (one.params or {}).get("existing")
        extra = {"existing": existing} if existing is not None else {}
        items.append(error(_field(path), one.code, message, **extra))
    return items


def drf_errors(detail, path=()):
    """[{field, code, message}] of a DRF ValidationError's detail, nested or not."""
    if isinstance(detail, dict):
        return [
            item
            for key, value in detail.items()
            for item in drf_errors(value, (*path, key))
        ]
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            inner = (*path, index) if isinstance(value, dict | list) else path
            items.extend(drf_errors(value, inner))
        return items
    return [error(_field(path), getattr(detail, "code", None), detail)]


def summary(errors):
    """The `detail` of invalid input: each message, after its field."""
    return " ".join(
        f"{item['field']}: {item['message']}" if item["field"] else item["message"]
        for item in errors
    )


def _existing(item, view):
    """{id, url} of the record a clash names, when the caller may see it."""
    pk = item.pop("existing", None)
    if pk is None:
        return None
    try:
        url = view.reverse_action("detail", kwargs={"pk": pk})
    except (AttributeError, NoReverseMatch):  # a view without a detail route
        url = None
    return {"id": pk, "url": url}


def invalid(errors, view, *, creating=False):
    """The problem of invalid input: a 400, or a 409 for a create whose value is taken."""
    existing = [found for item in errors if (found := _existing(item, view))]
    if creating and errors and all(item["code"] in CLASHES for item in errors):
        body = problem(
            status.HTTP_409_CONFLICT,
            summary(errors),
            kind="unique",
            errors=errors,
        )
        if existing:
            body["existing"] = existing[0]
        return body
    return problem(
        status.HTTP_400_BAD_REQUEST, summary(errors), kind="invalid", errors=errors
    )


def dependants_problem(exc, user):
    """The 409 of a refused delete: the dependants `user` may see, by resource."""
    # Resource names come from the API router, which imports every app.
    from crm.integrations.resources import name_of

    shown, hidden = shown_dependants(exc, user)
    by_resource = {}
    for record in shown:
        resource = name_of(type(record)) or str(record._meta.verbose_name_plural)
        by_resource.setdefault(resource, []).append(record.pk)
    return problem(
        status.HTTP_409_CONFLICT,
        refusal_message(exc, user, shown),
        kind="dependants",
        dependants=[
            {"resource": resource, "ids": sorted(ids)}
            for resource, ids in sorted(by_resource.items())
        ],
        # A statement, never a number (crm.core.dependants).
        hidden_dependants=hidden,
    )


def _is_creating(view):
    return getattr(view, "action", None) == "create" or getattr(view, "creating", False)


def exception_handler(exc, context):
    """DRF's handler (status and headers), answering every error as a problem."""
    view = context.get("view")
    request = context["request"]
    body = None
    if isinstance(exc, DjangoValidationError):
        body = invalid(django_errors(exc), view, creating=_is_creating(view))
    elif isinstance(exc, exceptions.ValidationError):
        body = invalid(drf_errors(exc.detail), view, creating=_is_creating(view))
    elif isinstance(exc, DependentRecordsExist):
        body = dependants_problem(exc, request.user)
    elif isinstance(exc, IntegrityError):
        # Validation runs before every write, so this is a race with another
        # writer (e.g. two clients creating the same name at once).
        exc = Conflict(
            "The change conflicts with another record; reload and try again."
        )
    if body is not None:
        response = Response(body, status=body["status"])
    else:
        response = drf_exception_handler(exc, context)
        if response is None:
            return None
        response.data = _as_problem(exc, response)
    return as_problem_response(response, request)


def as_problem_response(response, request):
    """`response` labelled application/problem+json, unless shown as an HTML page."""
    if not isinstance(
        getattr(request, "accepted_renderer", None), BrowsableAPIRenderer
    ):
        # The browsable API shows the same body in its HTML page.
        response.content_type = CONTENT_TYPE
    return response


def _as_problem(exc, response):
    data = response.data
    extensions = {}
    if isinstance(data, dict):
        extensions = {key: value for key, value in data.items() if key != "detail"}
        data = data.get("detail", "")
    code = getattr(data, "code", None) or getattr(exc, "default_code", None)
    body = problem(response.status_code, data, kind=code, **extensions)
    if code == "stale":
        body["errors"] = [error("If-Match", "stale", data)]
    return body
