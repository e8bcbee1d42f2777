"""Reading campaigns: the list, one campaign's figures, its cases.

Every function takes the user and starts from ``scope``; each costs the
same few queries whatever the number of enterprises (the counts are
aggregated by the database, the streets grouped by the prefix of the case's
unit path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from casework.accounts.models import User
from casework.bargaining.campaign_services import CAMPAIGN_ROLES
from casework.bargaining.campaigns import Campaign
from casework.bargaining.choices import IN_FORCE_STATES, State
from casework.bargaining.models import BargainingCase
from casework.deadlines.selectors import case_due, case_overdue, case_overdue_shown
from casework.org.models import PATH_SEGMENT_WIDTH, Unit, UnitKind
from permissions.access import can, scope
from permissions.roles import GRASS_ROOTS

# The agreement was signed by both chiefs: filed, under review, in force, or over since.
SIGNED_STATES = (
    State.FILING,
    State.UNDER_REVIEW,
    State.EFFECTIVE,
    State.PUBLISHED,
    State.RENEWAL,
    State.RENEWED,
    State.EXPIRED,
)


def campaigns(user: User) -> QuerySet[Campaign]:
    """The campaigns the user sees, newest first, each with its number of
    cases, signed and in force (one query per page)."""
    return (
        scope(user, Campaign.objects.all())
        .select_related("district", "created_by")
        .annotate(
            total=Count("cases"),
            signed=Count("cases", filter=Q(cases__state__in=SIGNED_STATES)),
            effective=Count("cases", filter=Q(cases__state__in=IN_FORCE_STATES)),
        )
        .order_by("-created_at", "-pk")
    )


def campaign_cases(user: User, campaign: Campaign) -> QuerySet[BargainingCase]:
    """The campaign's cases the user sees."""
    return scope(user, BargainingCase.objects.filter(campaign=campaign))


def _reply_overdue(today: date) -> Q:
    """The case waits for the employer's answer past the period's last day (32)."""
    return Q(state=State.OFFER_SERVED) & Q(case_overdue(today))


