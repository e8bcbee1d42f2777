"""The year's figures, computed from the records, never typed in.

A figure is declared once (``Figure``): its key, label, measure, the
records behind it for a window (a unit subtree and a period, already
scoped to the user) and how its value aggregates them. The same queryset
gives the number and, on the records page, the list behind it, so a
figure and its list can never disagree. A figure with ``group`` is
broken down (by type, by street …) with one grouped aggregate. Values are
SQL aggregates: no Python loop over cases (issue 12's city preset).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Model, QuerySet
from django.utils.functional import Promise

from casework.accounts.models import User
from casework.org.models import Unit
from casework.web.params import day_start
from permissions.access import scope


class Measure:
    COUNT = "count"  # records or events
    PEOPLE = "people"
    YUAN = "yuan"
    SHARE = "share"  # 0..1, shown as a percentage
    DAYS = "days"


@dataclass(frozen=True)
class Window:
    """Whose figures: ``unit`` and everything under it, the days from
    ``date_from`` to ``date_to`` (both included, Asia/Shanghai), as
    ``user`` sees them."""

    user: User
    unit: Unit
    date_from: date
    date_to: date

    @property
    def start(self) -> datetime:
        return day_start(self.date_from)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return day_start(self.date_to + timedelta(days=1))

    def within(self, field_name: str) -> dict[str, Any]:
        """Lookups for a date or datetime field falling in the period."""
        return {f"{field_name}__gte": self.date_from, f"{field_name}__lte": self.date_to}

    def moments(self, field_name: str) -> dict[str, Any]:
        """Lookups for a datetime field falling in the period."""
        return {f"{field_name}__gte": self.start, f"{field_name}__lt": self.end}

    def scoped(self, queryset: QuerySet[Any], unit_path: str, action: str | None = None) -> QuerySet[Any]:
        """``queryset`` in the user's scope, placed under the window's unit by ``unit_path`` (a lookup)."""
        return scope(self.user, queryset.filter(**{f"{unit_path}__startswith": self.unit.path}), action)


Value = int | Decimal | None


def count(records: QuerySet[Any], window: Window) -> Value:
    return records.count()


@dataclass(frozen=True)
class Figure:
    key: str  # "<section>.<name>"
    label: str | Promise
    measure: str
    records: Callable[[Window], QuerySet[Any]]
    value: Callable[[QuerySet[Any], Window], Value] = count
    # A breakdown: the lookup to group by, its aggregate, and the group's label.
    group: str = ""
    group_value: Any = field(default_factory=lambda: Count("pk"))
    group_label: Callable[[Any], str] = str
    # For the dashboard's charts: the date that places a record in the period
    # (trend by month) and the lookup of its unit's path (comparison of the
    # units under the window's); a figure without them has no chart.
    dated: str = ""
    placed: str = ""

    @property
    def section(self) -> str:
        return self.key.partition(".")[0]


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    figures: list[Figure] = field(default_factory=list)


SECTIONS: dict[str, Section] = {}
# The seed's order: hardship help, its funds, wage bargaining, legal service, honours, the work itself.
SECTION_ORDER = ("hardship", "assistance", "bargaining", "legalaid", "outreach", "honours", "work")
FIGURES: dict[str, Figure] = {}


def section(key: str, title: str | Promise) -> Section:
    """Declare a section (the seed's chapters, in the order declared)."""
    SECTIONS[key] = Section(key, title)
    return SECTIONS[key]


def figure(*args: Any, **kwargs: Any) -> Figure:
    """Declare a figure in its section."""
    declared = Figure(*args, **kwargs)
    if declared.key in FIGURES:
        raise ValueError(f"figure {declared.key} declared twice")
    FIGURES[declared.key] = declared
    SECTIONS[declared.section].figures.append(declared)
    return declared


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    value: Value


@dataclass(frozen=True)
class Computed:
    figure: Figure
    value: Value
    groups: tuple[Group, ...] = ()


def figure_compute(spec: Figure, window: Window) -> Computed:
    """One figure's value (and its breakdown) for ``window``."""
    records = spec.records(window)
    groups: tuple[Group, ...] = ()
    if spec.group:
        rows = records.order_by().values(spec.group).annotate(v=spec.group_value).order_by(spec.group)
        groups = tuple(Group(str(row[spec.group]), spec.group_label(row[spec.group]), row["v"]) for row in rows)
        if spec.value is count and _counts_rows(spec.group_value):
            # The groups partition the records: their sum is the count, one
            # scan fewer (a district's open steps at a city's size: 0.3 s).
            return Computed(spec, sum(int(group.value or 0) for group in groups), groups)
    return Computed(spec, spec.value(records, window), groups)


def _counts_rows(aggregate: Any) -> bool:
    """Whether a breakdown's aggregate is the plain row count ``Count("pk")``."""
    if not isinstance(aggregate, Count) or getattr(aggregate, "distinct", True) or aggregate.filter is not None:
        return False
    sources = [e for e in aggregate.get_source_expressions() if e is not None]  # [expression, filter]
    return [getattr(e, "name", None) for e in sources] == ["pk"]


def figures_compute(window: Window, sections: Iterable[str] | None = None) -> list[tuple[Section, list[Computed]]]:
    """Every figure of the chosen sections (all by default), section by section."""
    ordered = sorted(SECTIONS, key=lambda key: SECTION_ORDER.index(key) if key in SECTION_ORDER else len(SECTION_ORDER))
    chosen = ordered if sections is None else [key for key in ordered if key in set(sections)]
    return [(SECTIONS[key], [figure_compute(spec, window) for spec in SECTIONS[key].figures]) for key in chosen]


def share(part: Value, whole: Value) -> Decimal | None:
    """``part`` of ``whole`` to four places; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(Decimal("0.0001"))


def records_of(model: type[Model]) -> QuerySet[Any]:
    return model._default_manager.all()
