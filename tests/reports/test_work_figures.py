"""Figures of the work itself, planted as viewflow tasks with their due
dates and checked exactly: overdue means after 24:00 of the due day
(Asia/Shanghai), at the end of the period's last day; a step done a minute
after the period counts in the next; a street never sees another's steps."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task

from casework.deadlines.models import TaskDeadline
from casework.reports.figures import FIGURES, Computed, Window
from flows.hardship import HardshipFlow
from flows.honours import HonoursFlow
from tests.reports import plant
from tests.reports.plant import groups, hardship_record, honours_campaign, moment, nomination

YEAR = (date(2025, 1, 1), date(2025, 12, 31))  # a year that has ended


def compute(key: str, user: Any, unit: Any, period: tuple[date, date] = YEAR) -> Computed:
    return plant.compute(key, user, unit, period)


def node(flow: Any, name: str) -> Any:
    return flow.instance.node(name)


def step(
    case: Any,
    node: Any,
    created: datetime,
    *,
    finished: datetime | None = None,
    status: str = "",
    due: date | None = None,
    paused_since: date | None = None,
) -> Task:
    """A task of ``case`` at ``node``, done when ``finished``, with its due date."""
    task = Task.objects.create(
        process=case,
        flow_task=node,
        status=status or ("DONE" if finished else "NEW"),
        created=created,
        finished=finished,
    )
    if due is not None:
        TaskDeadline.objects.create(task=task, case=case, began_on=created.date(), due=due, paused_since=paused_since)
    return task


@pytest.fixture
def steps(world, user_with):
    u = world.units
    e1, e2, s3 = (hardship_record(u[code], "home_visit") for code in ("E1", "E2", "S3"))
    by = user_with("district_caseworker", u["D1"])
    district = honours_campaign(u["D1"], "model_worker", "district", by)
    e2_nomination = nomination(u["E2"], district, "vetting", moment(2025, 1, 5))
    visit, review, filed = (node(HardshipFlow, name) for name in ("home_visit", "street_review", "filed"))
    return {
        # Open at the year's end.
        "open_late": step(e1, visit, moment(2025, 11, 1), due=date(2025, 12, 30)),
        "due_last_day": step(e1, visit, moment(2025, 12, 20), due=date(2025, 12, 31)),  # not overdue yet
        "paused": step(e1, review, moment(2025, 10, 1), due=date(2025, 11, 1), paused_since=date(2025, 12, 15)),
        "paused_last_day": step(
            e1, review, moment(2025, 10, 1), due=date(2025, 11, 1), paused_since=date(2025, 12, 31)
        ),  # stopped on the last day: not overdue at its end
        "paused_after": step(e1, review, moment(2025, 10, 1), due=date(2025, 11, 1), paused_since=date(2026, 1, 10)),
        # Done after the year, so open and overdue at its end.
        "done_after": step(e1, visit, moment(2025, 10, 1), finished=moment(2026, 1, 5), due=date(2025, 12, 1)),
        # Done in the year: 2, 5, 1.5, 2 and 3.5 days.
        "first_moment": step(
            e1, visit, moment(2024, 12, 30, 0), finished=moment(2025, 1, 1, 0), due=date(2024, 12, 20)
        ),  # late
        "after_midnight": step(
            e1, visit, moment(2025, 6, 6, 0, 30), finished=moment(2025, 6, 11, 0, 30), due=date(2025, 6, 10)
        ),  # late in Shanghai, on the due day in UTC
        "on_time": step(
            e1, review, moment(2025, 6, 9, 11, 30), finished=moment(2025, 6, 10, 23, 30), due=date(2025, 6, 10)
        ),
        "last_moment": step(
            e1, review, moment(2025, 12, 29, 23, 59), finished=moment(2025, 12, 31, 23, 59), due=date(2025, 12, 1)
        ),  # late
        "no_due_date": step(e1, filed, moment(2025, 7, 1, 0), finished=moment(2025, 7, 4, 12)),
        # Not counted: done the minute before the year, cancelled, and a switch (no human step).
        "before": step(e1, visit, moment(2024, 12, 1), finished=moment(2024, 12, 31, 23, 59), due=date(2024, 12, 5)),
        "cancelled": step(
            e1, visit, moment(2025, 9, 1), finished=moment(2025, 11, 1), status="CANCELED", due=date(2025, 10, 1)
        ),
        "switch": step(e1, node(HardshipFlow, "route"), moment(2025, 1, 1), finished=moment(2025, 4, 11)),
        # The other street's: an overdue hardship step, a late honours step of 28 days.
        "street2_open": step(e2, visit, moment(2025, 5, 1), due=date(2025, 6, 1)),
        "street2_vetting": step(
            e2_nomination,
            node(HonoursFlow, "vetting"),
            moment(2025, 2, 1, 0),
            finished=moment(2025, 3, 1, 0),
            due=date(2025, 2, 20),
        ),
        # The neighbouring district's.
        "district2_open": step(s3, visit, moment(2025, 5, 1), due=date(2025, 6, 1)),
        "district2_late": step(s3, visit, moment(2025, 5, 1), finished=moment(2025, 7, 1), due=date(2025, 6, 1)),
    }


def test_steps_overdue_at_the_years_end(steps, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    overdue = compute("work.overdue", auditor, world.units["D1"])
    assert overdue.value == 4  # open_late, paused_after, done_after, street2_open
    assert groups(overdue) == {"困难职工帮扶": 4}
    window = Window(auditor, world.units["D1"], *YEAR)
    assert set(FIGURES["work.overdue"].records(window)) == {
        steps["open_late"],
        steps["paused_after"],
        steps["done_after"],
        steps["street2_open"],
    }


def test_steps_done_late_in_the_year(steps, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    late = compute("work.done_late", auditor, world.units["D1"])
    assert late.value == 4  # first_moment, after_midnight, last_moment, street2_vetting
    assert groups(late) == {"困难职工帮扶": 3, "评选表彰": 1}


def test_average_days_per_step(steps, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    days = compute("work.days_per_step", auditor, world.units["D1"])
    assert days.value == Decimal("7.0")  # (2 + 5 + 1.5 + 2 + 3.5 + 28) / 6
    assert groups(days) == {
        "困难职工建档 · 已建档": Decimal("3.5"),
        "困难职工建档 · 待入户调查": Decimal("3.5"),  # (2 + 5) / 2
        "困难职工建档 · 待街道审核": Decimal("1.8"),  # (1.5 + 2) / 2 = 1.75, half up
        "评选表彰 · 部门联审": Decimal("28.0"),
    }


def test_a_streets_figures_hold_its_own_steps_only(steps, world, user_with):
    s1 = world.units["S1"]
    auditor = user_with("auditor", s1)
    for unit in (s1, world.units["D1"]):  # asked for the district, a street's user still gets its own
        assert compute("work.overdue", auditor, unit).value == 3
        assert compute("work.done_late", auditor, unit).value == 3
        assert compute("work.days_per_step", auditor, unit).value == Decimal("2.8")  # 14 / 5
    other = user_with("auditor", world.units["S2"])
    assert compute("work.overdue", other, s1).value == 0
    assert compute("work.days_per_step", other, world.units["S2"]).value == Decimal("28.0")
    neighbour = user_with("auditor", world.units["D2"])
    assert compute("work.done_late", neighbour, world.units["D2"]).value == 1


def test_one_day_periods_at_each_edge(steps, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    d1 = world.units["D1"]
    first, eve = (date(2025, 1, 1),) * 2, (date(2024, 12, 31),) * 2
    assert compute("work.done_late", auditor, d1, first).value == 1  # first_moment, done at 00:00
    assert compute("work.done_late", auditor, d1, eve).value == 1  # before, done at 23:59
    last = compute("work.days_per_step", auditor, d1, (date(2025, 12, 31),) * 2)
    assert last.value == Decimal("2.0")  # last_moment only
    # At the end of 30 December the step due that day is not yet overdue.
    assert steps["open_late"] not in set(
        FIGURES["work.overdue"].records(Window(auditor, d1, date(2025, 12, 1), date(2025, 12, 30)))
    )
    # At the end of 31 December the one due on the 31st is not either; on 1 January it is.
    assert compute("work.overdue", auditor, d1, (date(2026, 1, 1),) * 2).value == 5


def test_a_period_still_running_is_counted_to_today(steps, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    today = timezone.localdate()
    case = hardship_record(world.units["E1"], "home_visit")
    now = timezone.now()
    due_today = step(case, node(HardshipFlow, "home_visit"), now - timedelta(days=3), due=today)
    due_yesterday = step(case, node(HardshipFlow, "home_visit"), now - timedelta(days=3), due=today - timedelta(days=1))
    window = Window(auditor, world.units["D1"], today - timedelta(days=400), today + timedelta(days=400))
    behind = set(FIGURES["work.overdue"].records(window))
    assert due_yesterday in behind
    assert due_today not in behind
