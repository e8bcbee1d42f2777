"""Counting days: working days and natural-day periods on the official calendar.

Public functions (all re-exported by ``casework.calendar``)::

    is_working_day(d: date) -> bool
    day_info(d: date) -> DayInfo
    add_working_days(start: date, n: int) -> Deadline
    add_days(start: date, n: int) -> Deadline
    clear_cache() -> None

Rules (see docs/calendar.md and domain.md, "Time: counting days"):

- A **working day** is a Monday–Friday that is not a statutory holiday, or a
  Saturday/Sunday that the State Council's notice makes an adjusted working day
  (调休上班). A **rest day** is every other day.
- ``add_working_days(start, n)`` is the n-th working day after ``start``
  (``start`` itself is never counted).
- ``add_days(start, n)`` is a period of n natural days under 民法典 201/203: it
  starts the day after ``start``; its last day is ``start + n``; if that day is
  a rest day, the period ends on the first working day after it.

Result objects (immutable):

- ``Deadline(date, provisional)``: the last day of the period (the deadline
  passes at 24:00 of that day, Asia/Shanghai) and whether it is provisional.
- ``DayInfo(date, working, provisional, kind, name)``: one day; ``kind`` is a
  ``DayKind`` (weekday, weekend, holiday, adjusted_workday); ``name`` is the
  holiday's name, or for an adjusted working day the holiday it makes up for.

**Provisional**: a year with no official data entered (no ``CalendarYear``
row) is computed on weekends alone. Every answer that looked at a day of such a
year is flagged ``provisional=True`` — never a silent guess. For
``add_working_days`` that is any day from ``start + 1`` to the result; for
``add_days`` the last day and any rest days it was carried over. Once the year
is entered the same call gives the official answer with ``provisional=False``
(recomputing stored provisional due dates is the job of the service that
enters a year; see ``casework.calendar.services``).

**Cache**: the whole calendar (about forty rows a year) is loaded in one pass
and kept in this process. It is dropped (1) by ``calendar_year_enter`` at once
and again at commit, in the process that made the change, and (2) in every
other process when a version check finds the tables changed: the check is one
aggregate query over ``CalendarYear`` (row count and latest ``entered_at``),
run at most once every ``CALENDAR_CACHE_SECONDS`` seconds (setting, default
60). So one call costs no query at all while the cache is fresh, and another
process sees a newly entered year within that many seconds. Write the tables
only through the service; after writing them any other way, call
``clear_cache()``.

Dates are ``datetime.date`` in Asia/Shanghai; a ``datetime`` is refused
(``TypeError``) because its calendar day depends on a time zone the caller knows.
"""

from __future__ import annotations

import calendar
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from django.conf import settings

DEFAULT_CACHE_SECONDS = 60.0
ONE_DAY = timedelta(days=1)


class DayKind(StrEnum):
    WEEKDAY = "weekday"  # an ordinary Monday–Friday: working
    WEEKEND = "weekend"  # an ordinary Saturday/Sunday: rest
    HOLIDAY = "holiday"  # a statutory holiday (weekend days inside the period too): rest
    ADJUSTED_WORKDAY = "adjusted_workday"  # a weekend day worked instead (调休上班): working


