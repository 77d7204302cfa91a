"""One JSON error shape for every failure under /api/."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from crm.core.deletion import DependentRecordsExist
from crm.core.dependants import refusal_message


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the record.")
    default_code = "conflict"


def _as_drf_error(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        detail = {
            (
                api_settings.NON_FIELD_ERRORS_KEY
                if field == NON_FIELD_ERRORS
                else field
            ): messages
            for field, messages in error.message_dict.items()
        }
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError(
        {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    )


def exception_handler(exc, context):
    """DRF's handler, plus model validation errors (400) and conflicts (409)."""
    if isinstance(exc, DjangoValidationError):
        exc = _as_drf_error(exc)
    elif isinstance(exc, DependentRecordsExist):
        # Named and counted within the ethical walls (crm.core.dependants).
        exc = Conflict(refusal_message(exc, context["request"].user))
    elif isinstance(exc, IntegrityError):
        # Validation runs before every write, so this is a race with another
        # writer (e.g. two clients creating the same name at once).
        exc = Conflict(
            "The change conflicts with another record; reload and try again."
        )
    return drf_exception_handler(exc, context)
