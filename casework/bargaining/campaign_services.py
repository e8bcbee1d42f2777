"""Starting a district's bargaining campaign (集中要约; docs/bargaining.md,
"Campaigns").

A district caseworker chooses the enterprises (``campaign_selection``) and
the day the district's offers were served. Everything is checked before
anything is written; then, in one transaction, the campaign, one case per
enterprise already in ``offer_served`` (the district served the offer on
the workers' behalf, so the employer's 20 days to answer run from that day),
one ledger entry for the campaign and one per case, and one notification
per case to the enterprise's chair(s). Enterprises that already bargain are
skipped and listed on the campaign; only when none remains is the whole
campaign refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.bargaining.campaign_selection import (
    Chosen,
    Listed,
    enterprises_listed,
    enterprises_under,
)
from casework.bargaining.campaigns import Campaign
from casework.bargaining.choices import Side, State
from casework.bargaining.models import BargainingCase
from casework.bargaining.opening import bargaining_cases_open_many, open_cases_of
from casework.bargaining.transitions import PERIODS
from casework.cases import data as d
from casework.cases.services import case_subject
from casework.errors import RuleViolation
from casework.ledger.services import ledger_append
from casework.org.models import Membership, Unit, UnitKind
from notifications.services import Announcement, outbox_queue_many
from permissions.access import acting_as
from permissions.roles import DISTRICT_CASEWORKER, ENTERPRISE_CHAIR

# Who starts a campaign: the district federation's caseworkers (case.file at the district).
CAMPAIGN_ROLES = frozenset({DISTRICT_CASEWORKER})
SKIP_REASONS = {
    "already_open": _l("已有进行中的集体协商或在履行的集体合同"),
    "no_workers": _l("登记册中没有该单位的会员，名单也未给出覆盖职工人数"),
}


def _served(value: date | str, today: date) -> date:
    served = d.day({"offer_served_on": value}, "offer_served_on", _l("要约送达日期"), not_after=today)
    assert served is not None  # required
    return served


def _year(value: int | str | None, served: date) -> int:
    if value in (None, ""):
        return served.year
    year = d.whole({"year": value}, "year", _l("年度"))
    if abs(year - served.year) > 1:
        raise RuleViolation(
            _("年度：应为要约送达日期所在年度或其前后一年。"), code="bargaining.campaign_year", field="year"
        )
    return year


def _chosen(
    *,
    district: Unit,
    subtree: Unit | None,
    kinds: Sequence[str] | None,
    min_workers: int | str | None,
    listed: Sequence[Listed] | None,
) -> tuple[list[Chosen], dict[str, Any], str]:
    """The enterprises, how they were chosen (kept on the campaign), and the field a refusal names."""
    if listed is not None:
        if subtree is not None or min_workers not in (None, ""):
            raise RuleViolation(
                _("名单：按名单发起时不再按范围和人数选取。"), code="bargaining.campaign_two_selections", field="units"
            )
        return enterprises_listed(district=district, listed=listed), {"list": len(listed)}, "units"
    subtree = subtree or district
    kinds = [str(kind) for kind in kinds] if kinds else [str(UnitKind.ENTERPRISE)]
    chosen = enterprises_under(district=district, subtree=subtree, kinds=kinds, min_workers=min_workers)
    least = None if min_workers in (None, "") else int(str(min_workers))  # a whole number: checked above
    return chosen, {"subtree": subtree.code, "kinds": kinds, "min_workers": least}, "subtree"


def _chairs(unit_ids: Sequence[int]) -> dict[int, list[User]]:
    """Each enterprise's current union chair(s): one query."""
    chairs: dict[int, list[User]] = defaultdict(list)
    for membership in (
        Membership.objects.current().filter(role=ENTERPRISE_CHAIR, unit_id__in=unit_ids).select_related("user")
    ):
        chairs[membership.unit_id].append(membership.user)
    return chairs


def _skip(chosen: Chosen, reason: str, case: BargainingCase | None = None) -> dict[str, Any]:
    return {
        "unit": chosen.unit.pk,
        "code": chosen.unit.code,
        "name": chosen.unit.name,
        "reason": reason,
        "case": case.pk if case is not None else None,
        "number": case.number if case is not None else "",
    }


