"""A case's retention term (docs/retention.md): when it ended and how long
its file is kept.

A case has *ended* in the final states of its flow (a hardship record
exited or archived, rejected or withdrawn; the final states of the other
flows), on its exit date (hardship) or the day it was closed. It is kept
for the district's ``audit.retention_years``, never fewer than 10, from
that day: the longer of the value in force that day and the value in force
today, so a later change lengthens a term and never shortens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.bargaining.choices import FINAL_STATES as BARGAINING_FINAL
from casework.cases.models import Case, CaseType
from casework.cases.selectors import state_name
from casework.district.selectors import setting_value
from casework.errors import RuleViolation
from casework.hardship.choices import State as HardshipState
from casework.honours.choices import FINAL_STATES as HONOURS_FINAL
from casework.legalaid.choices import FINAL_STATES as LEGALAID_FINAL

SETTING = "audit.retention_years"
MIN_YEARS = 10  # 困难职工档案管理办法: 原始档案自撤档之日起保管10年 (a floor, not a local choice)
EXITED = (HardshipState.EXITED, HardshipState.ARCHIVED)
FINAL_STATES: dict[str, frozenset[str]] = {
    CaseType.HARDSHIP: frozenset({*EXITED, HardshipState.REJECTED, HardshipState.WITHDRAWN}),
    CaseType.BARGAINING: frozenset(BARGAINING_FINAL),
    CaseType.LEGAL_AID: frozenset(LEGALAID_FINAL),
    CaseType.HONOURS: frozenset(HONOURS_FINAL),
}


def ended_cases_condition(prefix: str = "") -> Q:
    """Cases in a final state of their flow (``prefix``: the lookup to the case)."""
    condition = Q(pk__in=[])
    for case_type, states in FINAL_STATES.items():
        condition |= Q(**{f"{prefix}case_type": case_type, f"{prefix}state__in": states})
    return condition


def cases_with_end(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """``queryset`` with what ``ended_on`` reads (a hardship exit date), in id order."""
    return queryset.select_related("unit").annotate(exited_on=F("hardshipcase__exited_on")).order_by("pk")


@dataclass(frozen=True)
class Term:
    """One case's retention term as the rule computes it today."""

    case: Case
    ended_on: date
    years: int
    retain_until: date

    def basis(self) -> dict[str, Any]:
        """The term without personal data, for the tombstone and the trail."""
        return {
            "case": self.case.pk,
            "type": self.case.case_type,
            "number": self.case.number,
            "state": self.case.state,
            "ended_on": self.ended_on.isoformat(),
            "years": self.years,
            "retain_until": self.retain_until.isoformat(),
        }


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def ended_on(case: Case) -> date | None:
    exited = getattr(case, "exited_on", None)
    if case.case_type == CaseType.HARDSHIP and case.state in EXITED and exited is not None:
        return exited
    return timezone.localdate(case.closed_at) if case.closed_at else None


class Terms:
    """Computes terms, reading each district's setting once per day asked."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._values: dict[tuple[int, date], int | None] = {}

    def _value(self, case: Case, day: date, *, required: bool) -> int | None:
        key = (case.unit_id, day)
        if key not in self._values:
            try:
                self._values[key] = int(setting_value(case.unit, SETTING, on=day))
            except RuleViolation:
                if required:
                    raise
                self._values[key] = None
        return self._values[key]

    def of(self, case: Case) -> Term:
        """The case's term; ``RuleViolation`` when it has not ended, its end
        date is unknown, or the district has no retention setting (fail
        closed: no term, no purge)."""
        if case.state not in FINAL_STATES.get(case.case_type, frozenset()):
            raise RuleViolation(
                _("保管期限：案件%(case)s尚未结束（当前状态：%(state)s），结束并保管期满后才能清除个人信息。")
                % {"case": case, "state": state_name(f"{case.case_type}.", case.state)},
                code="retention.case_open",
                field="person",
            )
        day = ended_on(case)
        if day is None:
            raise RuleViolation(
                _("保管期限：案件%(case)s没有结束日期，无法计算保管期限。") % {"case": case},
                code="retention.end_unknown",
                field="person",
            )
        now = self._value(case, self.today, required=True)
        then = self._value(case, day, required=False)
        years = max(MIN_YEARS, now or 0, then or 0)
        return Term(case, day, years, _years_later(day, years))
