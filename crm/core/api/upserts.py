"""Writes by the client's own ids: upsert by `external_id`, and batches.

`PUT <resource>/external/<external_id>/` replaces the record with that
external id, or creates it (201 with `Location`); `If-Match` is honoured as
on any write (crm.core.api.concurrency). `POST <resource>/batch/` takes
`{"items": [...]}`, at most MAX_BATCH: each item is created, or replaces the
record its `id` or `external_id` names. All or nothing: one transaction, and
a 400 listing every item's errors (field `items.<index>.<field>`) leaves
nothing written.

Both go through the resource's serializer, and so through its service:
history, the changes feed, stored figures and walls apply as to any write.
Neither asks the likely-duplicate question of a create
(crm.transfer.api.duplicates): the client names its records by its own ids.
"""

from functools import cache

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from crm.core.api.concurrency import (
    ETAG_HEADER,
    IF_MATCH,
    PreconditionFailed,
    etag,
    if_match_passes,
)
from crm.core.api.exceptions import (
    as_problem_response,
    django_errors,
    drf_errors,
    summary,
)
from crm.core.api.problems import problem
from crm.core.models import EXTERNAL_ID_MAX_LENGTH
from crm.core.versions import lock_record

MAX_BATCH = 200

EXTERNAL_ID = OpenApiParameter(
    "external_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Your own id for the record (its `external_id`).",
)

LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    description="The URL of the record created.",
    response=[201],
)


