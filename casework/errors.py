"""Domain errors with stable codes.

Services raise these; one handler per surface (API JSON, page messages,
management commands) turns them into what the user reads. ``code`` is stable
and machine-readable; ``message`` is translated; ``field`` names the input the
rule is about, when there is one.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class CaseworkError(Exception):
    """Base of every domain error."""

    code = "error"
    http_status = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        field: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.params = params or {}

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.field:
            data["field"] = self.field
        return data


class RuleViolation(CaseworkError):
    """A domain rule says no. Nothing was changed."""

    code = "rule_violation"
    http_status = 400


class NotAllowed(CaseworkError):
    """The action is not available to this user or in this state."""

    code = "not_allowed"
    http_status = 403


class Conflict(CaseworkError):
    """Someone else changed the object first; reload and try again."""

    code = "conflict"
    http_status = 409
