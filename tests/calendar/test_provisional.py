"""Years without official data: weekends only, flagged provisional, until the year is entered."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from casework.calendar import DayKind, Deadline, add_days, add_working_days, day_info, is_working_day
from casework.calendar.models import CalendarYear
from casework.calendar.services import calendar_year_enter
from tests.calendar.conftest import HOLIDAYS_2027, WORKDAYS_2027

pytestmark = pytest.mark.django_db


def test_the_package_and_the_database_know_nothing_of_2027():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 10, 1))
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_day_of_2027_is_weekends_only_and_provisional():
    # 1 October 2027 is a Friday: certainly a holiday in reality, but no data says so.
    info = day_info(date(2027, 10, 1))
    assert (info.working, info.provisional, info.kind, info.name) == (True, True, DayKind.WEEKDAY, "")
    assert day_info(date(2027, 10, 2)).kind == DayKind.WEEKEND
    assert is_working_day(date(2027, 10, 1)) is True
    assert is_working_day(date(2027, 10, 2)) is False


def test_periods_in_2027_count_weekends_only_and_say_so():
    assert add_working_days(date(2027, 9, 30), 1) == Deadline(date(2027, 10, 1), provisional=True)
    assert add_working_days(date(2027, 10, 1), 1) == Deadline(date(2027, 10, 4), provisional=True)
    assert add_days(date(2027, 9, 28), 4) == Deadline(date(2027, 10, 4), provisional=True)


def test_a_period_crossing_into_2027_is_provisional():
    # 31 December 2026 is a Thursday; 1 January 2027 a Friday.
    assert add_working_days(date(2026, 12, 30), 1) == Deadline(date(2026, 12, 31), provisional=False)
    assert add_working_days(date(2026, 12, 30), 2) == Deadline(date(2027, 1, 1), provisional=True)
    assert add_days(date(2026, 12, 20), 20) == Deadline(date(2027, 1, 11), provisional=True)


def test_a_natural_period_ending_inside_a_covered_year_is_not_provisional():
    assert add_days(date(2026, 12, 20), 5) == Deadline(date(2026, 12, 25), provisional=False)


def test_a_rest_day_carried_into_a_year_without_data_makes_the_result_provisional(admin_user):
    # Suppose the 2027 notice gave Friday 31 December 2027 off: a period whose
    # last day is that Friday is carried over the 2028 weekend, which has no data.
    calendar_year_enter(year=2027, holidays={date(2027, 12, 31): "元旦"}, workdays={}, notice="测试通知", by=admin_user)
    assert add_days(date(2027, 12, 29), 1) == Deadline(date(2027, 12, 30), provisional=False)
    assert add_days(date(2027, 12, 30), 1) == Deadline(date(2028, 1, 3), provisional=True)


def test_years_before_the_data_are_provisional_too():
    assert day_info(date(2003, 10, 1)).provisional is True
    assert add_working_days(date(2003, 12, 30), 1) == Deadline(date(2003, 12, 31), provisional=True)
    # Counting starts the day after: from 31 December 2003 only 2004 (covered) is looked at.
    assert add_working_days(date(2003, 12, 31), 1) == Deadline(date(2004, 1, 2), provisional=False)


def test_entering_2027_makes_the_same_calls_official(admin_user):
    assert add_working_days(date(2027, 9, 30), 1).provisional is True
    calendar_year_enter(
        year=2027, holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, notice="国办发明电〔2026〕1号", by=admin_user
    )
    assert add_working_days(date(2027, 9, 30), 1) == Deadline(date(2027, 10, 8), provisional=False)
    assert add_working_days(date(2027, 10, 8), 1) == Deadline(date(2027, 10, 9), provisional=False)  # adjusted Sat
    assert add_days(date(2027, 9, 28), 4) == Deadline(date(2027, 10, 8), provisional=False)
    assert add_days(date(2026, 12, 20), 20) == Deadline(date(2027, 1, 11), provisional=False)
    info = day_info(date(2027, 10, 1))
    assert (info.working, info.provisional, info.kind, info.name) == (False, False, DayKind.HOLIDAY, "国庆节")
    # 2028 is still unknown.
    assert add_working_days(date(2027, 12, 31), 1).provisional is True
