"""The automatic checks of a nomination (domain.md §4), each a named rule
with the records it reads: wage arrears at the unit in the campaign's year,
a serious safety accident at the unit in the configured years, the same
honour held within the configured years, the street's quota. Run when the
unit nominates, again at the street's review and before the district
approves; the composition of the whole list is checked before approval.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.calendar.days import add_months
from casework.district.selectors import setting_value
from casework.errors import RuleViolation
from casework.honours.choices import (
    APPROVED_STATES,
    LEVEL_ORDER,
    ON_THE_LIST,
    OUT_OF_RUNNING,
    Category,
    Group,
    Level,
    Ownership,
)
from casework.honours.models import Campaign, HonourHeld, HonourNomination, Quota, SafetyAccident, WageArrears
from casework.org.models import Unit
from casework.people.models import Person


@dataclass(frozen=True)
class Nominee:
    """Who is checked: the campaign, the unit (the nominee's or the unit
    nominated), the person (none for a unit honour), the nomination itself
    once it exists (not counted against itself), and the day of the check."""

    campaign: Campaign
    unit: Unit
    person: Person | None
    today: date
    nomination_id: int | None = None


@dataclass(frozen=True)
class Check:
    code: str
    label: Promise
    source: Promise  # where its data comes from
    field: str
    finding: Callable[[Nominee], str | None]  # what excludes the nominee, or None


def _arrears(n: Nominee) -> str | None:
    found = WageArrears.objects.filter(unit=n.unit, found_on__year=n.campaign.year).order_by("found_on").first()
    if found is None:
        return None
    return _("%(unit)s在%(year)d年有欠薪记录（%(day)s，%(source)s），本年度不得推荐。") % {
        "unit": n.unit.name,
        "year": n.campaign.year,
        "day": found.found_on.isoformat(),
        "source": found.source,
    }


def _accident(n: Nominee) -> str | None:
    years = int(setting_value(n.unit, "honours.accident_years", on=n.today))
    since = add_months(n.today, -12 * years)
    found = (
        SafetyAccident.objects.filter(unit=n.unit, serious=True, occurred_on__gt=since).order_by("-occurred_on").first()
    )
    if found is None:
        return None
    return _("%(unit)s近%(years)d年内发生较大及以上安全生产事故（%(day)s，%(source)s），不得推荐。") % {
        "unit": n.unit.name,
        "years": years,
        "day": found.occurred_on.isoformat(),
        "source": found.source,
    }


def _held(n: Nominee) -> str | None:
    years = int(setting_value(n.unit, "honours.repeat_years", on=n.today))
    holder = Q(person=n.person) if n.person is not None else Q(unit=n.unit, person=None)
    # The same honour at the campaign's level or above: a district's model worker may be recommended upward.
    levels = LEVEL_ORDER[LEVEL_ORDER.index(Level(n.campaign.level)) :]
    held = HonourHeld.objects.filter(
        holder,
        honour_type=n.campaign.honour_type,
        level__in=levels,
        revoked_on=None,
        awarded_on__year__gt=n.campaign.year - years,
    )
    if n.nomination_id is not None:
        held = held.exclude(nomination_id=n.nomination_id)
    found = held.order_by("-awarded_on").first()
    if found is None:
        return None
    return _("已于%(day)s获得%(honour)s（%(level)s，%(source)s），%(years)d年内不再推荐。") % {
        "day": found.awarded_on.isoformat(),
        "honour": n.campaign.honour_type.name,
        "level": found.get_level_display(),
        "source": found.source,
        "years": years,
    }


def quota_of(campaign: Campaign, unit_path: str) -> Quota | None:
    """The quota of the street or park the unit lies under, if it has one."""
    quotas = campaign.quotas.select_related("unit")
    return next((q for q in quotas if unit_path.startswith(q.unit.path)), None)


def _nominations_in(quota: Quota, n: Nominee, states: Any = None) -> int:
    found = HonourNomination.objects.filter(campaign=quota.campaign, unit_path__startswith=quota.unit.path)
    found = found.filter(state__in=states) if states is not None else found.exclude(state__in=OUT_OF_RUNNING)
    if n.nomination_id is not None:
        found = found.exclude(pk=n.nomination_id)
    return found.count()


def _quota(n: Nominee, states: Any = None) -> str | None:
    quota = quota_of(n.campaign, n.unit.path)
    if quota is None:
        return _("%(unit)s所在街道（园区）在本次评选中没有名额。") % {"unit": n.unit.name}
    used = _nominations_in(quota, n, states)
    if used + 1 > quota.places:
        return _("%(street)s名额%(places)d个，已用%(used)d个，名额已满。") % {
            "street": quota.unit.name,
            "places": quota.places,
            "used": used,
        }
    return None


ARREARS = Check("unit_wage_arrears", _l("单位当年有欠薪记录"), _l("欠薪记录（本系统登记）"), "unit", _arrears)
ACCIDENT = Check(
    "unit_serious_accident",
    _l("单位近年发生较大及以上安全生产事故"),
    _l("安全生产事故记录（本系统登记）"),
    "unit",
    _accident,
)
HELD = Check(
    "honour_held", _l("规定年限内已获同级或更高级别的同一荣誉"), _l("已获荣誉记录（本系统登记和授予）"), "person", _held
)


# At nomination and review: the nominations still in the running; before approval: those approved.
def _already(n: Nominee) -> str | None:
    found = HonourNomination.objects.filter(campaign=n.campaign).exclude(state__in=OUT_OF_RUNNING)
    found = found.filter(person=n.person) if n.person is not None else found.filter(unit=n.unit, person=None)
    if n.nomination_id is not None:
        found = found.exclude(pk=n.nomination_id)
    first = found.first()
    if first is None:
        return None
    return _("本次评选中已有对其的推荐（%(number)s）。") % {"number": first.number}


ALREADY = Check("already_nominated", _l("本次评选中已被推荐"), _l("本次评选的推荐记录"), "person", _already)
QUOTA = Check("street_quota_full", _l("街道（园区）名额已满"), _l("评选活动的名额分配"), "campaign", _quota)
QUOTA_AT_APPROVAL = Check(
    "street_quota_full",
    _l("街道（园区）名额已满"),
    _l("评选活动的名额分配"),
    "campaign",
    lambda n: _quota(n, APPROVED_STATES),
)
CHECKS = (ARREARS, ACCIDENT, HELD, ALREADY, QUOTA)
CHECKS_AT_APPROVAL = (ARREARS, ACCIDENT, HELD, ALREADY, QUOTA_AT_APPROVAL)


def checks_refusal(nominee: Nominee, checks: tuple[Check, ...] = CHECKS) -> RuleViolation | None:
    """The first check the nominee fails, as the refusal naming the rule and
    what was found; None when all pass."""
    for check in checks:
        finding = check.finding(nominee)
        if finding is not None:
            return RuleViolation(
                _("%(check)s：%(finding)s") % {"check": check.label, "finding": finding},
                code=f"honours.{check.code}",
                field=check.field,
                params={"check": check.code, "source": str(check.source)},
            )
    return None


def nominee_of(case: HonourNomination, today: date) -> Nominee:
    return Nominee(case.campaign, case.unit, case.person, today, case.pk)


# Group -> the condition on a nomination that puts it in the group.
GROUPS: dict[str, Q] = {
    Group.INDUSTRIAL_WORKER: Q(category=Category.INDUSTRIAL_WORKER),
    Group.FRONTLINE_TECHNICAL: Q(category=Category.FRONTLINE_TECHNICAL),
    Group.SCIENCE_EDUCATION: Q(category=Category.SCIENCE_EDUCATION),
    Group.MIGRANT_WORKER: Q(migrant_worker=True),
    Group.NON_PUBLIC: Q(ownership=Ownership.NON_PUBLIC),
}


@dataclass(frozen=True)
class Share:
    group: str
    label: str
    minimum: int  # percent
    count: int
    total: int

    @property
    def percent(self) -> float:
        return 100 * self.count / self.total if self.total else 0.0

    @property
    def met(self) -> bool:
        return self.count * 100 >= self.minimum * self.total


def composition_shares(campaign: Campaign, *, approving: Collection[int] | None = None) -> list[Share]:
    """Each composition rule of the campaign against its list: one
    aggregate query. By default the list is every nomination the committee
    selected (awaiting approval or beyond: what the campaign page shows);
    with ``approving``, the list as it would stand once those are approved —
    the ones approved already and those — which is what an approval checks."""
    if approving is None:
        listed = HonourNomination.objects.filter(campaign=campaign, state__in=ON_THE_LIST)
    else:
        listed = HonourNomination.objects.filter(
            Q(state__in=APPROVED_STATES) | Q(pk__in=list(approving)), campaign=campaign
        )
    rules = {group: int(minimum) for group, minimum in (campaign.composition or {}).items() if group in GROUPS}
    counts = listed.aggregate(total=Count("pk"), **{g: Count("pk", filter=GROUPS[g]) for g in rules})
    labels = dict(Group.choices)
    return [Share(g, str(labels[g]), m, counts[g], counts["total"]) for g, m in rules.items()]


def composition_refusal(campaign: Campaign, approving: Collection[int]) -> RuleViolation | None:
    """The first composition rule the approved list would fail once
    ``approving`` are approved, or None."""
    for share in composition_shares(campaign, approving=approving):
        if not share.met:
            return RuleViolation(
                _("名额结构：%(group)s应不少于%(minimum)d%%，名单%(total)d人中仅%(count)d人（%(percent).1f%%）。")
                % {
                    "group": share.label,
                    "minimum": share.minimum,
                    "total": share.total,
                    "count": share.count,
                    "percent": share.percent,
                },
                code="honours.composition_failed",
                field="composition",
                params={"group": share.group},
            )
    return None
