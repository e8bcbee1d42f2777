"""Natural-day periods (民法典 201, 203): start the next day; a last day at rest moves to the next working day."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from casework.calendar import Deadline, add_days

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 11, 4), 3, date(2024, 11, 7)),  # Monday + 3 = Thursday: an ordinary working day
        (date(2024, 11, 1), 1, date(2024, 11, 4)),  # ends Saturday → Monday
        (date(2024, 11, 1), 2, date(2024, 11, 4)),  # ends Sunday → Monday
        (date(2024, 10, 21), 20, date(2024, 11, 11)),  # 10 Nov is a Sunday → Monday 11th
    ],
)
def test_ordinary_weeks(start, n, expected):
    assert add_days(start, n) == Deadline(expected, provisional=False)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 9, 24), 7, date(2024, 10, 8)),  # last day 1 October → after the golden week
        (date(2024, 9, 30), 7, date(2024, 10, 8)),  # last day the Monday 7 October, a holiday
        (date(2024, 9, 20), 15, date(2024, 10, 8)),  # last day Saturday 5 October inside the holiday
        (date(2024, 2, 1), 10, date(2024, 2, 18)),  # last day 11 Feb → the adjusted Sunday 18th
        (date(2025, 5, 1), 20, date(2025, 5, 21)),  # crosses Labour Day, ends on an ordinary Wednesday
    ],
)
def test_a_last_day_on_a_holiday_ends_on_the_next_working_day(start, n, expected):
    last_day = date.fromordinal(start.toordinal() + n)
    assert add_days(start, n) == Deadline(expected, provisional=False)
    assert chinese_calendar.is_workday(expected)
    assert last_day == expected or not chinese_calendar.is_workday(last_day)


@pytest.mark.parametrize(
    ("start", "n", "adjusted"),
    [
        (date(2024, 10, 2), 10, date(2024, 10, 12)),  # Saturday 12 October 2024
        (date(2025, 2, 1), 7, date(2025, 2, 8)),  # Saturday 8 February 2025
        (date(2024, 9, 19), 10, date(2024, 9, 29)),  # Sunday 29 September 2024
        (date(2025, 12, 25), 10, date(2026, 1, 4)),  # Sunday 4 January 2026
    ],
)
def test_a_last_day_on_an_adjusted_working_weekend_day_ends_on_it(start, n, adjusted):
    assert adjusted.weekday() >= 5 and chinese_calendar.is_workday(adjusted)
    assert add_days(start, n) == Deadline(adjusted, provisional=False)


def test_new_year_boundary():
    # Last day 1 January 2026 (holiday), then Friday 2 and Saturday 3 off, Sunday 4 worked.
    assert add_days(date(2025, 12, 29), 3) == Deadline(date(2026, 1, 4), provisional=False)
    # Last day 1 January 2025, a Wednesday holiday → Thursday 2 January.
    assert add_days(date(2024, 12, 31), 1) == Deadline(date(2025, 1, 2), provisional=False)


def test_an_ordinary_saturday_is_not_a_working_day_even_beside_a_holiday():
    # 28 September 2024 (Saturday) is not adjusted; 29th (Sunday) is.
    assert add_days(date(2024, 9, 27), 1) == Deadline(date(2024, 9, 29), provisional=False)


@pytest.mark.parametrize("n", [0, -5])
def test_a_count_below_one_is_refused(n):
    with pytest.raises(ValueError, match="at least 1"):
        add_days(date(2024, 10, 1), n)
