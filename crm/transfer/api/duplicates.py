"""Creating a likely duplicate over the API: 409 with the candidates, unless asked to."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException

from crm.core.api.query_params import ONE
from crm.transfer.duplicates import candidates

ALLOW_DUPLICATE = "allow_duplicate"


class DuplicateFound(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "duplicate"

    def __init__(self, found, request):
        self.detail = {
            "detail": "This looks like a record that exists already; "
            f"send ?{ALLOW_DUPLICATE}=true to create it anyway.",
            "candidates": [
                {
                    "id": candidate.record.pk,
                    "name": str(candidate.record),
                    "reason": candidate.reason,
                }
                for candidate in found
            ],
        }


class DuplicateCheckMixin:
    """A create that names a close match of an existing record answers 409."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                ALLOW_DUPLICATE,
                OpenApiTypes.BOOL,
                description=_(
                    "Create the record even if it looks like an existing "
                    "one (otherwise 409 with the candidates)."
                ),
            )
        ]
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def query_parameters(self):
        accepted = super().query_parameters()
        if self.action == "create":
            accepted[ALLOW_DUPLICATE] = ONE
        return accepted

    def perform_create(self, serializer):
        allowed = self.request.query_params.get(ALLOW_DUPLICATE, "").lower()
        if allowed in ("true", "1", "yes"):
            super().perform_create(serializer)
            return
        # Saved, then compared: the save validates the record once (one the
        # rules refuse, such as the same name in other case, is its 400, not a
        # possible duplicate), and a likely duplicate undoes the save.
        with transaction.atomic():
            super().perform_create(serializer)
            found = candidates(serializer.instance)
            if found:
                raise DuplicateFound(found, self.request)
