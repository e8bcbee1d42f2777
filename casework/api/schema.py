"""The OpenAPI document: every operation also documents the error answers it
can give, each with the one error body (casework/api/errors.py)."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorBody(serializers.Serializer):
    error = serializers.CharField(help_text="a stable code: invalid, not_found, access.no_role, …")
    message = serializers.CharField(help_text="one sentence in the caller's language")

    def get_fields(self) -> dict[str, serializers.Field]:
        # "fields" is also Serializer.fields, so it cannot be declared as an attribute.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
        return fields


ERRORS_EVERYWHERE = {
    "400": "bad input or a broken rule, naming the field",
    "401": "not signed in",
    "403": "in scope, but the role or a rule does not allow it",
    "404": "no such object, or outside the caller's scope (the same answer)",
    "405": "method not allowed",
}
ERRORS_ON_WRITES = {
    "409": "someone else changed it first",
    "415": "not JSON",
    "429": "too many failed sign-ins from here: locked out for a while",
}
ERRORS_ON_READS = {"406": "not acceptable"}


class CaseworkSchema(AutoSchema):
    # drf-spectacular has no public hook for responses added to every operation;
    # this private method is the one its own code extends (checked in 0.30).
    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        extra = {
            **ERRORS_EVERYWHERE,
            **(ERRORS_ON_WRITES if self.method in ("POST", "PUT", "PATCH") else ERRORS_ON_READS),
        }
        for status, description in extra.items():
            if status not in responses:
                responses[status] = self._get_response_for_code(ErrorBody, status)
                responses[status]["description"] = description
        return responses
