"""A hardship case with a document in its trail, and the auditors who read it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.cases.documents import Attachment, CaseDocument, DocumentKind
from casework.cases.tasks import task_complete
from casework.hardship.models import HardshipCase
from tests.cases.conftest import PDF, upload
from tests.hardship.conftest import open_task, past_notice
from tests.hardship.test_flow import step, submit


@pytest.fixture
def evidenced_case(world, staff) -> HardshipCase:
    """Filed, with the home visit's report as a document in its trail."""
    case = submit(world, staff)
    today = timezone.localdate()
    task_complete(
        task=open_task(case),
        action="record_home_visit",
        by=staff["caseworker"],
        reason="",
        data={"visited_on": today.isoformat(), "report": "家中确有困难"},
        documents=[Attachment(upload("入户调查.pdf", PDF + b"% home visit\n"), DocumentKind.RECORD)],
    )
    step(
        case,
        "record_evaluation",
        staff["chair"],
        evaluated_on=(today - timedelta(days=31)).isoformat(),
        present=20,
        in_favour=18,
        **past_notice(),
    )
    step(case, "end_notice", staff["chair"])
    step(case, "approve", staff["street_approver"])
    step(case, "approve", staff["district_approver"], help_plan="生活救助")
    return HardshipCase.objects.get(pk=case.pk)


@pytest.fixture
def auditors(world, user_with) -> dict:
    return {
        "district": user_with("auditor", world.units["D1"]),
        "street": user_with("auditor", world.units["S1"]),
        "neighbour": user_with("auditor", world.units["S2"]),
    }


def the_document(case: HardshipCase) -> CaseDocument:
    return CaseDocument.objects.get(case=case, kind=DocumentKind.RECORD)
