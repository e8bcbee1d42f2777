"""The other paths: objections, withdrawal, annual review, each exit reason;
and every rule violation changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.errors import RuleViolation
from casework.hardship.choices import ExitReason, State
from casework.hardship.models import AnnualReview, HardshipCase
from casework.hardship.services import hardship_objection_record, hardship_objection_resolve
from casework.ledger.models import LedgerEntry
from notifications.models import OutboxMessage
from tests.hardship.conftest import open_task, past_notice
from tests.hardship.test_flow import step, submit, trail, walk_to_street_review


def state_of(case):
    case = HardshipCase.objects.get(pk=case.pk)
    return case.state, LedgerEntry.objects.count(), HardshipCase.objects.count(), OutboxMessage.objects.count()


def to_notice(world, staff):
    case = submit(world, staff)
    today = timezone.localdate()
    step(case, "record_home_visit", staff["caseworker"], visited_on=today.isoformat(), report="属实")
    step(
        case,
        "record_evaluation",
        staff["chair"],
        evaluated_on=(today - timedelta(days=31)).isoformat(),
        present=9,
        in_favour=5,
        **past_notice(),
    )
    return HardshipCase.objects.get(pk=case.pk)


def filed(world, staff, **overrides):
    case = walk_to_street_review(world, staff, **overrides)
    step(case, "approve", staff["street_approver"])
    step(case, "approve", staff["district_approver"], help_plan="生活救助")
    return HardshipCase.objects.get(pk=case.pk)


def test_an_open_objection_holds_the_notice_until_it_is_resolved(world, staff):
    case = to_notice(world, staff)
    objection = hardship_objection_record(
        case=case, objector="张三", content="其配偶有经营收入", raised_on=case.notice_from, by=staff["chair"]
    )
    before = state_of(case)
    with pytest.raises(RuleViolation) as error:
        step(case, "end_notice", staff["chair"])
    assert error.value.code == "hardship.objections_open"
    assert state_of(case) == before
    hardship_objection_resolve(objection=objection, upheld=False, resolution="经查无经营收入", by=staff["caseworker"])
    step(case, "end_notice", staff["chair"])
    assert HardshipCase.objects.get(pk=case.pk).state == State.STREET_REVIEW
    actions = [t[0] for t in trail(case)]
    assert actions[-3:] == ["hardship.objection_recorded", "hardship.objection_resolved", "hardship.end_notice"]


def test_the_worker_withdraws_before_approval(world, staff):
    case = walk_to_street_review(world, staff)
    step(case, "withdraw", staff["chair"], reason="职工本人书面要求撤回")
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN and case.status == "DONE"


def test_annual_review_keeps_the_record_and_sets_the_next_due_date(world, staff):
    case = filed(world, staff)
    step(case, "start_review", staff["caseworker"])
    step(case, "complete_review", staff["caseworker"], outcome="continue", notes="仍符合条件")
    case.refresh_from_db()
    assert case.state == State.FILED
    assert AnnualReview.objects.get(case=case).outcome == "continue"
    step(case, "start_review", staff["caseworker"])
    with pytest.raises(RuleViolation) as error:
        step(case, "complete_review", staff["caseworker"], outcome="continue", notes="再复核")
    assert error.value.code == "hardship.reviewed_this_year"


@pytest.mark.parametrize("reason", [r.value for r in ExitReason])
def test_each_exit_reason_goes_through_notice_and_district_approval_to_the_archive(world, staff, reason):
    case = filed(world, staff)
    step(case, "propose_exit", staff["caseworker"], reason="连续6个月收入高于标准", exit_reason=reason, **past_notice())
    step(case, "end_notice", staff["caseworker"])
    step(case, "approve_exit", staff["district_approver"])
    case.refresh_from_db()
    assert (case.state, case.exit_reason) == (State.EXITED, reason)
    assert case.retain_until == case.exited_on.replace(year=case.exited_on.year + 10)
    step(case, "archive", staff["caseworker"])
    case.refresh_from_db()
    assert case.state == State.ARCHIVED and case.status == "DONE"


def test_second_active_record_for_the_same_id_number(world, staff):
    submit(world, staff)
    before = (LedgerEntry.objects.count(), HardshipCase.objects.count(), OutboxMessage.objects.count())
    with pytest.raises(RuleViolation) as error:
        submit(world, staff)
    assert (error.value.code, error.value.field) == ("hardship.active_record_exists", "worker")
    assert (LedgerEntry.objects.count(), HardshipCase.objects.count(), OutboxMessage.objects.count()) == before


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"category": "relative"}, "hardship.means_test_failed", "category"),  # 950 < 1000: deep, not relative
        (
            {"incomes": [{"member": 0, "month": "2001-01", "amount": "1"}]},
            "hardship.month_outside_window",
            "incomes[0].month",
        ),
        ({"consent": False}, "hardship.consent_missing", "consent"),
        (
            {"household": [{"name": "王芳", "relation": "spouse", "id_number": "11010519491231002Y"}]},
            None,
            "household[0].id_number",
        ),
        ({"statement": " "}, "field_required", "statement"),
    ],
)
def test_a_bad_application_changes_nothing(world, staff, overrides, code, field):
    before = (LedgerEntry.objects.count(), HardshipCase.objects.count(), OutboxMessage.objects.count())
    with pytest.raises(RuleViolation) as error:
        submit(world, staff, **overrides)
    assert error.value.field == field
    if code:
        assert error.value.code == code
    assert (LedgerEntry.objects.count(), HardshipCase.objects.count(), OutboxMessage.objects.count()) == before


def test_a_notice_shorter_than_the_setting_is_refused(world, staff):
    case = submit(world, staff)
    step(case, "record_home_visit", staff["caseworker"], visited_on=timezone.localdate().isoformat(), report="属实")
    before = state_of(case)
    # 2026-11-23 is a Monday: five working days end on Friday the 27th, not Thursday.
    with pytest.raises(RuleViolation) as error:
        step(
            case,
            "record_evaluation",
            staff["chair"],
            evaluated_on="2026-11-20",
            present=9,
            in_favour=5,
            notice_from="2026-11-23",
            notice_until="2026-11-26",
        )
    assert (error.value.code, error.value.field) == ("hardship.notice_too_short", "notice_until")
    assert state_of(case) == before


def test_an_evaluation_without_a_majority_is_refused(world, staff):
    case = submit(world, staff)
    step(case, "record_home_visit", staff["caseworker"], visited_on=timezone.localdate().isoformat(), report="属实")
    before = state_of(case)
    with pytest.raises(RuleViolation) as error:
        step(
            case,
            "record_evaluation",
            staff["chair"],
            evaluated_on="2026-11-20",
            present=10,
            in_favour=5,
            **past_notice(),
        )
    assert error.value.code == "hardship.evaluation_not_passed"
    assert state_of(case) == before


def test_exit_without_reason_is_refused(world, staff):
    case = filed(world, staff)
    before = state_of(case)
    with pytest.raises(RuleViolation) as error:
        step(case, "propose_exit", staff["caseworker"], reason="", exit_reason="death", **past_notice())
    assert error.value.code == "reason_required"
    with pytest.raises(RuleViolation) as error:
        step(case, "propose_exit", staff["caseworker"], reason="见说明", **past_notice())
    assert error.value.field == "exit_reason"
    assert state_of(case) == before
    assert open_task(case).flow_task.name == "filed"
