"""Anomaly rules: each with a case that trips it and a near miss that does
not, the district's settings changing the result, scope, and the page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from casework.audit.anomalies import anomalies_find, decision_steps, notice_ends
from casework.cases.services import case_subject
from casework.deadlines.models import TaskDeadline
from casework.deadlines.scan import deadlines_scan
from casework.district.models import DistrictSetting
from casework.errors import NotAllowed, RuleViolation
from casework.hardship.choices import State
from casework.ledger.services import ledger_append
from casework.org.models import Membership
from tests.hardship.conftest import open_task
from tests.hardship.test_flow import step, submit, walk_to_street_review
from tests.hardship.test_paths import filed

SHANGHAI = ZoneInfo("Asia/Shanghai")
PERIOD = (date(2026, 9, 1), date(2026, 11, 30))
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)  # a Tuesday
THURSDAY = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)  # the deadline tests' "now"


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Every service reads this as now (services call ``timezone.now()``);
    the roles held today were held then too."""
    Membership.objects.filter(valid_from__gt=moment).update(valid_from=datetime(2020, 1, 1, tzinfo=SHANGHAI))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def find(user, rule, period=PERIOD, unit=None):
    unit = unit or Membership.objects.get(user=user).unit
    return anomalies_find(user=user, unit=unit, date_from=period[0], date_to=period[1], rules=[rule])


def setting(district, key, value):
    DistrictSetting.objects.create(district=district, key=key, value=value, effective_from=date(2026, 1, 1))


@pytest.fixture
def auditor(world, user_with):
    return user_with("auditor", world.units["S1"])


def test_decisions_are_the_steps_of_a_decide_permission():
    steps = decision_steps()
    assert "street_review" in steps["hardship.approve"]
    assert "home_visit" not in steps["hardship.return"]  # the street's caseworker returns it: no decision
    assert "street_review" in steps["hardship.return"]
    assert "hardship.record_evaluation" not in steps


def test_every_notice_of_every_flow_is_watched():
    ends, _states = notice_ends()
    assert {("hardship.end_notice", "unit_notice"), ("hardship.end_notice", "exit_notice")} <= ends
    assert {("honours.end_unit_notice", "unit_notice"), ("honours.end_district_notice", "district_notice")} <= ends
    assert ("honours.exclude_on_objection", "unit_notice") not in ends


# Outside working hours: 8:00 up to 18:00 on working days.


@pytest.mark.parametrize(
    ("moment", "flagged", "words"),
    [
        (at(2026, 11, 24, 7, 59), True, "2026-11-24 07:59，在工作时间08:00至18:00之外"),
        (at(2026, 11, 24, 8, 0), False, ""),
        (at(2026, 11, 24, 17, 59), False, ""),
        (at(2026, 11, 24, 18, 0), True, "2026-11-24 18:00，在工作时间08:00至18:00之外"),
        (at(2026, 10, 1, 10, 0), True, "2026-10-01 10:00，当天不是工作日"),  # National Day
        (at(2026, 10, 10, 10, 0), False, ""),  # a Saturday worked instead of a holiday
    ],
)
def test_a_decision_outside_working_hours(world, staff, auditor, moment, flagged, words):
    with clock(at(2026, 11, 24, 23, 0)):  # filing and preparing at night are no decisions
        case = walk_to_street_review(world, staff)
    with clock(moment):
        step(case, "approve", staff["street_approver"])
    found = find(auditor, "outside_working_hours")
    assert [(f.case_id, f.actor) for f in found] == ([(case.pk, str(staff["street_approver"]))] if flagged else [])
    if flagged:
        assert words in found[0].explanation
        assert found[0].when == moment and found[0].case_label == str(case)


def test_the_district_sets_the_working_hours(world, staff, auditor, district):
    with clock(NOON):
        case = walk_to_street_review(world, staff)
    with clock(at(2026, 11, 24, 18, 30)):
        step(case, "approve", staff["street_approver"])
    assert len(find(auditor, "outside_working_hours")) == 1
    setting(district, "audit.working_hours_end", 19)
    assert find(auditor, "outside_working_hours") == []


# A notice completed early: ended on or before its last day.


def to_notice(world, staff, until):
    case = submit(world, staff)
    today = timezone.localdate()
    step(case, "record_home_visit", staff["caseworker"], visited_on=today.isoformat(), report="属实")
    notice = {"notice_from": (today - timedelta(days=30)).isoformat(), "notice_until": until.isoformat()}
    step(case, "record_evaluation", staff["chair"], evaluated_on=today.isoformat(), present=9, in_favour=5, **notice)
    return case


def end_past_the_rule(case, staff, state, next_state):
    """An end of notice written around the service (an import, a changed clock): the service itself refuses it."""
    return ledger_append(
        action="hardship.end_notice",
        subject=case_subject(case),
        subject_unit=case.unit,
        from_state=state,
        to_state=next_state,
        by=staff["chair"],
        role="enterprise_chair",
        unit=case.unit,
    )


