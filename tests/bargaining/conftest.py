"""Helpers of the bargaining tests (district settings and staff are in tests/world.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.bargaining.choices import State
from casework.bargaining.models import BargainingCase
from casework.bargaining.services import bargaining_case_open, bargaining_round_record, bargaining_side_set
from casework.cases.documents import Attachment, DocumentKind
from casework.cases.tasks import task_complete
from casework.ledger.models import LedgerEntry
from notifications.models import OutboxMessage
from tests.cases.conftest import PDF, upload
from tests.hardship.conftest import open_task


@pytest.fixture
def team(world, staff, user_with):
    """The enterprise chair (as a person in the registry), the street caseworker."""
    chair = staff["chair"]
    chair.person = world.people["E1"]
    chair.save(update_fields=["person"])
    return {
        "chair": chair,
        "caseworker": staff["caseworker"],
        "district": user_with("district_caseworker", world.units["D1"]),
    }


def union_seats(world, size=3):
    return [{"person": world.people["E1"].pk, "role": "chief"}] + [
        {"name": f"职工代表{i}", "role": "member", "id_number": ""} for i in range(1, size)
    ]


def employer_seats(size=3, **chief):
    return [{"name": "厂长甲", "role": "chief", "position": "总经理", **chief}] + [
        {"name": f"企业代表{i}", "role": "member"} for i in range(1, size)
    ]


def letter(name="letter.pdf"):
    return [Attachment(upload(name, PDF), DocumentKind.LETTER)]


def ago(days):
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def step(case, action, by, reason="", documents=(), **data):
    return task_complete(task=open_task(case), action=action, by=by, reason=reason, data=data, documents=documents)


def fresh(case):
    return BargainingCase.objects.get(pk=case.pk)


def state_of(case):
    """What a refused step must leave as it was: the case, the trail, the outbox."""
    case = fresh(case)
    return (
        case.state,
        [(s.side, s.role, s.name) for s in case.seats.order_by("pk")],
        case.rounds.count(),
        LedgerEntry.objects.count(),
        OutboxMessage.objects.count(),
        open_task(case).pk if case.state not in (State.RENEWED, State.EXPIRED, State.CLOSED) else None,
    )


DRAFT = {
    "wage_increase_percent": "5.5",
    "minimum_pay": "3000",
    "pay_day": 10,
    "term_months": 24,
    "agreement_text": "工资专项集体合同：工资增长5.5%……",
}
VOTE = {"voted_on": ago(3), "representatives_total": 60, "present": 50, "yes": 40, "no": 6, "abstain": 4}


def opened(world, team):
    return bargaining_case_open(unit=world.units["E1"], workers_covered=320, by=team["chair"])


def to_negotiating(world, team):
    case = opened(world, team)
    bargaining_side_set(case=case, side="union", seats=union_seats(world), by=team["chair"])
    step(case, "serve_offer", team["chair"], documents=letter("送达回证.pdf"), offered_by="union", served_on=ago(5))
    step(case, "record_acceptance", team["caseworker"], documents=letter(), replied_on=ago(2))
    bargaining_side_set(case=case, side="employer", seats=employer_seats(), by=team["chair"], documents=letter())
    return fresh(case)


def round_of(case, team, confirmed=True):
    seats = list(case.seats.values_list("pk", flat=True))
    return bargaining_round_record(
        case=case,
        held_on=ago(1),
        recorder="书记员王",
        minutes="双方就工资增幅进行协商……",
        attendance=seats,
        chiefs_confirmed=confirmed,
        by=team["chair"],
    )


def to_congress(world, team):
    case = to_negotiating(world, team)
    round_of(case, team)
    step(case, "agree_draft", team["chair"], **DRAFT)
    return fresh(case)


def to_under_review(world, team):
    case = to_congress(world, team)
    step(case, "congress_approve", team["chair"], **VOTE)
    step(case, "sign", team["chair"], signed_on=ago(2))
    step(case, "file", team["chair"], documents=letter("filing.pdf"), submitted_on=ago(1), received_on=ago(1))
    return fresh(case)
