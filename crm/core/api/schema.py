"""OpenAPI: every operation documents the errors and headers it can answer with.

Also what drf-spectacular leaves loose for generated clients: every field a
response always holds is `required` (generated types would make each one
optional), and a decimal's pattern says the digits its field takes.
"""

import copy

from django.db.models import CheckConstraint, Q
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from crm.core.api.concurrency import (
    CONDITIONAL_WRITES,
    NOT_MODIFIED,
    conditional_action,
    openapi_headers,
)
from crm.core.api.problems import CODES, CONTENT_TYPE
from crm.transfer.api.exports import ExportableListMixin, ExportSchemaMixin

ERROR_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem (`application/problem+json`). `type` names "
    "the kind of problem (`urn:crm:problem:invalid`, `...:unique`, `...:dependants`, "
    "`...:stale`, `...:not_found`, ...); invalid input lists each error in `errors`.",
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {
                        "type": "string",
                        "nullable": True,
                        "description": "The body field or query parameter (a "
                        "dotted path into lists: `items.3.name`); null when the "
                        "error is about no one field.",
                    },
                    "code": {
                        "type": "string",
                        "enum": list(CODES),
                        "description": "; ".join(
                            f"`{code}`: {meaning}" for code, meaning in CODES.items()
                        ),
                    },
                    "message": {"type": "string"},
                    "item": {
                        "type": "integer",
                        "description": "In a batch: the index of the item.",
                    },
                    "existing": {"$ref": "#/components/schemas/ExistingRecord"},
                },
                "required": ["field", "code", "message"],
            },
        },
        "existing": {"$ref": "#/components/schemas/ExistingRecord"},
        "dependants": {
            "type": "array",
            "description": "A refused delete: the records you may see that depend "
            "on this one, by resource.",
            "items": {
                "type": "object",
                "properties": {
                    "resource": {"type": "string"},
                    "ids": {"type": "array", "items": {"type": "integer"}},
                },
                "required": ["resource", "ids"],
            },
        },
        "hidden_dependants": {
            "type": "boolean",
            "description": "A refused delete: records you may not see depend on "
            "this one too (how many is not said).",
        },
    },
    "required": ["type", "title", "status", "detail"],
    # Problems of some kinds carry more (e.g. a duplicate's `candidates`).
    "additionalProperties": True,
}

EXISTING_SCHEMA = {
    "type": "object",
    "description": "The record that already has the value, if you may see it.",
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "format": "uri", "nullable": True},
    },
    "required": ["id", "url"],
}

ERRORS = {
    "400": "Invalid input: a body field or query parameter is named with its "
    "messages (an unknown query parameter, or one that takes a single value "
    "given twice, too).",
    "401": "No valid credentials: send `Authorization: Bearer <token>`.",
    "403": "The user lacks the model permission for this action.",
    "404": "No such record (on a list: no such page).",
    "405": "This path does not take this method (a client built from another "
    "version of this schema): `Allow` lists those it takes.",
    "406": "No representation this endpoint offers matches `Accept` or `?format=`.",
    "409": "A conflict; nothing was written. A delete: other records depend on "
    "this one (`dependants`). A create: a unique value is taken (`existing` "
    "links to the record if you may see it). Or a request with the same "
    "`Idempotency-Key` is still running.",
    "422": "This `Idempotency-Key` was sent before with another body; nothing "
    "was done.",
    "412": "The record changed since the version named in `If-Match`; nothing was changed.",
    "413": "The request body is over the size limit "
    "(DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default); nothing was read.",
    "415": "The body's `Content-Type` is not `application/json`, the only one "
    "this API reads.",
    "429": "Too many requests with this token, a minute or running at once: "
    "wait the seconds in `Retry-After`.",
    "503": "The database is unavailable (`Retry-After` says when to try again), "
    "or the request ran past the statement time limit (narrow it); nothing was "
    "changed.",
}

