"""The in-process cache: no query per day, reloaded when the tables change."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from casework.calendar import add_days, add_working_days, clear_cache, day_info, is_working_day
from casework.calendar.models import CalendarYear, SpecialDay
from casework.calendar.services import calendar_year_enter

pytestmark = pytest.mark.django_db


def test_a_cold_cache_loads_the_whole_calendar_in_three_queries(django_assert_num_queries):
    with django_assert_num_queries(3):  # version, years, special days
        assert add_working_days(date(2024, 9, 30), 5).date == date(2024, 10, 12)


def test_a_warm_cache_answers_without_any_query(django_assert_num_queries):
    is_working_day(date(2024, 1, 1))
    with django_assert_num_queries(0):
        # Long periods across many years: still no query per day.
        assert add_working_days(date(2004, 1, 1), 5000).provisional is False
        add_days(date(2010, 1, 1), 3000)
        for month in range(1, 13):
            day_info(date(2025, month, 1))


def test_when_the_check_is_due_an_unchanged_calendar_costs_one_query(settings, django_assert_num_queries):
    settings.CALENDAR_CACHE_SECONDS = 0
    is_working_day(date(2024, 1, 1))
    with django_assert_num_queries(1):
        is_working_day(date(2024, 1, 2))


def _change_behind_the_cache() -> None:
    """What another process's committed entry of 2027 looks like from here."""
    CalendarYear.objects.create(year=2027, source="administrator", notice="x", entered_at=timezone.now())
    SpecialDay.objects.create(date=date(2027, 10, 1), kind="holiday", name="国庆节")


def test_a_change_by_another_process_is_seen_at_the_next_version_check(settings):
    settings.CALENDAR_CACHE_SECONDS = 3600
    assert day_info(date(2027, 10, 1)).provisional is True
    _change_behind_the_cache()
    # Within the interval this process keeps its snapshot.
    assert day_info(date(2027, 10, 1)).provisional is True
    settings.CALENDAR_CACHE_SECONDS = 0
    info = day_info(date(2027, 10, 1))
    assert (info.provisional, info.working, info.name) == (False, False, "国庆节")


def test_clear_cache_reloads_at_once(settings):
    settings.CALENDAR_CACHE_SECONDS = 3600
    assert is_working_day(date(2027, 10, 1)) is True
    _change_behind_the_cache()
    clear_cache()
    assert is_working_day(date(2027, 10, 1)) is False


def test_the_service_clears_the_cache_at_once_and_at_commit(settings, admin_user, django_capture_on_commit_callbacks):
    settings.CALENDAR_CACHE_SECONDS = 3600
    assert is_working_day(date(2027, 10, 1)) is True
    with django_capture_on_commit_callbacks() as callbacks:
        calendar_year_enter(
            year=2027, holidays={date(2027, 10, 1): "国庆节"}, workdays={}, notice="国办发明电", by=admin_user
        )
    assert is_working_day(date(2027, 10, 1)) is False
    assert clear_cache in callbacks
