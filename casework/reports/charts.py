"""The dashboard's charts: a figure's trend by month and its comparison
across the units right under the window's (the district's streets side by
side, a street's enterprises). Each is one grouped aggregate over the
figure's own records, drawn server-side as SVG bars with its table beside
it; no script, no CDN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext_lazy as _

from casework.org.models import PATH_SEGMENT_WIDTH, Unit
from casework.reports.figures import Figure, Value, Window

BAR_WIDTH = 100  # the longest bar, in the SVG's units


@dataclass(frozen=True)
class Bar:
    label: str
    value: Value
    length: int  # 0..BAR_WIDTH


@dataclass(frozen=True)
class Chart:
    figure: Figure
    title: Any
    bars: tuple[Bar, ...]
    by_month: bool = False

    @property
    def height(self) -> int:
        return 18 * len(self.bars)

    def rows(self) -> list[tuple[int, Bar]]:
        """Each bar with its vertical position."""
        return [(18 * i, bar) for i, bar in enumerate(self.bars)]


def _bars(pairs: list[tuple[str, Value]]) -> tuple[Bar, ...]:
    top = max((Decimal(v or 0) for _label, v in pairs), default=Decimal(0))
    return tuple(Bar(label, value, int(Decimal(value or 0) * BAR_WIDTH / top) if top else 0) for label, value in pairs)


def _months(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def by_month(spec: Figure, window: Window) -> Chart | None:
    """The figure month by month over the window's period (empty months at 0)."""
    if not spec.dated:
        return None
    rows = (
        spec.records(window)
        .order_by()
        .annotate(month=TruncMonth(spec.dated))
        .values("month")
        .annotate(v=spec.group_value)
    )
    found = {(row["month"].year, row["month"].month): row["v"] for row in rows if row["month"] is not None}
    pairs = [(f"{m:%Y-%m}", found.get((m.year, m.month), 0)) for m in _months(window.date_from, window.date_to)]
    return Chart(spec, _("按月趋势"), _bars(pairs), by_month=True)


def by_unit(spec: Figure, window: Window) -> Chart | None:
    """The figure for each unit right under the window's (records of the
    window's own unit are its own bar)."""
    if not spec.placed:
        return None
    length = 1 + (PATH_SEGMENT_WIDTH + 1) * (window.unit.depth + 2)
    rows = (
        spec.records(window)
        .order_by()
        .annotate(child=Substr(F(spec.placed), 1, length))
        .values("child")
        .annotate(v=spec.group_value)
    )
    found = {row["child"]: row["v"] for row in rows}
    children = Unit.objects.filter(path__in=[p for p in found if len(p) == length]).order_by("path")
    pairs = [(unit.name, found[unit.path]) for unit in children]
    own = sum((Decimal(v or 0) for p, v in found.items() if len(p) < length), Decimal(0))
    if own:
        pairs.insert(0, (window.unit.name, own))
    return Chart(spec, _("各下级单位对比"), _bars(pairs))


def dashboard_charts(window: Window, figures: list[Figure]) -> list[tuple[Figure, list[Chart]]]:
    """Each charted figure with its charts."""
    found = []
    for spec in figures:
        charts = [c for c in (by_unit(spec, window), by_month(spec, window)) if c is not None]
        if charts:
            found.append((spec, charts))
    return found