def test_a_notice_ended_on_its_last_day_is_flagged(world, staff, auditor):
    with clock(NOON):
        case = to_notice(world, staff, until=NOON.date())
        with pytest.raises(RuleViolation) as refused:
            step(case, "end_notice", staff["chair"])
        assert refused.value.code == "hardship.notice_not_over"
        entry = end_past_the_rule(case, staff, State.UNIT_NOTICE, State.STREET_REVIEW)
    found = find(auditor, "notice_completed_early")
    assert [(f.case_id, f.seq, f.actor) for f in found] == [(case.pk, entry.seq, str(staff["chair"]))]
    assert "公示截止于2026-11-24，却在2026-11-24即告结束" in found[0].explanation


def test_a_notice_ended_the_day_after_its_last_day_is_not(world, staff, auditor):
    with clock(NOON):
        case = to_notice(world, staff, until=date(2026, 11, 23))
        step(case, "end_notice", staff["chair"])
    assert find(auditor, "notice_completed_early") == []


def test_an_exit_notice_is_measured_by_its_own_dates(world, staff, auditor):
    with clock(NOON):
        case = filed(world, staff)  # its unit notice ended a week after its last day
        notice = {"notice_from": "2026-10-26", "notice_until": "2026-11-24"}
        step(case, "propose_exit", staff["caseworker"], reason="收入已高于标准", exit_reason="recovered", **notice)
        entry = end_past_the_rule(case, staff, State.EXIT_NOTICE, State.EXIT_APPROVAL)
    found = find(auditor, "notice_completed_early")
    assert [(f.case_id, f.seq) for f in found] == [(case.pk, entry.seq)]


# The same approver deciding most of one unit's decisions (in one role).


def decided_by(world, staff, approvers):
    """One application after another of the same worker, each refused at the street by the next of ``approvers``."""
    for approver in approvers:
        case = walk_to_street_review(world, staff)
        step(case, "reject", approver, reason="家庭收入超过标准")
    return case


@pytest.mark.parametrize(
    ("mine", "others", "flagged"),
    [(5, 0, True), (4, 1, False), (4, 0, False)],  # all five; exactly the share (4/5 = 80 %); too few to count
)
def test_one_approver_takes_most_decisions_of_a_unit(world, staff, auditor, user_with, mine, others, flagged):
    other = user_with("street_approver", world.units["S1"])
    with clock(NOON):
        decided_by(world, staff, [staff["street_approver"]] * mine + [other] * others)
    found = find(auditor, "dominant_approver")
    assert [(f.actor, f.unit, f.case_id) for f in found] == (
        [(str(staff["street_approver"]), world.units["E1"].name, None)] if flagged else []
    )
    if flagged:
        assert "5项决定中，5项（100%）由同一人作出，超过80%" in found[0].explanation


@pytest.mark.parametrize(
    ("key", "value", "mine", "others"),
    [("audit.approver_share", "0.75", 4, 1), ("audit.approver_min_decisions", 4, 4, 0)],
)
def test_the_district_sets_the_share_and_the_least_count(
    world, staff, auditor, user_with, district, key, value, mine, others
):
    other = user_with("street_approver", world.units["S1"])
    with clock(NOON):
        decided_by(world, staff, [staff["street_approver"]] * mine + [other] * others)
    assert find(auditor, "dominant_approver") == []
    setting(district, key, value)
    assert [f.actor for f in find(auditor, "dominant_approver")] == [str(staff["street_approver"])]


# Overdue past the escalation day (3 working days after the due date) without an escalation.

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def home_visit_due(world, staff, due, **overrides):
    with clock(THURSDAY):
        case = submit(world, staff, **overrides)
    TaskDeadline.objects.filter(task=open_task(case)).update(due=due)
    return case


@pytest.mark.parametrize(
    ("due", "flagged"),
    [(date(2026, 11, 20), True), (date(2026, 11, 23), False)],  # escalation due on the 25th; today, the 26th
)
def test_a_step_overdue_past_the_escalation_day(world, staff, auditor, due, flagged):
    case = home_visit_due(world, staff, due)
    with clock(THURSDAY):
        found = find(auditor, "overdue_without_escalation", NOVEMBER)
    assert [f.case_id for f in found] == ([case.pk] if flagged else [])
    if flagged:
        assert "应于2026-11-20前办结，至今未办结，已超期4个工作日；超期3个工作日应报上一级" in found[0].explanation


def test_a_recorded_escalation_clears_it(world, staff, auditor):
    case = home_visit_due(world, staff, date(2026, 11, 13))
    with clock(THURSDAY):
        assert [f.case_id for f in find(auditor, "overdue_without_escalation", NOVEMBER)] == [case.pk]
        deadlines_scan(date(2026, 11, 26))  # overdue
        deadlines_scan(date(2026, 11, 26))  # escalated
        assert TaskDeadline.objects.get(task=open_task(case)).escalation_level == 1
        assert find(auditor, "overdue_without_escalation", NOVEMBER) == []


