"""The seed migration leaves a ready calendar equal to the chinese-calendar package's data."""

from __future__ import annotations

import ast
import importlib
import inspect
from datetime import date, timedelta

import chinese_calendar
import pytest
from chinese_calendar.constants import Holiday

from casework.calendar import is_working_day
from casework.calendar.models import CalendarYear, SpecialDay

pytestmark = pytest.mark.django_db

SEED_MIGRATION = "casework.calendar.migrations.0002_seed_chinese_calendar"
# The package's short names and the names the State Council's notices use.
NOTICE_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def package_name(english: str) -> str:
    chinese = Holiday(english).chinese
    return NOTICE_NAMES.get(chinese, chinese)


def package_years() -> range:
    dates = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return range(min(dates).year, max(dates).year + 1)


def test_every_year_the_package_covers_is_entered_from_it():
    assert package_years() == range(2004, 2027)
    rows = {row.year: row for row in CalendarYear.objects.all()}
    assert sorted(rows) == list(package_years())
    assert {row.source for row in rows.values()} == {CalendarYear.Source.PACKAGE}
    assert all(row.entered_at is not None and row.entered_by is None for row in rows.values())


def test_special_days_equal_the_package_tables():
    holidays = {d: n for d, k, n in SpecialDay.objects.values_list("date", "kind", "name") if k == "holiday"}
    workdays = {d: n for d, k, n in SpecialDay.objects.values_list("date", "kind", "name") if k == "workday"}
    assert holidays == {d: package_name(v) for d, v in chinese_calendar.holidays.items()}
    assert workdays == {d: package_name(v) for d, v in chinese_calendar.workdays.items()}


def test_every_covered_day_agrees_with_the_package():
    day, last = date(2004, 1, 1), date(2026, 12, 31)
    disagreements = []
    while day <= last:
        if is_working_day(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(days=1)
    assert disagreements == []


def test_the_seed_does_not_depend_on_the_installed_package():
    # Frozen data: a newer (or missing) chinese-calendar must not change what migrate writes.
    module = importlib.import_module(SEED_MIGRATION)
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(inspect.getsource(module)))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert "chinese_calendar" not in imported
    assert imported <= {"datetime", "django"}
