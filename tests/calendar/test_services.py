"""calendar_year_enter replaces a year's rows, marks it entered, writes one entry; a violation writes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from casework.calendar import add_working_days, is_working_day
from casework.calendar.models import CalendarYear, SpecialDay
from casework.calendar.services import calendar_year_enter
from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.ledger.verify import ledger_verify
from tests.calendar.conftest import HOLIDAYS_2027, WORKDAYS_2027

pytestmark = pytest.mark.django_db

NOTICE = "国办发明电〔2026〕1号"


def enter_2027(by, **overrides):
    kwargs = {"year": 2027, "holidays": HOLIDAYS_2027, "workdays": WORKDAYS_2027, "notice": NOTICE, "by": by}
    return calendar_year_enter(**{**kwargs, **overrides})


def test_entering_a_new_year(admin_user):
    row = enter_2027(admin_user, notice_date=date(2026, 11, 12))
    row.refresh_from_db()
    assert (row.year, row.source, row.notice, row.notice_date) == (2027, "administrator", NOTICE, date(2026, 11, 12))
    assert row.entered_by == admin_user
    assert timezone.now() - row.entered_at < timedelta(minutes=1)
    stored = {d: (k, n) for d, k, n in SpecialDay.objects.filter(date__year=2027).values_list("date", "kind", "name")}
    expected = {d: ("holiday", n) for d, n in HOLIDAYS_2027.items()} | {
        d: ("workday", n) for d, n in WORKDAYS_2027.items()
    }
    assert stored == expected


def test_entering_writes_one_ledger_entry(admin_user):
    before = LedgerEntry.objects.count()
    enter_2027(admin_user, reason="通知已发布")
    assert LedgerEntry.objects.count() == before + 1
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.subject_type, entry.subject_id) == (
        "calendar.year_entered",
        "calendar.calendaryear",
        "2027",
    )
    assert (entry.actor, entry.from_state, entry.to_state, entry.reason) == (admin_user, "", "entered", "通知已发布")
    assert entry.payload["notice"] == NOTICE
    assert entry.payload["holidays"]["2027-10-01"] == "国庆节"
    assert entry.payload["workdays"] == {"2027-02-14": "春节", "2027-09-26": "国庆节", "2027-10-09": "国庆节"}
    assert entry.payload["previous"] is None
    assert ledger_verify().ok


def test_re_entering_a_year_replaces_its_rows_and_records_the_old_ones(admin_user):
    # Correct 2024: suppose the notice had made Saturday 28 September a working day too.
    old = dict(SpecialDay.objects.filter(date__year=2024).values_list("date", "kind"))
    holidays = {
        d: n
        for d, k, n in SpecialDay.objects.filter(date__year=2024).values_list("date", "kind", "name")
        if k == "holiday"
    }
    workdays = {
        d: n
        for d, k, n in SpecialDay.objects.filter(date__year=2024).values_list("date", "kind", "name")
        if k == "workday"
    }
    assert add_working_days(date(2024, 9, 27), 1).date == date(2024, 9, 29)
    calendar_year_enter(
        year=2024, holidays=holidays, workdays={**workdays, date(2024, 9, 28): "国庆节"}, notice="更正", by=admin_user
    )
    assert add_working_days(date(2024, 9, 27), 1).date == date(2024, 9, 28)
    assert SpecialDay.objects.filter(date__year=2024).count() == len(old) + 1
    assert CalendarYear.objects.get(year=2024).source == CalendarYear.Source.ADMINISTRATOR
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.from_state == "entered"
    assert entry.payload["previous"]["source"] == "package"
    assert "2024-09-28" not in entry.payload["previous"]["workdays"]
    assert entry.payload["workdays"]["2024-09-28"] == "国庆节"
    # Other years are untouched.
    assert is_working_day(date(2025, 2, 8)) is True


def test_names_are_trimmed_and_an_empty_workday_list_is_fine(admin_user):
    calendar_year_enter(year=2027, holidays={date(2027, 1, 1): "  元旦 "}, workdays={}, notice=" 文号 ", by=admin_user)
    assert SpecialDay.objects.get(date=date(2027, 1, 1)).name == "元旦"
    assert CalendarYear.objects.get(year=2027).notice == "文号"


def test_the_system_may_enter_a_year_from_the_package_without_a_notice():
    row = calendar_year_enter(
        year=2027, holidays={date(2027, 1, 1): "元旦"}, workdays={}, notice="", source="package", by=None
    )
    assert row.source == "package"
    assert LedgerEntry.objects.order_by("-seq").first().actor_name == "system"  # type: ignore[union-attr]


def _state() -> tuple:
    return (
        list(CalendarYear.objects.order_by("year").values_list("year", "source", "notice", "entered_at")),
        list(SpecialDay.objects.order_by("date").values_list("date", "kind", "name")),
        LedgerEntry.objects.count(),
    )


TOMORROW = timezone.localdate() + timedelta(days=1)
INVALID = [
    ({"year": 1990}, "calendar.year_out_of_range", "year"),
    ({"year": 2101}, "calendar.year_out_of_range", "year"),
    ({"notice": "  "}, "calendar.notice_required", "notice"),
    ({"notice": "文" * 201}, "calendar.notice_too_long", "notice"),
    ({"notice_date": TOMORROW}, "calendar.notice_date_future", "notice_date"),
    ({"holidays": {}}, "calendar.no_holidays", "holidays"),
    ({"holidays": {**HOLIDAYS_2027, date(2026, 12, 31): "元旦"}}, "calendar.date_outside_year", "holidays"),
    ({"workdays": {date(2028, 1, 1): "元旦"}}, "calendar.date_outside_year", "workdays"),
    ({"holidays": {date(2027, 1, 1): " "}}, "calendar.name_required", "holidays"),
    ({"holidays": {date(2027, 1, 1): "节" * 101}}, "calendar.name_too_long", "holidays"),
    ({"holidays": {datetime(2027, 1, 1, 0, 0): "元旦"}}, "calendar.not_a_date", "holidays"),
    ({"holidays": {"2027-01-01": "元旦"}}, "calendar.not_a_date", "holidays"),
    ({"workdays": {date(2027, 10, 2): "国庆节"}}, "calendar.date_both_kinds", "workdays"),
    ({"workdays": {date(2027, 10, 8): "国庆节"}}, "calendar.workday_not_weekend", "workdays"),
    ({"source": "rumour"}, "calendar.source_invalid", "source"),
]


@pytest.mark.parametrize(
    ("overrides", "code", "field"), INVALID, ids=[case[1] + "-" + str(i) for i, case in enumerate(INVALID)]
)
def test_a_violation_changes_nothing_and_writes_nothing(admin_user, overrides, code, field):
    before = _state()
    with pytest.raises(RuleViolation) as caught:
        enter_2027(admin_user, **overrides)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert str(caught.value.message)
    assert _state() == before
    assert add_working_days(date(2027, 9, 30), 1).provisional is True


def test_a_violation_on_an_entered_year_keeps_its_rows(admin_user):
    before = _state()
    with pytest.raises(RuleViolation):
        calendar_year_enter(
            year=2024,
            holidays={date(2024, 10, 1): "国庆节"},
            workdays={date(2024, 10, 8): "国庆节"},
            notice="x",
            by=admin_user,
        )
    assert _state() == before
    assert is_working_day(date(2024, 10, 7)) is False
