from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from casework.accounts.models import User
from casework.ledger.models import LedgerEntry
from casework.org.models import Membership, Unit
from casework.people.models import Person


def as_user(api: APIClient, user: User) -> APIClient:
    api.force_authenticate(user)
    return api


def snapshot() -> tuple[Any, ...]:
    """Everything a base write could change: the ledger, memberships, people, units."""
    return (
        LedgerEntry.objects.count(),
        list(Membership.objects.order_by("pk").values_list("pk", "user", "unit", "role", "valid_from", "valid_until")),
        list(Person.objects.order_by("pk").values_list("pk", "name", "id_number", "mobile", "employer")),
        list(Unit.objects.order_by("pk").values_list("pk", "code", "name", "path", "closed_on")),
    )


def is_error(body: dict[str, Any], code: str) -> bool:
    """The one error shape, with this code."""
    return set(body) == {"error", "message", "fields"} and body["error"] == code and bool(body["message"])
