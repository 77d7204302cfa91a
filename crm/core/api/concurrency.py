"""No lost updates: ETags on every record and `If-Match` on every write.

Every detail response (and a create's 201) carries the record's `ETag`. A PUT,
PATCH or DELETE with `If-Match` is applied only if a listed tag (or `*`) still
matches the stored record; otherwise it is a 412 and nothing changes. The check
runs under a row lock in the transaction of the write, so of concurrent writes
sent with the same tag exactly one wins. Without `If-Match` a write is applied
as before (last write wins): clients should send it.

Tags are strong and version the record's own fields (many-to-many sets
included); figures derived from other records, such as an investor's stake
totals, can change without them. As RFC 9110 requires, a weak tag (`W/"..."`)
never matches `If-Match`. A GET whose `If-None-Match` names the current tag
(weak or strong) is a 304 without a body.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import Http404
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.response import Response

from crm.core.versions import lock_record, record_version

CONDITIONAL_WRITES = {"update", "partial_update", "destroy"}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "The record has changed since the version named in If-Match; nothing was "
        "changed. Fetch it again, reapply your change and send its new ETag."
    )
    default_code = "stale"


def etag(instance) -> str:
    return quote_etag(record_version(instance))


def if_match_passes(header, tag):
    """RFC 9110 13.1.1: `*`, or any listed tag strongly equal to `tag`."""
    tags = parse_etags(header)
    # A weak tag keeps its W/ prefix here, so it never equals a strong one.
    return tags == ["*"] or tag in tags


def if_none_match_passes(header, tag):
    """RFC 9110 13.1.2: false for `*` or any listed tag weakly equal to `tag`."""
    tags = parse_etags(header)
    return tags != ["*"] and tag not in {t.removeprefix("W/") for t in tags}


class ConditionalRequestsMixin:
    """ETags on detail responses; `If-Match` on writes; `If-None-Match` on reads."""

    def retrieve(self, request, *args, **kwargs):
        response = self._with_etag(super().retrieve(request, *args, **kwargs))
        header = request.headers.get("If-None-Match")
        if header is not None and not if_none_match_passes(header, response["ETag"]):
            return Response(
                status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": response["ETag"]}
            )
        return response

    def create(self, request, *args, **kwargs):
        return self._with_etag(super().create(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        # The row lock taken in get_object() holds until this block ends: the
        # If-Match check and the write see the same version.
        with transaction.atomic():
            response = super().update(request, *args, **kwargs)
        return self._with_etag(response)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().destroy(request, *args, **kwargs)

    def get_object(self):
        obj = super().get_object()
        if self.action not in CONDITIONAL_WRITES:
            return obj
        try:
            stored_at = lock_record(obj)
        except ObjectDoesNotExist:
            raise Http404 from None
        if stored_at != obj.updated_at:
            # Saved by someone else between the read and the lock: write over
            # (and check the tag of) what is stored now.
            obj = super().get_object()
        header = self.request.headers.get("If-Match")
        if header is not None and not if_match_passes(header, etag(obj)):
            raise PreconditionFailed()
        return obj

    def _with_etag(self, response):
        # Serializer data links back to its serializer, and so to the record
        # shown (after an update, the record as reloaded).
        serializer = getattr(response.data, "serializer", None)
        instance = getattr(serializer, "instance", None)
        if instance is not None:
            response["ETag"] = etag(instance)
        return response


# OpenAPI: what the schema (crm.core.api.schema) documents on each action.

ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_("The record's version; send it back in `If-Match` when writing."),
    response=[200, 201],
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_(
        "Apply the change only if the record is still at this version: "
        'its `ETag` (e.g. `"3f2a..."`), several separated by commas, or `*`. '
        "Otherwise 412 and nothing changes. Clients should send it."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_("A 304 without a body if the record is still at this version."),
)
NOT_MODIFIED = {
    "description": "The record is still at the version named in `If-None-Match`.",
    "headers": {"ETag": {"schema": {"type": "string"}}},
}


def conditional_action(view):
    """The view's action if it is one this module makes conditional, else None."""
    if isinstance(view, ConditionalRequestsMixin):
        return getattr(view, "action", None)
    return None


def openapi_headers(view):
    """The request and response headers documented on `view`'s action."""
    return {
        "retrieve": [IF_NONE_MATCH, ETAG_HEADER],
        "create": [ETAG_HEADER],
        "update": [IF_MATCH, ETAG_HEADER],
        "partial_update": [IF_MATCH, ETAG_HEADER],
        "destroy": [IF_MATCH],
    }.get(conditional_action(view), [])