def campaign_start(
    *,
    district: Unit,
    name: str,
    offer_served_on: date | str,
    by: User,
    year: int | str | None = None,
    subtree: Unit | None = None,
    kinds: Sequence[str] | None = None,
    min_workers: int | str | None = None,
    listed: Sequence[Listed] | None = None,
    today: date | None = None,
) -> Campaign:
    """Start ``district``'s campaign: the enterprises under ``subtree`` (the
    district by default) of ``kinds`` (enterprises by default) with at
    least ``min_workers`` registered members, or those ``listed``; each
    gets a bargaining case with the district's offer served on
    ``offer_served_on`` and its workers covered (the list's number, else
    its registered members). Refused whole (``RuleViolation`` naming the
    field, ``LineErrors`` naming the list's lines) with nothing written;
    the enterprises skipped are on ``campaign.skipped``."""
    today = today or timezone.localdate()
    acting = acting_as(by, "case.file", district, roles=CAMPAIGN_ROLES)  # first: a refusal reveals nothing else
    if district.kind != UnitKind.DISTRICT:
        raise RuleViolation(
            _("区总工会：集中要约由区总工会发起。"), code="bargaining.campaign_not_district", field="district"
        )
    name = d.text({"name": name}, "name", _l("活动名称"), max_length=100)
    served = _served(offer_served_on, today)
    campaign_year = _year(year, served)
    chosen, selection, field = _chosen(
        district=district, subtree=subtree, kinds=kinds, min_workers=min_workers, listed=listed
    )
    if not chosen:
        raise RuleViolation(
            _("企业：所选范围内没有符合条件的基层工会。"), code="bargaining.campaign_no_enterprises", field=field
        )
    # The reply period's setting (20 days, or the district's own): missing, it refuses here.
    due = PERIODS[State.OFFER_SERVED].due(BargainingCase(unit=chosen[0].unit, offer_served_on=served), today)
    with transaction.atomic():
        # One open case per enterprise, even racing a chair opening one: the units' rows, in id order.
        ids = [c.unit.pk for c in chosen]
        locked = {unit.pk: unit for unit in Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
        existing = open_cases_of(ids)
        openings: list[tuple[Unit, int]] = []
        skipped: list[dict[str, Any]] = []
        for c in chosen:
            if c.unit.pk in existing:
                skipped.append(_skip(c, "already_open", existing[c.unit.pk]))
            elif c.covered < 1:
                skipped.append(_skip(c, "no_workers"))
            else:
                openings.append((locked[c.unit.pk], c.covered))
        if not openings:
            raise RuleViolation(
                _("企业：所选的%(n)d家企业都已有进行中的集体协商或无法确定覆盖职工人数，集中要约未发起。")
                % {"n": len(chosen)},
                code="bargaining.campaign_nothing_to_start",
                field=field,
            )
        campaign = Campaign.objects.create(
            district=district,
            name=name,
            year=campaign_year,
            offer_served_on=served,
            selection=selection,
            skipped=skipped,
            created_by=by,
        )
        ledger_append(
            action="bargaining.campaign_started",
            subject=campaign,
            subject_unit=district,
            payload={
                "name": name,
                "year": campaign_year,
                "offer_served_on": served,
                "offered_by": Side.UNION,
                "selection": selection,
                "cases": len(openings),
                "skipped": [{"code": s["code"], "reason": s["reason"]} for s in skipped],
            },
            **acting,
        )
        cases = bargaining_cases_open_many(
            openings=openings,
            by=by,
            acting=acting,
            today=today,
            state=State.OFFER_SERVED,
            payload={"campaign": campaign.pk, "offered_by": Side.UNION, "offer_served_on": served},
            campaign=campaign,
            offered_by=Side.UNION,
            offer_served_on=served,
        )
        chairs = _chairs([unit.pk for unit, _covered in openings])
        outbox_queue_many(
            Announcement(
                event="bargaining.campaign_opened",
                subject=case_subject(case),
                recipients=chairs.get(case.unit_id, []),
                payload={
                    "number": case.number,
                    "campaign": name,
                    "served_on": served,
                    "due": due.date if due is not None else None,
                },
            )
            for case in cases
        )
    return campaign