@dataclass(frozen=True, slots=True)
class Deadline:
    """The last day of a period, and whether it rests on a year without official data."""

    date: date
    provisional: bool


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What one day is: working or rest, why, and whether that is provisional."""

    date: date
    working: bool
    provisional: bool
    kind: DayKind
    name: str = ""

    @property
    def rest(self) -> bool:
        return not self.working


@dataclass(frozen=True)
class _Snapshot:
    version: tuple[Any, ...]
    years: frozenset[int]
    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: Mapping[date, str] = field(default_factory=dict)

    def info(self, d: date) -> DayInfo:
        weekend = d.weekday() >= 5
        if d.year not in self.years:
            kind = DayKind.WEEKEND if weekend else DayKind.WEEKDAY
            return DayInfo(d, working=not weekend, provisional=True, kind=kind)
        if d in self.workdays:
            return DayInfo(d, working=True, provisional=False, kind=DayKind.ADJUSTED_WORKDAY, name=self.workdays[d])
        if d in self.holidays:
            return DayInfo(d, working=False, provisional=False, kind=DayKind.HOLIDAY, name=self.holidays[d])
        kind = DayKind.WEEKEND if weekend else DayKind.WEEKDAY
        return DayInfo(d, working=not weekend, provisional=False, kind=kind)

    def working(self, d: date) -> bool:
        # The hot path of the add_* loops: no DayInfo allocation.
        if d.year in self.years:
            if d in self.workdays:
                return True
            if d in self.holidays:
                return False
        return d.weekday() < 5


_lock = threading.Lock()
_snapshot: _Snapshot | None = None
_checked_at = 0.0


def _cache_seconds() -> float:
    return float(getattr(settings, "CALENDAR_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def _read_version() -> tuple[Any, ...]:
    from django.db.models import Count, Max

    from casework.calendar.models import CalendarYear

    row = CalendarYear.objects.aggregate(n=Count("year"), latest=Max("entered_at"))
    return (row["n"], row["latest"])


def _load(version: tuple[Any, ...]) -> _Snapshot:
    from casework.calendar.models import CalendarYear, SpecialDay

    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    for day, kind, name in SpecialDay.objects.values_list("date", "kind", "name"):
        (workdays if kind == SpecialDay.Kind.WORKDAY else holidays)[day] = name
    return _Snapshot(version, years, MappingProxyType(holidays), MappingProxyType(workdays))


def _current() -> _Snapshot:
    """The cached calendar, reloaded when its version check is due and finds a change."""
    global _snapshot, _checked_at
    snapshot, now = _snapshot, time.monotonic()
    if snapshot is not None and now - _checked_at < _cache_seconds():
        return snapshot
    with _lock:
        # The version is read before the data: a change committed in between
        # makes the next check reload rather than being missed.
        version = _read_version()
        snapshot = _snapshot
        if snapshot is None or snapshot.version != version:
            snapshot = _load(version)
        _snapshot, _checked_at = snapshot, time.monotonic()
    return snapshot


def clear_cache() -> None:
    """Forget the cached calendar in this process; the next call reloads it."""
    global _snapshot, _checked_at
    with _lock:
        _snapshot, _checked_at = None, 0.0


def _check_date(d: object, name: str) -> date:
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"{name} must be a datetime.date (a local date in Asia/Shanghai), not {type(d).__name__}")
    return d


def _check_count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return n


def is_working_day(d: date) -> bool:
    """True if ``d`` is a working day (provisional for a year without official data: see ``day_info``)."""
    return _current().working(_check_date(d, "d"))


def day_info(d: date) -> DayInfo:
    """What ``d`` is: working or rest, its kind and name, and whether the answer is provisional."""
    return _current().info(_check_date(d, "d"))


def add_working_days(start: date, n: int) -> Deadline:
    """The n-th working day after ``start`` (``start`` excluded; n >= 1).

    Adjusted working weekend days count; holidays and ordinary weekend days do
    not. Provisional if any day from ``start + 1`` to the result lies in a year
    without official data.
    """
    _check_date(start, "start")
    remaining = _check_count(n)
    calendar = _current()
    years = calendar.years
    day, provisional = start, False
    while remaining:
        day += ONE_DAY
        if day.year not in years:
            provisional = True
        if calendar.working(day):
            remaining -= 1
    return Deadline(day, provisional)


def add_days(start: date, n: int) -> Deadline:
    """The last day of a period of ``n`` natural days after ``start`` (民法典 201, 203; n >= 1).

    The period starts the day after ``start``, so its last day is ``start + n``;
    if that is a rest day (a statutory holiday, or a weekend day that is not an
    adjusted working day) the period ends on the first working day after it.
    Provisional if the last day, or any rest day it is carried over, lies in a
    year without official data.
    """
    _check_date(start, "start")
    calendar = _current()
    years = calendar.years
    day = start + timedelta(days=_check_count(n))
    provisional = day.year not in years
    while not calendar.working(day):
        day += ONE_DAY
        if day.year not in years:
            provisional = True
    return Deadline(day, provisional)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), the month's last day when it has none."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
