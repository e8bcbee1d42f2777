"""Working days around the golden weeks and the new year (facts checked against chinese-calendar)."""

from __future__ import annotations

from datetime import date, datetime

import chinese_calendar
import pytest

from casework.calendar import DayKind, Deadline, add_working_days, day_info, is_working_day

pytestmark = pytest.mark.django_db

# Facts these tests rely on: (date, worked?) as chinese-calendar 1.11.0 says.
FACTS = [
    (date(2024, 9, 28), False),  # Saturday, ordinary
    (date(2024, 9, 29), True),  # Sunday, adjusted working day for National Day
    (date(2024, 10, 1), False),
    (date(2024, 10, 7), False),  # Monday inside the golden week
    (date(2024, 10, 8), True),
    (date(2024, 10, 12), True),  # Saturday, adjusted working day
    (date(2024, 2, 4), True),  # Sunday, adjusted working day for the Spring Festival
    (date(2024, 2, 9), True),  # New Year's Eve was officially a working day in 2024
    (date(2024, 2, 10), False),
    (date(2024, 2, 17), False),
    (date(2024, 2, 18), True),  # Sunday, adjusted working day
    (date(2025, 1, 26), True),  # Sunday, adjusted
    (date(2025, 1, 28), False),
    (date(2025, 2, 4), False),
    (date(2025, 2, 8), True),  # Saturday, adjusted
    (date(2025, 12, 31), True),
    (date(2026, 1, 1), False),
    (date(2026, 1, 3), False),
    (date(2026, 1, 4), True),  # Sunday, adjusted for New Year's Day
]


@pytest.mark.parametrize(("day", "worked"), FACTS)
def test_facts_match_the_package_and_the_calendar(day, worked):
    assert chinese_calendar.is_workday(day) is worked
    assert is_working_day(day) is worked


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 9, 27), 1, date(2024, 9, 29)),  # skips Saturday, counts the adjusted Sunday
        (date(2024, 9, 27), 2, date(2024, 9, 30)),
        (date(2024, 9, 27), 3, date(2024, 10, 8)),  # the whole golden week skipped
        (date(2024, 9, 30), 5, date(2024, 10, 12)),  # the adjusted Saturday is the 5th
        (date(2024, 10, 1), 1, date(2024, 10, 8)),  # from inside the holiday
        (date(2024, 10, 11), 1, date(2024, 10, 12)),
        (date(2024, 10, 12), 1, date(2024, 10, 14)),  # the following Sunday is an ordinary rest day
    ],
)
def test_national_day_golden_week_2024(start, n, expected):
    assert add_working_days(start, n) == Deadline(expected, provisional=False)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 2, 2), 1, date(2024, 2, 4)),  # Sunday before the festival is worked
        (date(2024, 2, 8), 1, date(2024, 2, 9)),
        (date(2024, 2, 9), 1, date(2024, 2, 18)),  # 10–17 February off, Sunday 18th worked
        (date(2024, 2, 9), 2, date(2024, 2, 19)),
        (date(2025, 1, 24), 1, date(2025, 1, 26)),
        (date(2025, 1, 27), 1, date(2025, 2, 5)),  # 28 January – 4 February off
        (date(2025, 2, 7), 1, date(2025, 2, 8)),  # the adjusted Saturday
        (date(2025, 1, 24), 5, date(2025, 2, 7)),  # 26, 27 Jan; 5, 6, 7 Feb
    ],
)
def test_spring_festival_with_adjusted_weekend_days(start, n, expected):
    assert add_working_days(start, n) == Deadline(expected, provisional=False)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 12, 31), 1, date(2026, 1, 4)),  # over New Year's Day 2026 to its adjusted Sunday
        (date(2025, 12, 30), 2, date(2026, 1, 4)),
        (date(2025, 12, 31), 2, date(2026, 1, 5)),
        (date(2024, 12, 31), 1, date(2025, 1, 2)),
    ],
)
def test_year_boundary(start, n, expected):
    assert add_working_days(start, n) == Deadline(expected, provisional=False)


def test_an_ordinary_week_counts_five_working_days_a_week():
    assert add_working_days(date(2024, 11, 1), 5) == Deadline(date(2024, 11, 8), provisional=False)
    assert add_working_days(date(2024, 11, 1), 10) == Deadline(date(2024, 11, 15), provisional=False)


@pytest.mark.parametrize(
    ("day", "working", "kind", "name"),
    [
        (date(2024, 10, 1), False, DayKind.HOLIDAY, "国庆节"),
        (date(2024, 10, 5), False, DayKind.HOLIDAY, "国庆节"),  # a Saturday inside the holiday period
        (date(2024, 10, 12), True, DayKind.ADJUSTED_WORKDAY, "国庆节"),
        (date(2024, 10, 8), True, DayKind.WEEKDAY, ""),
        (date(2024, 10, 13), False, DayKind.WEEKEND, ""),
        (date(2024, 4, 4), False, DayKind.HOLIDAY, "清明节"),
    ],
)
def test_day_info_says_what_a_day_is(day, working, kind, name):
    info = day_info(day)
    assert (info.date, info.working, info.rest, info.kind, info.name) == (day, working, not working, kind, name)
    assert info.provisional is False


def test_results_are_immutable():
    deadline = add_working_days(date(2024, 10, 1), 1)
    with pytest.raises(AttributeError):
        deadline.date = date(2024, 10, 9)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        day_info(date(2024, 10, 1)).working = True  # type: ignore[misc]


@pytest.mark.parametrize("n", [0, -1])
def test_a_count_below_one_is_refused(n):
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2024, 10, 1), n)


@pytest.mark.parametrize("value", [datetime(2024, 10, 1, 9, 0), "2024-10-01"])
def test_a_datetime_or_string_is_refused(value):
    with pytest.raises(TypeError, match=r"datetime\.date"):
        add_working_days(value, 1)
    with pytest.raises(TypeError, match=r"datetime\.date"):
        is_working_day(value)