def test_a_step_done_late_without_escalation(world, staff, auditor):
    case = home_visit_due(world, staff, date(2026, 11, 10))
    with clock(THURSDAY):
        step(case, "record_home_visit", staff["caseworker"], visited_on="2026-11-26", report="属实")
        Task.objects.filter(process_id=case.pk, finished__isnull=False).update(
            finished=THURSDAY
        )  # viewflow's own clock
        found = find(auditor, "overdue_without_escalation", NOVEMBER)
    assert [(f.case_id, f.when) for f in found] == [(case.pk, THURSDAY)]
    assert "应于2026-11-10前办结，2026-11-26才办结，超期12个工作日" in found[0].explanation


def test_the_district_sets_the_escalation_days(world, staff, auditor, district):
    home_visit_due(world, staff, date(2026, 11, 20))
    setting(district, "deadlines.escalation_working_days", 5)  # escalation due on the 27th
    with clock(THURSDAY):
        assert find(auditor, "overdue_without_escalation", NOVEMBER) == []


# Scope, queries, the page.


def test_a_street_auditor_sees_only_its_street(world, staff, auditor, user_with, client):
    mine = home_visit_due(world, staff, date(2026, 11, 10))
    theirs = home_visit_due(world, staff, date(2026, 11, 10), worker=world.people["E2"], by=staff["neighbour_chair"])
    district_auditor = user_with("auditor", world.units["D1"])
    with clock(THURSDAY):
        assert [f.case_id for f in find(auditor, "overdue_without_escalation", NOVEMBER)] == [mine.pk]
        found = find(district_auditor, "overdue_without_escalation", NOVEMBER)
        assert sorted(f.case_id for f in found) == sorted([mine.pk, theirs.pk])
        with pytest.raises(NotAllowed):
            find(auditor, "overdue_without_escalation", NOVEMBER, unit=world.units["S2"])
        client.force_login(auditor)
        page = client.get(reverse("audit:anomalies"), {"from": "2026-11-01", "to": "2026-11-30"})
        assert reverse("cases:case", args=[mine.pk]) in page.content.decode()
        assert reverse("cases:case", args=[theirs.pk]) not in page.content.decode()
        for unit in ("S2", "D1", "D2"):
            assert client.get(reverse("audit:anomalies"), {"unit": world.units[unit].pk}).status_code == 404
        client.force_login(staff["caseworker"])  # no trail to read
        assert client.get(reverse("audit:anomalies"), {"unit": world.units["S1"].pk}).status_code == 403


def test_queries_do_not_grow_with_the_findings(world, staff, auditor):
    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            found = anomalies_find(user=auditor, unit=world.units["S1"], date_from=PERIOD[0], date_to=PERIOD[1])
        assert {"outside_working_hours", "dominant_approver"} <= {f.rule for f in found}
        return len(queries)

    with clock(at(2026, 11, 24, 22, 0)):
        decided_by(world, staff, [staff["street_approver"]] * 5)
        before = counted()
        decided_by(world, staff, [staff["street_approver"]] * 3)
        assert counted() == before


def test_the_page_groups_findings_by_rule_and_names_the_bad_field(world, staff, auditor, client):
    with clock(NOON):
        case = walk_to_street_review(world, staff)
    with clock(at(2026, 11, 24, 21, 0)):
        step(case, "approve", staff["street_approver"])
    client.force_login(auditor)
    url = reverse("audit:anomalies")
    page = client.get(url, {"unit": world.units["S1"].pk, "from": "2026-11-01", "to": "2026-11-30"}).content.decode()
    assert page.count('data-rule="') == 4 and "工作时间以外作出的决定" in page
    assert reverse("cases:case", args=[case.pk]) in page and "2026-11-24 21:00" in page
    only = client.get(url, {"from": "2026-11-01", "to": "2026-11-30", "rule": "dominant_approver"}).content.decode()
    assert only.count('data-rule="') == 1 and reverse("cases:case", args=[case.pk]) not in only
    for query, field, words in [
        ({"from": "2026-13-01"}, "from", "起始日期：请按“年-月-日”填写"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "to", "截止日期：不能早于起始日期。"),
        ({"rule": "nope"}, "rule", "规则：请从列表中选择。"),
        ({"unit": "abc"}, "unit", "单位：请从列表中选择。"),
    ]:
        answer = client.get(url, query)
        assert answer.status_code == 400
        assert f'data-field="{field}"' in answer.content.decode() and words in answer.content.decode()
    with pytest.raises(RuleViolation) as error:
        anomalies_find(user=auditor, unit=world.units["S1"], date_from=PERIOD[0], date_to=PERIOD[1], rules=["nope"])
    assert error.value.field == "rules"
