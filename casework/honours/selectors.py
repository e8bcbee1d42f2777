"""Reads of honours: the campaigns a user sees or may nominate in, a
campaign's figures (places used per street, the composition of its list),
its nominations, the list for publication, and the checks of a nomination
as a reviewer sees them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet

from casework.accounts.models import User
from casework.honours.checks import CHECKS, Share, composition_shares, nominee_of
from casework.honours.choices import APPROVED_STATES, ON_THE_LIST, OUT_OF_RUNNING
from casework.honours.models import Campaign, HonourNomination
from casework.org.models import Unit
from permissions.access import can, scope


def campaigns_seen(user: User) -> QuerySet[Campaign]:
    """The campaigns in the user's scope (placed at their district), newest first."""
    return scope(user, Campaign.objects.select_related("district", "honour_type")).order_by("-year", "-pk")


def campaigns_open_to(user: User, today: date) -> list[tuple[Campaign, list[Unit]]]:
    """The open campaigns the user may nominate in, each with the units
    they may nominate for (grass-roots units in their scope under the
    campaign's district)."""
    from casework.honours.transitions import UNIT_RECORDERS

    units = [
        u
        for u in scope(user, Unit.objects.filter(closed_on=None, kind__in=["enterprise", "institution"]), "case.file")
        if can(user, "case.file", u, roles=UNIT_RECORDERS)
    ]
    if not units:
        return []
    open_now = Campaign.objects.filter(nominations_close_on__gte=today).select_related("district", "honour_type")
    found = []
    for campaign in open_now.order_by("nominations_close_on", "pk"):
        mine = [u for u in units if u.path.startswith(campaign.district.path)]
        if mine:
            found.append((campaign, mine))
    return found


@dataclass(frozen=True)
class QuotaUse:
    unit: Unit
    places: int
    in_running: int  # nominations not yet out of the running
    on_list: int  # selected by the committee or further
    approved: int

    @property
    def full(self) -> bool:
        return self.in_running >= self.places


@dataclass(frozen=True)
class CampaignSummary:
    quotas: list[QuotaUse]
    shares: list[Share]
    by_state: list[tuple[str, str, int]]  # state, label, count
    total: int


def campaign_summary(campaign: Campaign) -> CampaignSummary:
    """Places used per street and the composition of the list: three queries."""
    from casework.honours.choices import State

    counts = Counter[tuple[str, str]]()
    for row in (
        HonourNomination.objects.filter(campaign=campaign)
        .values("unit_path", "state")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[(row["unit_path"], row["state"])] += row["n"]
    quotas = []
    for quota in campaign.quotas.select_related("unit").order_by("unit__path"):
        mine = {k: n for k, n in counts.items() if k[0].startswith(quota.unit.path)}
        quotas.append(
            QuotaUse(
                unit=quota.unit,
                places=quota.places,
                in_running=sum(n for (_p, s), n in mine.items() if s not in OUT_OF_RUNNING),
                on_list=sum(n for (_p, s), n in mine.items() if s in ON_THE_LIST),
                approved=sum(n for (_p, s), n in mine.items() if s in APPROVED_STATES),
            )
        )
    per_state = Counter[str]()
    for (_path, state), n in counts.items():
        per_state[state] += n
    labels = dict(State.choices)
    by_state = [(s, str(labels[s]), per_state[s]) for s in State.values if per_state[s]]
    return CampaignSummary(quotas, composition_shares(campaign), by_state, sum(per_state.values()))


def campaign_nominations(user: User, campaign: Campaign, state: str | None = None) -> QuerySet[HonourNomination]:
    """The campaign's nominations in the user's scope, by unit."""
    found = HonourNomination.objects.filter(campaign=campaign)
    if state:
        found = found.filter(state=state)
    return scope(user, found.select_related("unit", "person")).order_by("unit_path", "pk")


def publication_list(user: User, campaign: Campaign) -> QuerySet[HonourNomination]:
    """The approved list (approved, recommended, awarded, published) for publication."""
    return campaign_nominations(user, campaign).filter(state__in=APPROVED_STATES)


@dataclass(frozen=True)
class CheckResult:
    label: str
    source: str
    finding: str | None


def nomination_checks(case: HonourNomination, today: date) -> list[CheckResult]:
    """Each automatic check of the nomination now, with what it found."""
    nominee = nominee_of(case, today)
    return [CheckResult(str(c.label), str(c.source), c.finding(nominee)) for c in CHECKS]


def vote_tally(case: HonourNomination) -> dict[str, Any]:
    from casework.honours.transitions import tally

    members, voted, yes = tally(case)
    votes = Counter(case.votes.values_list("vote", flat=True))
    return {"members": members, "voted": voted, "yes": yes, "no": votes["no"], "abstain": votes["abstain"]}