HEADERS = {
    "X-RateLimit-Limit": "Requests this token (or logged-in user) may make a window.",
    "X-RateLimit-Remaining": "Requests left in the current window.",
    "X-RateLimit-Reset": "When the current window ends, in Unix seconds.",
    "Retry-After": "Seconds to wait before trying again (on a 503, only when "
    "the database is down).",
    "Location": "The URL of the record created.",
    "Allow": "The methods this path takes.",
}
RATE_LIMIT = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
# Answered before the caller is known (no credentials, a body too large, too
# many requests at once, no database, an Accept header nothing matches): no
# rate-limit headers are promised.
CALLER_UNKNOWN = {"401", "406", "413", "429", "503"}

ACTIONS = {
    "list": "The list, in pages. Filters are below: a list filter takes values "
    "separated by commas or the parameter repeated, and matches any of them.",
    "create": "Create one: 201 with the record and its `Location`.",
    "retrieve": "One record.",
    "update": "Replace one: every writable field.",
    "partial_update": "Change the fields given of one.",
    "destroy": "Delete one.",
}
CONDITIONAL = {
    "create": " It carries its `ETag`.",
    "retrieve": " It carries its `ETag`; with `If-None-Match` naming it, 304 "
    "while the record is unchanged.",
    "update": " Send `If-Match` with the record's `ETag`: 412 if it changed since.",
    "partial_update": " Send `If-Match` with the record's `ETag`: 412 if it "
    "changed since.",
    "destroy": " Send `If-Match` with the record's `ETag`: 412 if it changed "
    "since. A record others depend on is kept: 409 naming them.",
}
# Writes that take an Idempotency-Key (crm.integrations.idempotency).
IDEMPOTENT_METHODS = {"POST", "PATCH"}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Your unique key for this write (1 to 255 characters), so "
    "that it can be retried safely: within 24 h the same key and body get the "
    "first response again (with `Idempotent-Replayed: true`), another body a "
    "422, and while the first still runs, a 409. Keys are per token.",
)
REPLAYED = {
    "schema": {"type": "string", "enum": ["true"]},
    "description": "This is the response kept for the request's `Idempotency-Key`.",
}
EXPORT = " `?format=csv` or `xlsx` answers every matching row as a file."


class UpsertSchemaMixin:
    """The schema of `batch/` (items in, results out) and `external/` (200 or 201)."""

    # crm.core.api.upserts is imported late: it loads DRF's views, whose
    # settings load this module.

    def get_request_serializer(self):
        if getattr(self.view, "action", None) == "batch":
            from crm.core.api.upserts import batch_request_serializer

            return batch_request_serializer(self.view.get_serializer_class())
        return super().get_request_serializer()

    def get_response_serializers(self):
        action_ = getattr(self.view, "action", None)
        if action_ == "batch":
            from crm.core.api.upserts import batch_response_serializer

            return batch_response_serializer(self.view.get_serializer_class())
        if action_ == "external":
            serializer = self.view.get_serializer_class()
            return {200: serializer, 201: serializer}
        return super().get_response_serializers()


