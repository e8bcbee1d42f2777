"""Reads of the outreach register, always from the user's scope: the events
(by year, unit subtree, topic), and the year's totals per organiser unit and
rolled up to each street or park — a fixed number of queries however many
events there are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from casework.org.models import Unit
from casework.outreach.models import OutreachEvent
from permissions.access import scope
from permissions.roles import MIDDLE


@dataclass(frozen=True)
class Total:
    """A unit's events and audience in a year (withdrawn events left out)."""

    unit_id: int
    code: str
    name: str
    path: str
    events: int
    audience: int


def outreach_events(
    user: Any,
    *,
    year: int | None = None,
    unit: int | None = None,
    topic: str = "",
    include_withdrawn: bool = False,
) -> QuerySet[OutreachEvent]:
    """Events in ``user``'s scope, newest first: held in ``year``, organised
    by ``unit`` or a unit under it, whose topic, place or partner contains ``topic``."""
    events = scope(user, OutreachEvent.objects.select_related("unit", "recorded_by"))
    if not include_withdrawn:
        events = events.filter(withdrawn_at__isnull=True)
    if year is not None:
        events = events.filter(held_on__year=year)
    if unit is not None:
        path = Unit.objects.filter(pk=unit).values_list("path", flat=True).first()
        events = events.filter(unit__path__startswith=path) if path else events.none()
    topic = topic.strip()
    if topic:
        events = events.filter(Q(topic__icontains=topic) | Q(place__icontains=topic) | Q(partner__icontains=topic))
    return events.order_by("-held_on", "-pk")


def totals_by_unit(user: Any, *, year: int, unit: int | None = None) -> list[Total]:
    """The year's events and audience per organiser unit in scope (under
    ``unit``, when given), in tree order: one grouped query."""
    rows = (
        outreach_events(user, year=year, unit=unit)
        .order_by()
        .values("unit", "unit__code", "unit__name", "unit__path")
        .annotate(events=Count("pk"), audience=Sum("audience"))
        .order_by("unit__path")
    )
    return [
        Total(r["unit"], r["unit__code"], r["unit__name"], r["unit__path"], r["events"], r["audience"] or 0)
        for r in rows
    ]


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def totals_by_street(totals: list[Total]) -> list[Total]:
    """``totals`` rolled up to the street or park each unit lies in (one
    query for those units); a unit above every street (the district) keeps its own row."""
    candidates = {prefix for total in totals for prefix in _prefixes(total.path)}
    middles = {
        u.path: u for u in Unit.objects.filter(kind__in=MIDDLE, path__in=candidates).only("pk", "code", "name", "path")
    }
    rolled: dict[str, list[Any]] = {}
    for total in totals:
        home = next((middles[p] for p in reversed(_prefixes(total.path)) if p in middles), None)
        key = home.path if home else total.path
        row = rolled.setdefault(
            key,
            [
                home.pk if home else total.unit_id,
                home.code if home else total.code,
                home.name if home else total.name,
                0,
                0,
            ],
        )
        row[3] += total.events
        row[4] += total.audience
    return [Total(r[0], r[1], r[2], path, r[3], r[4]) for path, r in sorted(rolled.items())]


def grand_total(totals: list[Total]) -> tuple[int, int]:
    return sum(t.events for t in totals), sum(t.audience for t in totals)
