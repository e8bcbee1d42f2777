"""Helpers of the honours tests (district settings and staff are in tests/world.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.cases.documents import Attachment, DocumentKind
from casework.cases.tasks import task_complete
from casework.honours.models import (
    CommitteeVote,
    HonourHeld,
    HonourNomination,
    HonourType,
    Revocation,
    VettingRequest,
)
from casework.honours.services import honours_campaign_open, honours_nominate, honours_vetting_answer
from casework.ledger.models import LedgerEntry
from notifications.models import OutboxMessage
from permissions.models import ObjectGrant
from tests.cases.conftest import PDF, upload
from tests.hardship.conftest import open_task, past_notice


@pytest.fixture
def honours(world, staff, user_with):
    """The district's caseworkers, approvers and a committee of three."""
    d1 = world.units["D1"]
    return {
        **staff,
        "district": user_with("district_caseworker", d1),
        "approver": user_with("district_approver", d1),
        "committee": [user_with("honours_committee", d1) for _ in range(3)],
        "street_caseworker": staff["caseworker"],
    }


def campaign_open(world, honours, *, code="model_worker", level="district", places=None, composition=None):
    return honours_campaign_open(
        district=world.units["D1"],
        honour_type=HonourType.objects.get(code=code),
        level=level,
        year=timezone.localdate().year,
        name="区劳动模范评选",
        nominations_close_on=timezone.localdate() + timedelta(days=30),
        quotas=places if places is not None else {world.units["S1"]: 3, world.units["S2"]: 2},
        composition=composition or {},
        by=honours["district"],
    )


@pytest.fixture
def campaign(world, honours):
    return campaign_open(world, honours)


VOTE = {
    "vote_body": "congress",
    "voted_on": "2026-01-05",
    "vote_total": 50,
    "vote_present": 45,
    "vote_yes": 40,
    "vote_no": 3,
    "vote_abstain": 2,
}


THE_UNITS_MEMBER = object()  # the nominee by default: the world's member of the unit


def nominate(world, honours, campaign, *, unit="E1", person=THE_UNITS_MEMBER, by=None, **overrides):
    arguments = {
        "campaign": campaign,
        "unit": world.units[unit],
        "person": world.people[unit] if person is THE_UNITS_MEMBER else person,
        "deeds": "带领班组完成技术革新十二项，年节约成本三百万元。",
        "category": "industrial_worker",
        "ownership": "non_public",
        "vote": VOTE,
        "by": by or (honours["chair"] if unit == "E1" else honours["neighbour_chair"]),
        **overrides,
    }
    return honours_nominate(**arguments)


def step(case, action, by, reason="", documents=(), **data):
    return task_complete(task=open_task(case), action=action, by=by, reason=reason, data=data, documents=documents)


def fresh(case):
    return HonourNomination.objects.get(pk=case.pk)


def letter(name="回函.pdf"):
    return [Attachment(upload(name, PDF), DocumentKind.LETTER)]


def state_of(case=None):
    """What a refused step must leave as it was: the nominations and their
    states, votes and vetting answers, grants, the trail, the outbox."""
    return (
        sorted(HonourNomination.objects.values_list("pk", "state", "updated_at")),
        sorted(VettingRequest.objects.values_list("pk", "answer")),
        sorted(CommitteeVote.objects.values_list("pk", "vote")),
        sorted(HonourHeld.objects.values_list("pk", "revoked_on")),
        sorted(Revocation.objects.values_list("pk", "decided_at")),
        ObjectGrant.everything.count(),
        LedgerEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def to_street_review(world, honours, campaign, **kwargs):
    case = nominate(world, honours, campaign, **kwargs)
    chair = kwargs.get("by") or (honours["chair"] if kwargs.get("unit", "E1") == "E1" else honours["neighbour_chair"])
    step(case, "post_unit_notice", chair, **past_notice())
    step(case, "end_unit_notice", chair)
    return fresh(case)


def answer_all(case, honours, answers=None):
    """Record every department's answer (clear unless ``answers`` says otherwise), in table order."""
    for request in VettingRequest.objects.filter(nomination=case).order_by("pk"):
        answer = (answers or {}).get(request.department, "clear")
        honours_vetting_answer(
            request=request,
            answer=answer,
            answered_on=timezone.localdate(),
            reason="该单位存在未整改的违法行为" if answer == "veto" else "",
            documents=letter(),
            by=honours["district"],
        )
    return fresh(case)


def to_committee(world, honours, campaign, **kwargs):
    case = to_street_review(world, honours, campaign, **kwargs)
    step(case, "street_recommend", honours["street_approver"])
    return answer_all(fresh(case), honours)


def vote_all(case, honours, votes=("yes", "yes", "yes")):
    for member, vote in zip(honours["committee"], votes, strict=False):
        step(case, "cast_vote", member, vote=vote)
    return fresh(case)


def to_approval(world, honours, campaign, **kwargs):
    case = vote_all(to_committee(world, honours, campaign, **kwargs), honours)
    step(case, "committee_selects", honours["district"], **past_notice())
    step(case, "end_district_notice", honours["district"])
    return fresh(case)
