"""How a figure's value reads: counts grouped by thousands, yuan to the
fen, shares as percentages, days to a tenth."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from casework.reports.figures import Measure

register = template.Library()


@register.filter
def figure_value(value: Any, measure: str) -> str:
    if value is None:
        return "—"
    number = Decimal(value)
    if measure == Measure.SHARE:
        return f"{number * 100:,.1f}%"
    if measure == Measure.YUAN:
        return f"{number:,.2f}"
    if measure == Measure.DAYS:
        return f"{number:,.1f}"
    return f"{number:,.0f}"


@register.filter
def multiply(value: Any, factor: Any) -> int:
    """For the SVG's size in the page: its units times a scale."""
    return int(value) * int(factor)
