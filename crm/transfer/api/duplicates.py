"""Creating a likely duplicate over the API: 409 with the candidates, unless asked to."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException

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

    def perform_create(self, serializer):
        allowed = self.request.query_params.get(ALLOW_DUPLICATE, "").lower()
        if allowed not in ("true", "1", "yes"):
            model = serializer.Meta.model
            names = {field.name for field in model._meta.concrete_fields}
            instance = model(
                **{k: v for k, v in serializer.validated_data.items() if k in names}
            )
            # A record the rules refuse (the same name in other case) is a 400
            # from the save below, not a possible duplicate.
            try:
                instance.full_clean()
            except ValidationError:
                found = []
            else:
                found = candidates(instance)
            if found:
                raise DuplicateFound(found, self.request)
        super().perform_create(serializer)