def rate(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent, one decimal; None of nothing."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class StateCount:
    state: str
    label: str
    cases: int
    workers_covered: int


@dataclass
class StreetRow:
    """The cases under one street or park (or directly under the district)."""

    unit: Unit | None  # None: enterprises directly under the district
    cases: int
    signed: int
    effective: int
    workers_covered: int
    workers_in_force: int

    @property
    def signing_rate(self) -> Decimal | None:
        return rate(self.signed, self.cases)


@dataclass
class CampaignSummary:
    campaign: Campaign
    by_state: list[StateCount]
    total: int
    replies_overdue: int
    no_reply: int  # the period passed without an answer: the bureau was asked to coordinate
    signed: int
    effective: int
    workers_covered: int
    workers_in_force: int
    streets: list[StreetRow] = field(default_factory=list)

    @property
    def signing_rate(self) -> Decimal | None:
        return rate(self.signed, self.total)

    @property
    def effective_rate(self) -> Decimal | None:
        return rate(self.effective, self.total)


def _sum(name: str, **condition: Any) -> Coalesce:
    q = Q(**condition) if condition else None
    return Coalesce(Sum(name, filter=q), Value(0), output_field=IntegerField())


def campaign_summary(user: User, campaign: Campaign, today: date | None = None) -> CampaignSummary:
    """The campaign's figures over the cases the user sees: by state, replies
    overdue, signed, in force, workers covered (all, and in force), and the
    same per street with its signing rate. Three queries, and scope's one."""
    today = today or timezone.localdate()
    cases = campaign_cases(user, campaign)
    rows = (
        cases.order_by()
        .values("state")
        .annotate(
            n=Count("pk"),
            workers=_sum("workers_covered"),
            overdue=Count("pk", filter=_reply_overdue(today)),
            no_reply=Count("pk", filter=Q(reply="", coordination_requested_on__isnull=False)),
        )
    )
    counts = {row["state"]: row for row in rows}
    by_state = [
        StateCount(state.value, str(state.label), counts[state]["n"], counts[state]["workers"])
        for state in State
        if state in counts
    ]
    in_force = [counts[s] for s in IN_FORCE_STATES if s in counts]
    summary = CampaignSummary(
        campaign=campaign,
        by_state=by_state,
        total=sum(row["n"] for row in counts.values()),
        replies_overdue=sum(row["overdue"] for row in counts.values()),
        no_reply=sum(row["no_reply"] for row in counts.values()),
        signed=sum(counts[s]["n"] for s in SIGNED_STATES if s in counts),
        effective=sum(row["n"] for row in in_force),
        workers_covered=sum(row["workers"] for row in counts.values()),
        workers_in_force=sum(row["workers"] for row in in_force),
    )
    summary.streets = campaign_streets(cases, campaign)
    return summary


def street_prefix_length(campaign: Campaign) -> int:
    """Characters of a unit path that name the street or park under the campaign's district."""
    return len(campaign.district.path) + PATH_SEGMENT_WIDTH + 1


def campaign_streets(cases: QuerySet[BargainingCase], campaign: Campaign) -> list[StreetRow]:
    """Per street or park (the first unit under the district on the case's
    unit path; an enterprise directly under the district counts alone as
    "directly under"): cases, signed, in force, workers. Two queries."""
    length = street_prefix_length(campaign)
    grouped = (
        cases.order_by()
        .annotate(street=Substr("unit_path", 1, length))
        .values("street")
        .annotate(
            n=Count("pk"),
            signed=Count("pk", filter=Q(state__in=SIGNED_STATES)),
            effective=Count("pk", filter=Q(state__in=IN_FORCE_STATES)),
            workers=_sum("workers_covered"),
            workers_in_force=_sum("workers_covered", state__in=IN_FORCE_STATES),
        )
    )
    rows = list(grouped)
    units = {unit.path: unit for unit in Unit.objects.filter(path__in=[row["street"] for row in rows])}
    streets: dict[int | None, StreetRow] = {}
    for row in rows:
        unit = units.get(row["street"])
        key = None if unit is None or unit.kind in GRASS_ROOTS else unit.pk
        line = streets.setdefault(key, StreetRow(None if key is None else unit, 0, 0, 0, 0, 0))
        line.cases += row["n"]
        line.signed += row["signed"]
        line.effective += row["effective"]
        line.workers_covered += row["workers"]
        line.workers_in_force += row["workers_in_force"]
    return sorted(streets.values(), key=lambda s: (s.unit is None, s.unit.path if s.unit else ""))


def campaign_case_rows(
    user: User, campaign: Campaign, *, state: str | None = None, overdue: bool = False, today: date | None = None
) -> QuerySet[BargainingCase]:
    """The campaign's cases with their enterprise, whether the answer is
    overdue and the open step's due date, in tree order: one query (a page)."""
    today = today or timezone.localdate()
    rows = (
        campaign_cases(user, campaign)
        .select_related("unit")
        .annotate(overdue=case_overdue_shown(today), due=case_due())
        .order_by("unit_path", "pk")
    )
    if state:
        rows = rows.filter(state=state)
    if overdue:
        rows = rows.filter(_reply_overdue(today))
    return rows


def street_names(campaign: Campaign, paths: list[str]) -> dict[str, str]:
    """Each of these case unit paths → the name of its street or park; a
    path directly under the district has none (one query)."""
    length = street_prefix_length(campaign)
    prefixes = {path[:length] for path in paths}
    streets = {
        unit.path: unit.name
        for unit in Unit.objects.filter(path__in=prefixes).exclude(kind__in=GRASS_ROOTS).only("path", "name")
    }
    return {path: streets[path[:length]] for path in paths if path[:length] in streets}


def start_districts(user: User) -> list[Unit]:
    """The districts where ``user`` may start a campaign (a district caseworker's, or those under their city)."""
    districts = scope(user, Unit.objects.filter(kind=UnitKind.DISTRICT).active(), "case.file").order_by("path")
    return [unit for unit in districts if can(user, "case.file", unit, roles=CAMPAIGN_ROLES)]
