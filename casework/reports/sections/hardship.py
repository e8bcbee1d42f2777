"""Hardship help (困难职工帮扶): records filed, on file, exited and why;
assistance paid by type and by paying unit; funds passed down to streets
and parks (下拨经费)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from casework.district.catalogue import ASSISTANCE_TYPES
from casework.hardship.assistance import Allocation, AssistancePayment, BudgetLine, PaymentState
from casework.hardship.choices import ExitReason
from casework.hardship.models import HardshipCase
from casework.reports.figures import Measure, Value, Window, figure, section, share

section("hardship", _("困难职工帮扶"))
section("assistance", _("帮扶资金"))


def _cases(window: Window) -> QuerySet[HardshipCase]:
    return window.scoped(HardshipCase.objects.all(), "unit_path")


def filed(window: Window) -> QuerySet[HardshipCase]:
    return _cases(window).filter(**window.within("filed_on"))


def on_file_at_end(window: Window) -> QuerySet[HardshipCase]:
    return (
        _cases(window)
        .filter(filed_on__lte=window.date_to)
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gt=window.date_to))
    )


def on_file_during(window: Window) -> QuerySet[HardshipCase]:
    return (
        _cases(window)
        .filter(filed_on__lte=window.date_to)
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=window.date_from))
    )


def exited(window: Window) -> QuerySet[HardshipCase]:
    return _cases(window).filter(**window.within("exited_on"))


def _exit_share(records: QuerySet[Any], window: Window) -> Value:
    return share(exited(window).count(), records.count())


def _reason(code: Any) -> str:
    return str(ExitReason(code).label) if code in ExitReason.values else str(code)


def paid(window: Window) -> QuerySet[AssistancePayment]:
    """Approved payments paid in the period to records of the subtree,
    whoever paid them (the breakdown by paying unit says who)."""
    payments = AssistancePayment.objects.filter(state=PaymentState.APPROVED, **window.within("paid_on"))
    return window.scoped(payments, "case__unit_path")


def _total(records: QuerySet[Any], window: Window) -> Value:
    return records.aggregate(total=Sum("amount"))["total"] or 0


def passed_down(window: Window) -> QuerySet[Allocation]:
    """Allocations received in the period by lines of units under the window's
    unit (not by the unit itself: what it passed down, not what it got)."""
    lines = window.scoped(BudgetLine.objects.exclude(unit=window.unit), "unit__path", "budget.view")
    return Allocation.objects.filter(to_line__in=lines, **window.moments("allocated_at"))


figure("hardship.filed", _("新建档困难职工"), Measure.COUNT, filed, dated="filed_on", placed="unit_path")
figure("hardship.on_file", _("期末在档困难职工"), Measure.COUNT, on_file_at_end, placed="unit_path")
figure(
    "hardship.exited",
    _("退档（脱困等）"),
    Measure.COUNT,
    exited,
    group="exit_reason",
    group_label=_reason,
    dated="exited_on",
    placed="unit_path",
)
figure("hardship.exit_share", _("在档困难职工脱困退档比例"), Measure.SHARE, on_file_during, value=_exit_share)
figure(
    "assistance.paid_by_type",
    _("发放帮扶资金（按类型）"),
    Measure.YUAN,
    paid,
    value=_total,
    group="assistance_type",
    group_value=Sum("amount"),
    group_label=lambda code: str(ASSISTANCE_TYPES.get(code, code)),
    dated="paid_on",
    placed="case__unit_path",
)
figure(
    "assistance.paid_by_unit",
    _("发放帮扶资金（按发放单位）"),
    Measure.YUAN,
    paid,
    value=_total,
    group="budget_line__unit__name",
    group_value=Sum("amount"),
)
figure(
    "assistance.passed_down",
    _("下拨街道（园区）帮扶资金"),
    Measure.YUAN,
    passed_down,
    value=_total,
    group="to_line__unit__name",
    group_value=Sum("amount"),
    dated="allocated_at",
    placed="to_line__unit__path",
)
