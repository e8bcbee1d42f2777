"""The hardship flow through its nodes, as the generic task service drives it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from casework.cases.tasks import task_complete
from casework.errors import Conflict, NotAllowed, RuleViolation
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.hardship.services import hardship_case_submit
from casework.ledger.models import LedgerEntry
from casework.org.models import Membership
from notifications.models import OutboxMessage
from tests.hardship.conftest import deep_incomes, open_task, past_notice


def submit(world, staff, **overrides):
    arguments = {
        "worker": world.people["E1"],
        "category": "deep",
        "cause": "illness",
        "statement": "本人患病，配偶失业",
        "consent": True,
        "household": [{"name": "王芳", "relation": "spouse"}],
        "incomes": deep_incomes("2000"),  # 24,000 a year for two: 1,000 … just at the standard
        "expenses": [{"kind": "medical", "month": deep_incomes()[0]["month"], "amount": "1200"}],
        "by": staff["chair"],
        **overrides,
    }
    return hardship_case_submit(**arguments)


def trail(case):
    return list(
        LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
        .order_by("seq")
        .values_list("action", "from_state", "to_state", "actor__username")
    )


def step(case, action, by, reason="", **data):
    return task_complete(task=open_task(case), action=action, by=by, reason=reason, data=data)


def walk_to_street_review(world, staff, **overrides):
    case = submit(world, staff, **overrides)
    today = timezone.localdate()
    step(case, "record_home_visit", staff["caseworker"], visited_on=today.isoformat(), report="家中确有困难")
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
    return HardshipCase.objects.get(pk=case.pk)


def test_filing_from_submission_to_a_numbered_record(world, staff):
    case = walk_to_street_review(world, staff)
    assert case.state == State.STREET_REVIEW and open_task(case).flow_task.name == "street_review"
    step(case, "approve", staff["street_approver"])
    step(case, "approve", staff["district_approver"], help_plan="医疗救助、送温暖")
    case.refresh_from_db()
    assert case.state == State.FILED
    assert case.number == f"困{timezone.localdate().year}-000001"
    assert case.per_capita_monthly == Decimal("950.00")  # (24,000 − 1,200) / 12 / 2
    assert open_task(case).flow_task.name == "filed"
    assert [t[0] for t in trail(case)] == [
        "hardship.submitted",
        "hardship.record_home_visit",
        "hardship.record_evaluation",
        "hardship.end_notice",
        "hardship.approve",
        "hardship.approve",
    ]
    assert trail(case)[-1][1:] == (State.DISTRICT_APPROVAL, State.FILED, staff["district_approver"].username)


def test_return_and_resubmit_goes_back_to_the_step_that_returned_it(world, staff):
    case = walk_to_street_review(world, staff)
    step(case, "return", staff["street_approver"], reason="缺少医疗费票据")
    case.refresh_from_db()
    assert (case.state, case.returned_from) == (State.RETURNED, State.STREET_REVIEW)
    step(case, "resubmit", staff["chair"])
    case.refresh_from_db()
    assert case.state == State.STREET_REVIEW and open_task(case).flow_task.name == "street_review"


def test_the_street_approver_cannot_take_the_district_step_nor_a_district_approver_the_street_step(world, staff):
    case = walk_to_street_review(world, staff)
    before = trail(case)
    with pytest.raises(NotAllowed) as error:
        step(case, "approve", staff["district_approver"])
    assert error.value.code == "access.no_role"
    with pytest.raises(NotAllowed):
        step(case, "approve", staff["neighbour_chair"])
    assert trail(case) == before


def test_the_filer_cannot_approve_a_step_they_prepared(world, staff, user_with):
    # The street caseworker who did the home visit also holds the approver role.
    both = staff["caseworker"]
    Membership.objects.create(user=both, unit=world.units["S1"], role="street_approver")
    case = walk_to_street_review(world, staff)
    before, outbox = trail(case), OutboxMessage.objects.count()
    with pytest.raises(NotAllowed) as error:
        step(case, "approve", both)
    assert error.value.code == "four_eyes.own_preparation"
    case.refresh_from_db()
    assert case.state == State.STREET_REVIEW and trail(case) == before
    assert OutboxMessage.objects.count() == outbox


def test_a_completed_task_cannot_be_completed_again(world, staff):
    case = walk_to_street_review(world, staff)
    task = open_task(case)
    step(case, "approve", staff["street_approver"])
    with pytest.raises(Conflict):
        task_complete(task=task, action="approve", by=staff["street_approver"])


def test_reject_and_withdraw_end_the_flow(world, staff):
    case = walk_to_street_review(world, staff)
    with pytest.raises(RuleViolation) as error:
        step(case, "reject", staff["street_approver"], reason=" ")
    assert error.value.code == "reason_required"
    step(case, "reject", staff["street_approver"], reason="收入超过标准")
    case.refresh_from_db()
    assert case.state == State.REJECTED and case.closed_at is not None
    assert case.status == "DONE"


def recipients(case, event):
    return set(
        OutboxMessage.objects.filter(subject_id=str(case.pk), event=event).values_list("recipient__username", flat=True)
    )


def test_the_next_people_to_act_and_the_filer_are_notified(world, staff, user_with):
    neighbour = user_with("street_caseworker", world.units["S2"])
    case = submit(world, staff)
    assert recipients(case, "hardship.submitted") == {staff["caseworker"].username}
    step(case, "record_home_visit", staff["caseworker"], visited_on=timezone.localdate().isoformat(), report="属实")
    # The unit records the evaluation (its chair, or the street for it); the
    # filer hears of the step; who took it is not told.
    told = recipients(case, "hardship.record_home_visit")
    assert staff["chair"].username in told and staff["caseworker"].username not in told
    assert neighbour.username not in {m.recipient.username for m in OutboxMessage.objects.all()}
    message = OutboxMessage.objects.filter(event="hardship.record_home_visit").first()
    assert message is not None and message.payload["to_state"] == State.UNIT_EVALUATION
    assert message.payload["ledger_seq"] == LedgerEntry.objects.latest("seq").seq


def test_a_refused_step_notifies_nobody(world, staff):
    case = walk_to_street_review(world, staff)
    before = OutboxMessage.objects.count()
    with pytest.raises(NotAllowed):
        step(case, "approve", staff["district_approver"])
    with pytest.raises(RuleViolation):
        step(case, "reject", staff["street_approver"], reason="")
    assert OutboxMessage.objects.count() == before
