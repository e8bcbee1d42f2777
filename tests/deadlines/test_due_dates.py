"""Due dates of case steps: set from the district's periods on the working-day
calendar, paused and resumed with a reason, recomputed with a new year."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casework.calendar import add_working_days, clear_cache
from casework.calendar.models import CalendarYear
from casework.calendar.services import calendar_year_enter
from casework.deadlines.models import TaskDeadline
from casework.deadlines.services import deadline_pause, deadline_resume
from casework.district.models import DistrictSetting
from casework.errors import NotAllowed, RuleViolation
from casework.hardship.models import HardshipCase
from casework.ledger.models import LedgerEntry
from notifications.models import OutboxMessage
from tests.hardship.conftest import open_task
from tests.hardship.test_flow import step, submit, walk_to_street_review
from tests.hardship.test_paths import filed


def snapshot(case):
    return (
        list(TaskDeadline.objects.filter(case_id=case.pk).values_list("task_id", "due", "provisional", "paused_since")),
        HardshipCase.objects.get(pk=case.pk).state,
        LedgerEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_each_step_is_due_after_its_districts_period_in_working_days(world, staff):
    case = walk_to_street_review(world, staff)
    step(case, "approve", staff["street_approver"])
    deadlines = list(TaskDeadline.objects.filter(case_id=case.pk).order_by("task_id"))
    assert [(d.task.flow_task.name, d.setting) for d in deadlines] == [
        ("home_visit", "hardship.home_visit_working_days"),
        ("unit_evaluation", "hardship.evaluation_working_days"),
        ("unit_notice", "hardship.notice_close_working_days"),
        ("street_review", "hardship.street_review_working_days"),
        ("district_approval", "hardship.district_approval_working_days"),
    ]
    lengths = [5, 10, None, 10, 10]  # tests/world.py; the notice's runs from its end
    for deadline, length in zip(deadlines, lengths, strict=True):
        if length is not None:
            assert deadline.due == add_working_days(deadline.began_on, length).date
            assert deadline.began_on == timezone.localdate(deadline.task.created)


def test_closing_a_notice_is_due_after_the_notice_ends(world, staff):
    case = submit(world, staff)
    today = timezone.localdate()
    step(case, "record_home_visit", staff["caseworker"], visited_on=today.isoformat(), report="属实")
    until = add_working_days(today, 7).date
    step(
        case,
        "record_evaluation",
        staff["chair"],
        evaluated_on=today.isoformat(),
        present=9,
        in_favour=8,
        notice_from=today.isoformat(),
        notice_until=until.isoformat(),
    )
    assert TaskDeadline.objects.get(task=open_task(case)).due == add_working_days(until, 2).date


def test_a_filed_record_is_due_on_its_annual_review_date(world, staff):
    record = filed(world, staff)
    deadline = TaskDeadline.objects.get(task=open_task(record))
    assert deadline.due == record.next_review_due and not deadline.provisional


def test_a_district_without_the_period_is_told_and_nothing_moves(world, staff):
    case = walk_to_street_review(world, staff)
    DistrictSetting.objects.filter(key="hardship.district_approval_working_days").delete()
    before = snapshot(case)
    with pytest.raises(RuleViolation) as error:
        step(case, "approve", staff["street_approver"])
    assert (error.value.code, error.value.field) == (
        "district.setting_missing",
        "hardship.district_approval_working_days",
    )
    assert "区总工会审批期限" in str(error.value.message)
    assert snapshot(case) == before


def test_the_clock_pauses_and_resumes_with_a_reason_and_moves_by_the_paused_working_days(world, staff):
    case = submit(world, staff)
    task = open_task(case)
    due = TaskDeadline.objects.get(task=task).due
    monday, next_monday = date(2026, 11, 30), date(2026, 12, 7)  # five working days, no holiday
    deadline_pause(task=task, by=staff["caseworker"], reason="等待申请人补交收入证明", today=monday)
    paused = TaskDeadline.objects.get(pk=task.pk)
    assert paused.paused and not paused.overdue_on(due + timedelta(days=30))  # a stopped clock is never overdue
    deadline_resume(task=task, by=staff["caseworker"], reason="材料已补齐", today=next_monday)
    resumed = TaskDeadline.objects.get(pk=task.pk)
    assert resumed.due == add_working_days(due, 5).date and resumed.paused_working_days == 5
    assert resumed.overdue_on(resumed.due + timedelta(days=1)) and not resumed.overdue_on(resumed.due)
    entries = list(
        LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
        .order_by("seq")
        .values_list("action", "actor_role", "payload")
    )[-2:]
    assert [(a, r) for a, r, _p in entries] == [
        ("case.clock_paused", "street_caseworker"),
        ("case.clock_resumed", "street_caseworker"),
    ]
    assert entries[1][2]["paused_working_days"] == 5 and entries[1][2]["due"] == resumed.due.isoformat()


def test_pause_and_resume_refuse_what_they_cannot_do_and_change_nothing(world, staff, user_with):
    case = submit(world, staff)
    task = open_task(case)
    before = snapshot(case)
    with pytest.raises(RuleViolation) as error:
        deadline_pause(task=task, by=staff["caseworker"], reason=" ")
    assert (error.value.code, error.value.field) == ("field_required", "reason")
    with pytest.raises(RuleViolation) as error:
        deadline_resume(task=task, by=staff["caseworker"], reason="x")
    assert error.value.code == "deadline.not_paused"
    for outsider in (staff["street_approver"], user_with("street_caseworker", world.units["S2"])):
        with pytest.raises(NotAllowed):
            deadline_pause(task=task, by=outsider, reason="x")
    assert snapshot(case) == before
    deadline_pause(task=task, by=staff["caseworker"], reason="等材料")
    before = snapshot(case)
    with pytest.raises(RuleViolation) as error:
        deadline_pause(task=task, by=staff["caseworker"], reason="再停")
    assert error.value.code == "deadline.already_paused"
    assert snapshot(case) == before


def test_entering_next_years_holidays_recomputes_open_provisional_due_dates(world, staff, user_with):
    today = timezone.localdate()
    next_year = today.year + 1
    CalendarYear.objects.filter(year=next_year).delete()  # not yet published
    clear_cache()
    # A home-visit period long enough to end in next January's second week.
    period = 1
    while add_working_days(today, period).date < date(next_year, 1, 8):
        period += 1
    DistrictSetting.objects.create(
        district=world.units["D1"], key="hardship.home_visit_working_days", value=period, effective_from=today
    )
    case = submit(world, staff)
    task = open_task(case)
    assert TaskDeadline.objects.get(task=task).provisional
    old_due = TaskDeadline.objects.get(task=task).due
    admin = user_with("administrator", world.units["D1"])
    calendar_year_enter(
        year=next_year,
        holidays={date(next_year, 1, 1): "元旦", date(next_year, 1, 4): "元旦", date(next_year, 1, 5): "元旦"},
        workdays={},
        notice="国办发明电（测试）",
        by=admin,
    )
    deadline = TaskDeadline.objects.get(pk=task.pk)
    assert deadline.due == add_working_days(today, period).date > old_due
    assert not deadline.provisional
    entry = LedgerEntry.objects.filter(action="case.due_recomputed").get()
    assert (entry.subject_id, entry.payload["due_before"], entry.payload["due"]) == (
        str(case.pk),
        old_due.isoformat(),
        deadline.due.isoformat(),
    )
