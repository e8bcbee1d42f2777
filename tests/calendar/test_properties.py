"""Properties of the counting functions, checked on many dates (hypothesis), with the package as oracle."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.calendar import add_days, add_working_days, is_working_day
from casework.calendar.forms import format_days, parse_days

pytestmark = pytest.mark.django_db

COVERED = range(2004, 2027)
# The examples only read the seeded calendar, so sharing the test's database is safe.
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
any_start = st.dates(min_value=date(2003, 6, 1), max_value=date(2027, 6, 30))
covered_start = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 8, 31))
counts = st.integers(min_value=1, max_value=60)


def days_between(first: date, last: date) -> list[date]:
    """first + 1 … last."""
    return [first + timedelta(days=i) for i in range(1, (last - first).days + 1)]


@SETTINGS
@given(start=any_start, n=counts)
def test_add_working_days_lands_on_the_nth_working_day_after_start(start, n):
    result = add_working_days(start, n)
    assert result.date > start
    assert is_working_day(result.date)
    assert sum(is_working_day(d) for d in days_between(start, result.date)) == n
    assert result.provisional == any(d.year not in COVERED for d in days_between(start, result.date))


@SETTINGS
@given(start=covered_start, n=counts)
def test_add_working_days_agrees_with_the_package(start, n):
    # find_workday(k, d) is the k-th working day after the first one on or after d.
    assert add_working_days(start, n).date == chinese_calendar.find_workday(n - 1, start + timedelta(days=1))


@SETTINGS
@given(start=any_start, a=counts, b=counts)
def test_working_days_compose(start, a, b):
    assert add_working_days(start, a + b).date == add_working_days(add_working_days(start, a).date, b).date


@SETTINGS
@given(start=any_start, n=counts)
def test_add_days_ends_on_the_first_working_day_from_the_last_day(start, n):
    result = add_days(start, n)
    last_day = start + timedelta(days=n)
    assert result.date >= last_day
    assert is_working_day(result.date)
    assert not any(is_working_day(d) for d in days_between(last_day - timedelta(days=1), result.date)[:-1])
    assert result.provisional == any(
        d.year not in COVERED for d in days_between(last_day - timedelta(days=1), result.date)
    )


@SETTINGS
@given(start=covered_start, n=counts)
def test_add_days_never_lands_on_a_rest_day_for_covered_years(start, n):
    result = add_days(start, n)
    assert result.provisional is False
    assert chinese_calendar.is_workday(result.date)
    last_day = start + timedelta(days=n)
    assert result.date == chinese_calendar.find_workday(0, last_day)


@SETTINGS
@given(
    st.dictionaries(
        st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)),
        st.sampled_from(["元旦", "春节", "国庆节", "中秋节"]),
        max_size=40,
    )
)
def test_the_admin_text_format_round_trips(days):
    assert parse_days(format_days(days)) == days