class CRMAutoSchema(UpsertSchemaMixin, ExportSchemaMixin, AutoSchema):
    def get_description(self):
        description = super().get_description()
        action = getattr(self.view, "action", None)
        handler = getattr(self.view, action, None) if action else None
        if action not in ACTIONS or (handler and handler.__doc__):
            return description
        # The resource's docstring says what it is; each operation adds what
        # it does (one text for all would have a list talking about deletes).
        sentence = ACTIONS[action]
        if conditional_action(self.view):
            sentence += CONDITIONAL.get(action, "")
        if action == "list" and isinstance(self.view, ExportableListMixin):
            sentence += EXPORT
        if action == "destroy" and getattr(self.view, "deletion_rule", None):
            sentence += " " + self.view.deletion_rule
        return f"{description}\n\n{sentence}" if description else sentence

    def get_override_parameters(self):
        # ETag, If-Match and If-None-Match (crm.core.api.concurrency).
        parameters = [*super().get_override_parameters(), *openapi_headers(self.view)]
        if self.method in IDEMPOTENT_METHODS:
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response":
            # A response holds every field it declares (null where empty):
            # write-only fields are not declared in responses.
            schema["required"] = list(schema.get("properties", {}))
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.DecimalField) and "pattern" in schema:
            schema["pattern"] = decimal_pattern(field, direction)
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = ResolvedComponent(
            name="Error",
            type=ResolvedComponent.SCHEMA,
            object="Error",
            schema=ERROR_SCHEMA,
        )
        self.registry.register_on_missing(error)
        self.registry.register_on_missing(
            ResolvedComponent(
                name="ExistingRecord",
                type=ResolvedComponent.SCHEMA,
                object="ExistingRecord",
                schema=EXISTING_SCHEMA,
            )
        )
        for code in self._error_codes():
            documented = responses.setdefault(code, {"description": ERRORS[code]})
            documented.setdefault("content", {CONTENT_TYPE: {"schema": error.ref}})
        if conditional_action(self.view) == "retrieve":
            responses.setdefault("304", copy.deepcopy(NOT_MODIFIED))
        for code, response in responses.items():
            response.setdefault("headers", {}).update(self._headers(code))
            if code.startswith("2") and self.method in IDEMPOTENT_METHODS:
                response["headers"]["Idempotent-Replayed"] = REPLAYED
            if code != "200" or not self._exports():
                # Only the list itself is a file (ExportableListMixin): a
                # create on its URL answers JSON whatever `Accept` says.
                content = response.get("content", {})
                kept = ("application/json", CONTENT_TYPE)
                for media_type in [m for m in content if m not in kept]:
                    del content[media_type]
        return responses

    def _headers(self, code):
        """Each header `code` answers with, as a reference to its component."""
        names = [] if code in CALLER_UNKNOWN else list(RATE_LIMIT)
        names += {"201": ["Location"], "405": ["Allow"]}.get(code, [])
        if code in ("429", "503"):
            names.append("Retry-After")
        headers = {}
        for name in names:
            component = ResolvedComponent(
                name=name,
                type=ResolvedComponent.HEADER,
                object=name,
                schema={
                    "schema": {"type": "string"},
                    "description": HEADERS[name],
                    # Not after a 503 of a statement time-out.
                    "required": name != "Retry-After",
                },
            )
            self.registry.register_on_missing(component)
            headers[name] = component.ref
        return headers

    def _error_codes(self):
        codes = ["400", "401", "403", "405", "406", "429", "503"]
        # A list answers 404 for a page number past its end (DRF's paginator).
        if self._is_detail() or self._is_list_view():
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["413", "415"]
        if self.method in ("DELETE", "POST", "PUT", "PATCH"):
            codes.append("409")
        if self.method in IDEMPOTENT_METHODS:
            codes.append("422")
        if (
            conditional_action(self.view) in CONDITIONAL_WRITES
            or getattr(self.view, "action", None) == "external"
        ):
            codes.append("412")
        return codes

    def _is_detail(self):
        return "{" in self.path


def decimal_pattern(field, direction):
    """The digits `field` takes (in a request) or gives (in a response).

    Whole digits up to max_digits - decimal_places; a sign only where no
    database constraint keeps the value at or above zero. A response always
    has every decimal place (DRF quantizes it).
    """
    whole = rf"\d{{1,{field.max_digits - field.decimal_places}}}"
    places = field.decimal_places
    sign = "" if never_negative(field) else "-?"
    if direction == "response":
        return rf"^{sign}{whole}\.\d{{{places}}}$" if places else rf"^{sign}{whole}$"
    return rf"^{sign}{whole}(?:\.\d{{1,{places}}})?$" if places else rf"^{sign}{whole}$"


def never_negative(field):
    """Whether the field has a minimum >= 0, or a check constraint of its model
    keeps it at or above zero."""
    if field.min_value is not None:
        return field.min_value >= 0
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None:
        return False
    bounds = {(f"{field.source}__gte", 0), (f"{field.source}__gt", 0)}
    return any(
        isinstance(constraint, CheckConstraint)
        and bounds & set(_terms(constraint.condition))
        for constraint in model._meta.constraints
    )


def _terms(condition):
    """The lookups that all hold when `condition` holds (AND, never OR or NOT)."""
    if not isinstance(condition, Q) or condition.negated:
        return
    if condition.connector != Q.AND and len(condition.children) > 1:
        return
    for child in condition.children:
        if isinstance(child, Q):
            yield from _terms(child)
        else:
            yield child
