"""Due dates on fixed days of the official calendar (the clock is the date
each service is given, so these days are pinned): the working day before
National Day, a pause across the Spring Festival, a natural-day period that
ends on a Sunday. A year without data is in test_due_dates.py."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from django.utils import timezone

from casework.deadlines.models import TaskDeadline
from casework.deadlines.periods import Period
from casework.deadlines.services import deadline_pause, deadline_resume, deadline_start
from tests.hardship.conftest import open_task
from tests.hardship.test_flow import submit


def begun_on(case, day: date) -> TaskDeadline:
    """The case's open step as if its task had been created at 10:00 on ``day``."""
    task = open_task(case)
    TaskDeadline.objects.filter(task=task).delete()
    task.created = timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))
    task.save(update_fields=["created"])
    deadline = deadline_start(SimpleNamespace(task=task))
    assert deadline is not None
    return deadline


def test_a_home_visit_asked_for_on_the_working_day_before_national_day(world, staff):
    deadline = begun_on(submit(world, staff), date(2025, 9, 30))
    # 1–8 October are the holiday; Saturday 11 October is an adjusted working day:
    # 9, 10, 11, 13, 14 October are the five working days.
    assert (deadline.due, deadline.provisional) == (date(2025, 10, 14), False)


def test_a_clock_paused_across_the_spring_festival_moves_by_the_working_days_only(world, staff):
    case = submit(world, staff)
    deadline = begun_on(case, date(2026, 2, 10))
    assert deadline.due == date(2026, 2, 24)  # 11, 12, 13, 14 (an adjusted Saturday), then 24 after the holiday
    task = open_task(case)
    deadline_pause(task=task, by=staff["caseworker"], reason="等待补交材料", today=date(2026, 2, 13))
    deadline_resume(task=task, by=staff["caseworker"], reason="材料已补齐", today=date(2026, 2, 25))
    resumed = TaskDeadline.objects.get(task=task)
    # Stood still on 13, 14 (adjusted) and 24 February; 15–23 are the holiday.
    assert resumed.paused_working_days == 3
    assert resumed.due == date(2026, 2, 27)  # 24 February + 3 working days: 25, 26, 27


def test_a_natural_day_period_ending_on_a_sunday_ends_on_the_monday(world, district):
    offer_received = date(2026, 3, 9)  # the 20th day after it is Sunday 29 March
    assert date(2026, 3, 29).weekday() == 6
    deadline = Period("bargaining.reply_days").due(SimpleNamespace(unit=world.units["E1"]), offer_received)
    assert deadline is not None and deadline.date == date(2026, 3, 30)  # 民法典 203: the next working day
