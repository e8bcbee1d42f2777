"""Helpers of the legal-aid tests (district settings and staff are in tests/world.py)."""

from __future__ import annotations

import pytest

from casework.cases.tasks import task_complete
from casework.ledger.models import LedgerEntry
from casework.legalaid.models import LegalAidCase
from casework.legalaid.services import legalaid_apply
from notifications.models import OutboxMessage
from permissions.models import ObjectGrant
from tests.hardship.conftest import open_task

# A well-formed unified social credit code (GB 32100 check character Y... computed in test_uscc).
EMPLOYER_CODE = "91350100M000100Y43"


@pytest.fixture
def legal(world, user_with, district):
    """The district's legal officers, approver, lawyers and finance."""
    d1 = world.units["D1"]
    return {
        "officer": user_with("legal_officer", d1),
        "officer2": user_with("legal_officer", d1),
        "approver": user_with("district_approver", d1),
        "approver2": user_with("district_approver", d1),
        "lawyer": user_with("lawyer", d1),
        "lawyer2": user_with("lawyer", d1),
        "finance": user_with("finance_officer", d1),
    }


def apply(world, legal, **overrides):
    arguments = {
        "person": world.people["E1"],
        "unit": world.units["D1"],
        "opposing_party": "某某精密机械有限公司",
        "opposing_code": EMPLOYER_CODE,
        "dispute": "wages",
        "facts": "公司拖欠2026年8月至10月工资共计18000元。",
        "amount_claimed": "18000",
        "aid_form": "arbitration",
        "channel": "written",
        "basis": "serious_infringement",
        "by": legal["officer"],
        **overrides,
    }
    return legalaid_apply(**arguments)


def step(case, action, by, reason="", documents=(), **data):
    return task_complete(task=open_task(case), action=action, by=by, reason=reason, data=data, documents=documents)


def fresh(case):
    return LegalAidCase.objects.get(pk=case.pk)


def state_of(case):
    """What a refused step must leave as it was: the case, its lawyer, grants, the trail, the outbox."""
    case = fresh(case)
    return (
        case.state,
        case.lawyer_id,
        sorted(ObjectGrant.everything.filter(object_pk=str(case.pk)).values_list("user_id", flat=True)),
        LedgerEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def to_assignment(world, legal):
    case = apply(world, legal)
    step(case, "accept", legal["officer"])
    step(case, "approve", legal["approver"])
    return fresh(case)


def to_in_progress(world, legal):
    case = to_assignment(world, legal)
    step(case, "assign", legal["officer"], lawyer=legal["lawyer"].pk)
    return fresh(case)
