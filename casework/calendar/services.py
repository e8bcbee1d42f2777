"""Writes for the working-day calendar: entering a year's official notice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.accounts.models import User
from casework.calendar.days import clear_cache
from casework.calendar.models import CalendarYear, SpecialDay
from casework.calendar.signals import calendar_year_entered
from casework.errors import Conflict, RuleViolation
from casework.ledger.services import ledger_append
from casework.org.models import Unit

# The five-day week began on 1 May 1995: before it, the weekend logic is wrong.
MIN_YEAR = 1996
MAX_YEAR = 2100
NOTICE_MAX_LENGTH = 200
NAME_MAX_LENGTH = 100

WEEKDAY_NAMES = (
    gettext_lazy("星期一"),
    gettext_lazy("星期二"),
    gettext_lazy("星期三"),
    gettext_lazy("星期四"),
    gettext_lazy("星期五"),
    gettext_lazy("星期六"),
    gettext_lazy("星期日"),
)
FIELD_LABELS = {"holidays": gettext_lazy("节假日"), "workdays": gettext_lazy("调休工作日")}


@dataclass(frozen=True)
class YearEntry:
    """A year's notice, checked and normalised by ``calendar_year_validate``."""

    year: int
    holidays: dict[date, str]
    workdays: dict[date, str]
    notice: str
    notice_date: date | None
    source: str


def _clean_days(year: int, days: Mapping[Any, Any], field: str) -> dict[date, str]:
    label = FIELD_LABELS[field]
    cleaned: dict[date, str] = {}
    for day, name in sorted(days.items(), key=lambda item: str(item[0])):
        if isinstance(day, datetime) or not isinstance(day, date):
            raise RuleViolation(
                _("%(field)s中的“%(value)s”不是日期：请使用年-月-日格式。") % {"field": label, "value": day},
                code="calendar.not_a_date",
                field=field,
            )
        if day.year != year:
            raise RuleViolation(
                _("%(field)s中的%(date)s不在%(year)s年内：每个日期都必须属于所录入的年度。")
                % {"field": label, "date": day.isoformat(), "year": year},
                code="calendar.date_outside_year",
                field=field,
            )
        name = str(name or "").strip()
        if not name:
            raise RuleViolation(
                _("%(field)s中%(date)s的名称不能为空：请填写节日名称，例如“国庆节”。")
                % {"field": label, "date": day.isoformat()},
                code="calendar.name_required",
                field=field,
            )
        if len(name) > NAME_MAX_LENGTH:
            raise RuleViolation(
                _("%(field)s中%(date)s的名称不能超过%(max)s个字符。")
                % {"field": label, "date": day.isoformat(), "max": NAME_MAX_LENGTH},
                code="calendar.name_too_long",
                field=field,
            )
        cleaned[day] = name
    return cleaned


def calendar_year_validate(
    *,
    year: int,
    holidays: Mapping[date, str],
    workdays: Mapping[date, str],
    notice: str,
    notice_date: date | None = None,
    source: str = CalendarYear.Source.ADMINISTRATOR,
) -> YearEntry:
    """Check a year's notice without writing anything; return it normalised.

    Rules: the year lies in 1996–2100; an administrator's entry names its notice
    (文号); the notice date is not in the future; there is at least one holiday;
    every date lies in ``year`` and has a name; no date is both a holiday and an
    adjusted working day; every adjusted working day is a Saturday or Sunday.
    Raises ``RuleViolation`` with the field and rule of the first problem.
    """
    if source not in CalendarYear.Source.values:
        raise RuleViolation(
            _("数据来源“%(source)s”无效。") % {"source": source}, code="calendar.source_invalid", field="source"
        )
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise RuleViolation(
            _("年度必须是%(min)s至%(max)s之间的整数。") % {"min": MIN_YEAR, "max": MAX_YEAR},
            code="calendar.year_out_of_range",
            field="year",
        )
    notice = (notice or "").strip()
    if not notice and source == CalendarYear.Source.ADMINISTRATOR:
        raise RuleViolation(
            _("通知文号不能为空：请填写国务院办公厅关于该年度部分节假日安排的通知的文号。"),
            code="calendar.notice_required",
            field="notice",
        )
    if len(notice) > NOTICE_MAX_LENGTH:
        raise RuleViolation(
            _("通知文号不能超过%(max)s个字符。") % {"max": NOTICE_MAX_LENGTH},
            code="calendar.notice_too_long",
            field="notice",
        )
    if notice_date is not None and notice_date > timezone.localdate():
        raise RuleViolation(_("通知日期不能晚于今天。"), code="calendar.notice_date_future", field="notice_date")
    if not holidays:
        raise RuleViolation(
            _("节假日不能为空：每年的通知至少安排元旦放假。"), code="calendar.no_holidays", field="holidays"
        )
    cleaned_holidays = _clean_days(year, holidays, "holidays")
    cleaned_workdays = _clean_days(year, workdays, "workdays")
    for day in sorted(cleaned_workdays):
        if day in cleaned_holidays:
            raise RuleViolation(
                _("%(date)s不能既是节假日又是调休工作日。") % {"date": day.isoformat()},
                code="calendar.date_both_kinds",
                field="workdays",
            )
        if day.weekday() < 5:
            raise RuleViolation(
                _("调休工作日%(date)s是%(weekday)s：调休上班的日期只能是星期六或星期日。")
                % {"date": day.isoformat(), "weekday": WEEKDAY_NAMES[day.weekday()]},
                code="calendar.workday_not_weekend",
                field="workdays",
            )
    return YearEntry(year, cleaned_holidays, cleaned_workdays, notice, notice_date, source)