class UpsertMixin:
    """`external/<external_id>/` and `batch/` on a resource with `external_id`."""

    creating = False

    @extend_schema(
        parameters=[EXTERNAL_ID, IF_MATCH, ETAG_HEADER, LOCATION],
        description="Replace the record with this `external_id`, or create it "
        "(201 with `Location`). The body is the whole record, as for a create; "
        "an `external_id` in it must be the URL's. With `If-Match`, replace "
        "only that version (412 otherwise, and for a record that does not exist).",
    )
    @action(
        detail=False,
        methods=["put"],
        url_path=r"external/(?P<external_id>[^/]+)",
        url_name="external",
    )
    def external(self, request, external_id):
        if "\x00" in external_id:
            raise ValidationError({"external_id": ["Null characters are not allowed."]})
        data = _as_dict(request.data)
        if data.get("external_id", external_id) != external_id:
            raise ValidationError(
                {"external_id": ["Give the URL's external id, or leave it out."]}
            )
        data["external_id"] = external_id
        with transaction.atomic():
            instance = self._locked(external_id=external_id)
            header = request.headers.get("If-Match")
            if header is not None and (
                instance is None or not if_match_passes(header, etag(instance))
            ):
                raise PreconditionFailed()
            self.creating = instance is None
            self._check_permission(creating=self.creating)
            serializer = self.get_serializer(instance, data=data)
            serializer.is_valid(raise_exception=True)
            serializer.save()
        instance = self.get_queryset().get(pk=serializer.instance.pk)
        body = self.get_serializer(instance).data
        headers = {"ETag": etag(instance)}
        if self.creating:
            headers["Location"] = self.reverse_action(
                "detail", kwargs={"pk": instance.pk}
            )
            return Response(body, status=status.HTTP_201_CREATED, headers=headers)
        return Response(body, headers=headers)

    @extend_schema(
        description=f"Create or replace up to {MAX_BATCH} records in one "
        "transaction: an item with an `id`, or with the `external_id` of an "
        "existing record, replaces it; any other is created. 200 with each "
        "result in order, or 400 with every item's errors (field "
        "`items.<index>.<field>`, `item` the index) and nothing written.",
    )
    @action(detail=False, methods=["post"], url_path="batch", url_name="batch")
    def batch(self, request):
        items = _as_dict(request.data).get("items")
        if not isinstance(items, list) or not items:
            raise ValidationError({"items": ["Give a list of 1 to 200 records."]})
        if len(items) > MAX_BATCH:
            raise ValidationError(
                {
                    "items": [
                        serializers.ErrorDetail(
                            f"At most {MAX_BATCH} items per batch.", code="too_large"
                        )
                    ]
                }
            )
        with transaction.atomic():
            results, errors = self._write_all(items)
            if errors:
                transaction.set_rollback(True)
        if errors:
            body = problem(
                status.HTTP_400_BAD_REQUEST,
                summary(errors),
                kind="invalid",
                errors=errors,
            )
            return as_problem_response(
                Response(body, status=status.HTTP_400_BAD_REQUEST), request
            )
        # The records as a list shows them (figures included): one query.
        shown = self.get_queryset().in_bulk([pk for _action, pk in results])
        return Response(
            {
                "items": [
                    {
                        "action": action_,
                        "data": self.get_serializer(shown[pk]).data,
                    }
                    for action_, pk in results
                ]
            }
        )

    def _write_all(self, items):
        """([(created|updated, id)], [errors]) of writing `items` in order."""
        existing = self._existing(items)
        results, errors, seen = [], [], set()
        for index, item in enumerate(items):
            try:
                if not isinstance(item, dict):
                    raise ValidationError(["Each item must be an object."])
                instance, key = self._target(item, existing)
                if key is not None and key in seen:
                    raise ValidationError(
                        {key[0]: ["Another item of this batch names this record."]}
                    )
                seen.add(key)
                self._check_permission(creating=instance is None)
                serializer = self.get_serializer(instance, data=item)
                serializer.is_valid(raise_exception=True)
                serializer.save()
            except ValidationError as error:
                errors.extend(_at(index, drf_errors(error.detail)))
            except DjangoValidationError as error:
                errors.extend(_at(index, django_errors(error)))
            else:
                action_ = "created" if instance is None else "updated"
                results.append((action_, serializer.instance.pk))
        return results, errors

    def _existing(self, items):
        """The records the items name, by ("id", id) and ("external_id", value): one query."""
        named = [item for item in items if isinstance(item, dict)]
        ids = {item.get("id") for item in named if _is_id(item.get("id"))}
        external = {
            item.get("external_id")
            for item in named
            if _is_external_id(item.get("external_id"))
        }
        if not ids and not external:
            return {}
        model = self.get_queryset().model
        # A hidden record is not found, exactly as on its detail URL. Rows are
        # locked in one order, as the services lock them.
        rows = (
            model._default_manager.visible_to(self.request.user)
            .filter(Q(pk__in=ids) | Q(external_id__in=external))
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        found = {}
        for row in rows:
            found["id", row.pk] = row
            if row.external_id:
                found["external_id", row.external_id] = row
        return found

    def _target(self, item, existing):
        """(the record `item` replaces or None, the key naming it or None)."""
        if "id" in item and item["id"] is not None:
            if not _is_id(item["id"]):
                raise ValidationError({"id": ["Give the id as an integer."]})
            key = ("id", item["id"])
            if key not in existing:
                raise ValidationError(
                    {"id": [serializers.ErrorDetail("No such record.", "not_found")]}
                )
            return existing[key], key
        if _is_external_id(item.get("external_id")):
            key = ("external_id", item["external_id"])
            return existing.get(key), key
        return None, None

    def get_object(self):
        """On `external/<external_id>/` (as OPTIONS asks it), the record with that id."""
        external_id = self.kwargs.get("external_id")
        if external_id is None:
            return super().get_object()
        instance = None
        if _is_external_id(external_id):
            instance = self.get_queryset().filter(external_id=external_id).first()
        if instance is None:
            raise Http404
        return instance

    def _locked(self, **lookup):
        """The visible record matching `lookup`, its row locked; None if none."""
        instance = self.get_queryset().filter(**lookup).first()
        if instance is None:
            return None
        if lock_record(instance) != instance.updated_at:
            instance = self.get_queryset().get(pk=instance.pk)
        return instance

    def _check_permission(self, *, creating):
        """An upsert may create (add_*) or replace (change_*): it needs that permission."""
        opts = self.get_queryset().model._meta
        codename = (
            f"{opts.app_label}.{'add' if creating else 'change'}_{opts.model_name}"
        )
        if not self.request.user.has_perm(codename):
            raise PermissionDenied(
                f"You need the permission {codename} to "
                f"{'create' if creating else 'change'} {opts.verbose_name_plural}."
            )


def _is_id(value):
    """A positive whole number that fits the id column (a larger one is a 400)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _is_external_id(value):
    """A value that can name a record (the serializer reports any other)."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= EXTERNAL_ID_MAX_LENGTH
        and "\x00" not in value
    )


def _as_dict(data):
    if hasattr(data, "dict"):
        return data.dict()
    if not isinstance(data, dict):
        raise ValidationError(["Send a JSON object."])
    return dict(data)


def _at(index, errors):
    """Errors of batch item `index`: fields under `items.<index>.`."""
    for item in errors:
        item["field"] = ".".join(
            part for part in ("items", str(index), item["field"]) if part
        )
        item["item"] = index
        item.pop("existing", None)
    return errors


@cache
def batch_request_serializer(serializer_class):
    name = serializer_class.Meta.model.__name__
    return inline_serializer(
        f"{name}BatchRequest",
        {
            "items": serializer_class(
                many=True,
                help_text=f"1 to {MAX_BATCH} records; `id` or `external_id` "
                "names one to replace.",
            )
        },
    )


@cache
def batch_response_serializer(serializer_class):
    name = serializer_class.Meta.model.__name__
    return inline_serializer(
        f"{name}Batch",
        {
            "items": inline_serializer(
                f"{name}BatchResult",
                {
                    "action": serializers.ChoiceField(["created", "updated"]),
                    "data": serializer_class(),
                },
                many=True,
            )
        },
    )
