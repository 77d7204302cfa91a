"""OpenAPI: every operation documents the errors it can answer with."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from crm.core.api.concurrency import (
    CONDITIONAL_WRITES,
    NOT_MODIFIED,
    conditional_action,
    openapi_headers,
)
from crm.core.api.problems import CODES, CONTENT_TYPE
from crm.transfer.api.exports import ExportSchemaMixin

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
    "400": "Invalid input: a body field or query parameter is named with its messages.",
    "401": "No valid credentials: send `Authorization: Bearer <token>`.",
    "403": "The user lacks the model permission for this action.",
    "404": "No such record (on a list: no such page).",
    "406": "No representation this endpoint offers matches `Accept` or `?format=`.",
    "409": "A conflict; nothing was written. A delete: other records depend on "
    "this one (`dependants`). A create: a unique value is taken (`existing` "
    "links to the record if you may see it). Or a request with the same "
    "`Idempotency-Key` is still running.",
    "412": "The record changed since the version named in `If-Match`; nothing was changed.",
    "415": "The body's `Content-Type` is not one this endpoint reads.",
    "429": "Too many requests with this token, a minute or running at once: "
    "wait the seconds in `Retry-After`.",
    "503": "The database is unavailable, or the request ran past the statement "
    "time limit (narrow it); nothing was changed.",
}


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
    def get_override_parameters(self):
        # ETag, If-Match and If-None-Match (crm.core.api.concurrency).
        return [*super().get_override_parameters(), *openapi_headers(self.view)]

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
            responses.setdefault("304", NOT_MODIFIED)
        return responses

    def _error_codes(self):
        codes = ["400", "401", "403", "406", "429", "503"]
        # A list answers 404 for a page number past its end (DRF's paginator).
        if self._is_detail() or self._is_list_view():
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        if self.method in ("DELETE", "POST", "PUT", "PATCH"):
            codes.append("409")
        if (
            conditional_action(self.view) in CONDITIONAL_WRITES
            or getattr(self.view, "action", None) == "external"
        ):
            codes.append("412")
        return codes

    def _is_detail(self):
        return "{" in self.path