def _days_payload(days: Mapping[date, str]) -> dict[str, str]:
    return {day.isoformat(): name for day, name in sorted(days.items())}


def _year_rows(year: int) -> QuerySet[SpecialDay]:
    return SpecialDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))


def calendar_year_enter(
    *,
    year: int,
    holidays: Mapping[date, str],
    workdays: Mapping[date, str],
    notice: str,
    notice_date: date | None = None,
    source: str = CalendarYear.Source.ADMINISTRATOR,
    reason: str = "",
    by: User | None,
    role: str = "",
    unit: Unit | None = None,
) -> CalendarYear:
    """Enter (or correct) the official holidays and adjusted working days of ``year``.

    ``holidays`` maps each rest day of the notice's holiday periods (weekend
    days inside them included) to its holiday's name; ``workdays`` maps each
    adjusted working weekend day to the holiday it makes up for. ``notice`` is
    the notice's reference (e.g. 国办发明电〔2025〕7号). The rows of that year are
    replaced, the year is marked entered (no longer provisional), and one
    ledger entry ``calendar.year_entered`` is written with the old and new data.
    A date of another year announced in the same notice (a late-December
    adjusted day) is entered by re-entering that year.

    Rules: see ``calendar_year_validate``; a violation changes nothing and
    writes nothing. Two administrators entering the same new year at once:
    the second gets ``Conflict``.

    The in-process cache is cleared at once and again at commit; other
    processes see the change at their next version check (docs/calendar.md).
    """
    entry = calendar_year_validate(
        year=year,
        holidays=holidays,
        workdays=workdays,
        notice=notice,
        notice_date=notice_date,
        source=source,
    )
    try:
        with transaction.atomic():
            row = CalendarYear.objects.select_for_update().filter(year=entry.year).first()
            previous: dict[str, Any] | None = None
            if row is not None:
                old = list(_year_rows(entry.year).values_list("date", "kind", "name"))
                previous = {
                    "source": row.source,
                    "notice": row.notice,
                    "notice_date": row.notice_date,
                    "holidays": _days_payload({d: n for d, k, n in old if k == SpecialDay.Kind.HOLIDAY}),
                    "workdays": _days_payload({d: n for d, k, n in old if k == SpecialDay.Kind.WORKDAY}),
                }
            _year_rows(entry.year).delete()
            SpecialDay.objects.bulk_create(
                [SpecialDay(date=d, kind=SpecialDay.Kind.HOLIDAY, name=n) for d, n in entry.holidays.items()]
                + [SpecialDay(date=d, kind=SpecialDay.Kind.WORKDAY, name=n) for d, n in entry.workdays.items()]
            )
            fields = {
                "source": entry.source,
                "notice": entry.notice,
                "notice_date": entry.notice_date,
                "entered_at": timezone.now(),
                "entered_by": by,
            }
            if row is None:
                row = CalendarYear(year=entry.year, **fields)
                row.save(force_insert=True)
            else:
                for name, value in fields.items():
                    setattr(row, name, value)
                row.save(update_fields=list(fields))
            ledger_append(
                action="calendar.year_entered",
                subject=row,
                by=by,
                role=role,
                unit=unit,
                from_state="entered" if previous else "",
                to_state="entered",
                reason=reason,
                payload={
                    "year": entry.year,
                    "source": entry.source,
                    "notice": entry.notice,
                    "notice_date": entry.notice_date,
                    "holidays": _days_payload(entry.holidays),
                    "workdays": _days_payload(entry.workdays),
                    "previous": previous,
                },
            )
            transaction.on_commit(clear_cache)
            # Read-your-writes in this transaction (and in tests, where commit never comes).
            clear_cache()
            # Open due dates computed without this year's data follow, in this transaction.
            calendar_year_entered.send(sender=CalendarYear, year=entry.year, by=by, role=role, unit=unit)
    except IntegrityError as exc:
        raise Conflict(
            _("%(year)s年的日历刚被他人录入，请刷新后重试。") % {"year": entry.year},
            code="calendar.concurrent_entry",
            field="year",
        ) from exc
    return row
