"""OpenAPI: every operation documents the errors it can answer with."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from crm.core.api.concurrency import (
    CONDITIONAL_WRITES,
    NOT_MODIFIED,
    conditional_action,
    openapi_headers,
)
from crm.transfer.api.exports import ExportSchemaMixin

ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` for a general error; otherwise each offending field "
    "(or query parameter) mapped to a list of messages. Errors that are not "
    "about one field are under `non_field_errors`.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object"},
        ]
    },
}

ERRORS = {
    "400": "Invalid input: a body field or query parameter is named with its messages.",
    "401": "No valid credentials: send `Authorization: Bearer <token>`.",
    "403": "The user lacks the model permission for this action.",
    "404": "No such record (on a list: no such page).",
    "406": "No representation this endpoint offers matches `Accept` or `?format=`.",
    "409": "Other records depend on this one; nothing was deleted.",
    "412": "The record changed since the version named in `If-Match`; nothing was changed.",
    "415": "The body's `Content-Type` is not one this endpoint reads.",
    "429": "Too many requests with this token, a minute or running at once: "
    "wait the seconds in `Retry-After`.",
    "503": "The database is unavailable, or the request ran past the statement "
    "time limit (narrow it); nothing was changed.",
}


class CRMAutoSchema(ExportSchemaMixin, AutoSchema):
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
        for code in self._error_codes():
            responses.setdefault(
                code,
                {
                    "description": ERRORS[code],
                    "content": {"application/json": {"schema": error.ref}},
                },
            )
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
        if self.method == "DELETE":
            codes.append("409")
        if conditional_action(self.view) in CONDITIONAL_WRITES:
            codes.append("412")
        return codes

    def _is_detail(self):
        return "{" in self.path
