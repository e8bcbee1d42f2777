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


class LineErrors(RuleViolation):
    """Some lines of a list (a campaign's payments, an import) break a rule.
    ``lines`` says which and why, each like a single error plus its ``line``
    number (from 1); nothing of the list was kept."""

    code = "invalid_lines"

    def __init__(self, message: str | Promise, lines: list[dict[str, Any]], *, field: str = "lines") -> None:
        super().__init__(message, field=field)
        self.lines = lines

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "lines": self.lines}
