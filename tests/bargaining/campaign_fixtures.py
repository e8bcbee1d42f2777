"""Helpers of the campaign tests: more enterprises with members, a district
caseworker, a started campaign, and what a refusal must leave unchanged."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from viewflow.workflow.models import Task

from casework.bargaining.campaign_services import campaign_start
from casework.bargaining.campaigns import Campaign
from casework.bargaining.models import BargainingCase
from casework.cases.models import CaseNumberCounter
from casework.deadlines.models import TaskDeadline
from casework.ledger.models import LedgerEntry
from casework.org.models import Unit, UnitKind
from casework.people.services import person_register
from casework.people.synthetic import SyntheticPeople
from notifications.models import OutboxEvent, OutboxMessage
from tests.web.helpers import make_unit
from tests.world import TODAY

_people = SyntheticPeople(2024)


def served(days: int = 3) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def members(unit: Unit, count: int) -> None:
    """``count`` registered members employed by ``unit``."""
    for _ in range(count):
        p = _people.person(today=TODAY)
        person_register(by=None, name=p.name, id_number=p.id_number, mobile=p.mobile, employer=unit, is_member=True)


def enterprises(parent: Unit, count: int, *, prefix: str = "X", each: int = 1) -> list[Unit]:
    """``count`` enterprises under ``parent``, each with ``each`` members."""
    made = []
    for i in range(count):
        unit = make_unit(f"{prefix}{parent.code}{i:03d}", f"{parent.name}企业{i}", UnitKind.ENTERPRISE, parent)
        members(unit, each)
        made.append(unit)
    return made


def start(world, by, **options):
    options.setdefault("name", "2026年工资集体协商集中要约")
    options.setdefault("offer_served_on", served())
    return campaign_start(district=options.pop("district", world.units["D1"]), by=by, **options)


def counts() -> tuple[int, ...]:
    """Everything a campaign writes: nothing of it may change on a refusal."""
    return (
        Campaign.objects.count(),
        BargainingCase.objects.count(),
        Task.objects.count(),
        TaskDeadline.objects.count(),
        LedgerEntry.objects.count(),
        OutboxEvent.objects.count(),
        OutboxMessage.objects.count(),
        sum(CaseNumberCounter.objects.values_list("last", flat=True)),
    )
