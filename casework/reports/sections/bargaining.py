"""Wage bargaining (工资集体协商): the cases and where they stand, the
agreements that took effect and what they cover at the period's end, the
signing rate of the offers served, and the district's campaigns (集中要约).

Dates come from the case's own fields (offer served, reply, signing,
effect, expiry), so a past period reads as it was, not as the cases stand
today; only the breakdown by state is today's state.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from casework.bargaining.choices import State
from casework.bargaining.models import BargainingCase
from casework.reports.figures import Measure, Value, Window, figure, section, share

section("bargaining", _("工资集体协商"))


def _cases(window: Window) -> QuerySet[BargainingCase]:
    return window.scoped(BargainingCase.objects.all(), "unit_path")


def in_hand(window: Window) -> QuerySet[BargainingCase]:
    """Cases opened by the period's end and not ended before it began: the
    period's work, each counted in the state it is in now (a case that
    ended in an earlier year is no part of this period's work)."""
    return (
        _cases(window)
        .filter(opened_at__lt=window.end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=window.start))
    )


def _state(code: Any) -> str:
    return str(State(code).label) if code in State.values else str(code)


def took_effect(window: Window) -> QuerySet[BargainingCase]:
    """Agreements that took effect in the period (the bureau's approval, or
    the day after its review period: ``effective_on``)."""
    return _cases(window).filter(**window.within("effective_on"))


def in_force_at_end(window: Window) -> QuerySet[BargainingCase]:
    """The agreement binding each enterprise on the period's last day: in
    effect by then and not expired before it. A renewal in force by then
    replaces the agreement it renews, so an enterprise has one row and its
    workers are counted once."""
    return (
        _cases(window)
        .filter(effective_on__lte=window.date_to)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=window.date_to))
        .exclude(renewal__effective_on__lte=window.date_to)
    )


def _enterprises(records: QuerySet[Any], window: Window) -> Value:
    return records.aggregate(n=Count("unit", distinct=True))["n"]


def _workers(records: QuerySet[Any], window: Window) -> Value:
    return records.aggregate(n=Sum("workers_covered"))["n"] or 0


def offered(window: Window) -> QuerySet[BargainingCase]:
    """Cases whose offer (by either side, or by a campaign) was served in the period."""
    return _cases(window).filter(**window.within("offer_served_on"))


def _signing_rate(records: QuerySet[Any], window: Window) -> Value:
    """Enterprises whose case, offered in the period, was signed by both
    chiefs (``signed_on``, article 37) on or before the period's last day,
    divided by the enterprises with a case offered in the period. Both are
    counted in enterprises (distinct units), so an enterprise offered twice
    counts once, and signed when either case was; the signed are always
    among the offered, so the rate is never above one. The same "signed" as
    a campaign's page (filing and every state after it)."""
    counts = records.aggregate(
        offered=Count("unit", distinct=True),
        signed=Count("unit", distinct=True, filter=Q(signed_on__lte=window.date_to)),
    )
    return share(counts["signed"], counts["offered"])


def campaign_offered(window: Window) -> QuerySet[BargainingCase]:
    """The cases of the campaigns whose offers were served in the period: one per enterprise offered."""
    return _cases(window).filter(campaign__isnull=False, **window.within("campaign__offer_served_on"))


def campaign_answered(window: Window) -> QuerySet[BargainingCase]:
    """Of those, the enterprises that answered in writing (accepted or refused) by the period's end."""
    return campaign_offered(window).exclude(reply="").filter(replied_on__lte=window.date_to)


def campaign_signed(window: Window) -> QuerySet[BargainingCase]:
    """Of those, the enterprises whose agreement both chiefs signed by the period's end."""
    return campaign_offered(window).filter(signed_on__lte=window.date_to)


figure(
    "bargaining.by_state",
    _("工资集体协商（按当前状态）"),
    Measure.COUNT,
    in_hand,
    group="state",
    group_label=_state,
)
figure(
    "bargaining.took_effect",
    _("本期生效的工资集体协议"),
    Measure.COUNT,
    took_effect,
    dated="effective_on",
    placed="unit_path",
)
figure("bargaining.enterprises_covered", _("期末协议覆盖企业"), Measure.COUNT, in_force_at_end, value=_enterprises)
figure("bargaining.workers_covered", _("期末协议覆盖职工人数"), Measure.PEOPLE, in_force_at_end, value=_workers)
figure("bargaining.signing_rate", _("要约企业签订率"), Measure.SHARE, offered, value=_signing_rate)
figure(
    "bargaining.campaign_offered",
    _("集中要约企业（按活动）"),
    Measure.COUNT,
    campaign_offered,
    group="campaign__name",
)
figure(
    "bargaining.campaign_answered",
    _("集中要约书面回应企业（按活动）"),
    Measure.COUNT,
    campaign_answered,
    group="campaign__name",
)
figure(
    "bargaining.campaign_signed",
    _("集中要约签订企业（按活动）"),
    Measure.COUNT,
    campaign_signed,
    group="campaign__name",
)
