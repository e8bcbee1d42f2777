"""Outreach: a recorder per level, a reader, events and what a refusal must leave unchanged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from casework.ledger.models import LedgerEntry
from casework.outreach.models import OutreachEvent, OutreachPhoto
from casework.outreach.services import outreach_event_record


def entry(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "held_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "place": "街道会议室",
        "topic": "劳动合同法解读",
        "form": "lecture",
        "audience": 40,
        "partner": "区司法局",
        "notes": "",
    }
    return {**data, **overrides}


def state() -> tuple[Any, ...]:
    """Events (every field), photos and the trail: what a refusal must not change."""
    return (
        list(OutreachEvent.objects.order_by("pk").values()),
        list(OutreachPhoto.objects.order_by("pk").values_list("pk", "sha256")),
        LedgerEntry.objects.count(),
    )


@pytest.fixture
def people(world, user_with):
    return {
        "legal": user_with("legal_officer", world.units["D1"]),
        "street": user_with("street_caseworker", world.units["S1"]),
        "neighbour": user_with("street_caseworker", world.units["S2"]),
        "chair": user_with("enterprise_chair", world.units["E1"]),
        "auditor": user_with("auditor", world.units["D1"]),
        "approver": user_with("street_approver", world.units["S1"]),
    }


@pytest.fixture
def event(world, people):
    """An event of enterprise E1 (under street S1), recorded by the street."""
    return outreach_event_record(unit=world.units["E1"], data=entry(), by=people["street"])
