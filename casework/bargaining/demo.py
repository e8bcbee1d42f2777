"""Demo bargaining: the district's periods, the chairs linked to their
registry persons, this year's campaign (集中要约) with its enterprises at
every step from the employer's reply to a published agreement (and one
that failed), an institution preparing its own, and an agreement of two
years ago in its renewal window — all through the services, as the staff
would record it. 东湖精密机械 (ent1.chair) is left free: its chair starts
one from the page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from viewflow.workflow.models import Task

from casework.accounts.models import User
from casework.accounts.services import user_person_link
from casework.bargaining.campaign_selection import Listed
from casework.bargaining.campaign_services import campaign_start
from casework.bargaining.choices import State
from casework.bargaining.models import BargainingCase
from casework.bargaining.services import (
    bargaining_case_open,
    bargaining_round_record,
    bargaining_side_set,
)
from casework.calendar.days import add_months
from casework.cases.documents import Attachment, DocumentKind
from casework.cases.tasks import OPEN, task_complete
from casework.district.services import district_settings_enter_missing
from casework.org.models import Unit
from casework.people.models import Person

SETTINGS = {
    "bargaining.reply_days": "20",
    "bargaining.coordination_days": "30",
    "bargaining.filing_days": "10",
    "bargaining.review_days": "15",
    "bargaining.renewal_months": "3",
    "bargaining.preparation_working_days": "20",
    "bargaining.negotiation_days": "60",
    "bargaining.congress_days": "30",
    "bargaining.signing_days": "5",
    "bargaining.publish_working_days": "5",
    "bargaining.local_minimum_wage": "2690",
}
# A letter is a PDF in the demo too: the document checks read its first bytes.
LETTER = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
DRAFT: dict[str, Any] = {
    "wage_increase_percent": "5",
    "minimum_pay": "3000",
    "pay_day": 10,
    "term_months": 24,
    "agreement_text": "工资专项集体合同（演示）：职工工资年增长5%，最低工资3000元/月，每月10日前支付。",
}
# The district's campaign this year (集中要约): each enterprise's bargaining
# taken to one state, from the employer's reply on.
CAMPAIGN = [
    ("S01-E02", State.OFFER_SERVED),
    ("S01-E03", State.COORDINATION),
    ("S02-E01", State.NEGOTIATING),
    ("S02-E02", State.SUSPENDED),
    ("S02-E03", State.CONGRESS_VOTE),
    ("S03-E01", State.SIGNING),
    ("S03-E02", State.FILING),
    ("S03-E03", State.UNDER_REVIEW),
    ("P01-E01", State.EFFECTIVE),
    ("P01-E02", State.PUBLISHED),
    ("P01-E03", State.CLOSED),
]
# On their own: an institution preparing its first bargaining, and one whose
# agreement of two years ago is in its renewal window.
ON_THEIR_OWN = [("S01-I01", State.PREPARING), ("P01-E04", State.RENEWAL)]
CHAIRS = {"ent1.chair": "S01-E01", "ent2.chair": "S02-E01"}


def seed_bargaining(*, district: Unit, today: date, users: dict[str, User]) -> Counter[str]:
    created: Counter[str] = Counter()
    if BargainingCase.objects.filter(unit_path__startswith=district.path).exists():
        return created
    with transaction.atomic():
        created["district_settings"] += district_settings_enter_missing(
            district=district,
            values=SETTINGS,
            effective_from=date(today.year - 3, 1, 1),
            reason="本区工资集体协商工作规程（演示数据）",
            by=users["admin"],
        )
        for username, code in CHAIRS.items():
            user = users[username]
            if user.person_id is None:
                member = Person.objects.filter(employer__code=code).order_by("pk").first()
                if member is not None:
                    user_person_link(user=user, person=member, by=users["admin"], reason="工会主席本人（演示数据）")
    staff = users["district.caseworker"]
    served = today - timedelta(days=14)
    with transaction.atomic():
        campaign = campaign_start(
            district=district,
            name=f"{today.year}年工资集体协商集中要约行动",
            offer_served_on=served,
            listed=[Listed(line=i + 1, code=code) for i, (code, _target) in enumerate(CAMPAIGN)],
            by=staff,
        )
        created["campaigns"] += 1
    for code, target in CAMPAIGN:
        with transaction.atomic():
            case = BargainingCase.objects.get(campaign=campaign, unit__code=code)
            _walk(case, target, _days(served, 1), users)
            created["bargaining_cases"] += 1
    for code, target in ON_THEIR_OWN:
        with transaction.atomic():
            _on_its_own(Unit.objects.get(code=code), target, today, users)
            created["bargaining_cases"] += 1
    return created


def _letter(name: str) -> list[Attachment]:
    return [Attachment(ContentFile(LETTER, name=name), DocumentKind.LETTER)]


def _on_its_own(unit: Unit, target: str, today: date, users: dict[str, User]) -> BargainingCase:
    """A bargaining its union started itself: preparing, or (opened and
    served 23 months ago) taken to its renewal window."""
    staff = users["district.caseworker"]
    case = bargaining_case_open(
        unit=unit,
        workers_covered=60,
        preparation={"average_wage": "6100", "lowest_wage": "2900", "preparation_sources": "单位工资台账（演示）"},
        by=staff,
    )
    if target == State.PREPARING:
        return case
    day = _days(add_months(today, -23), 2)
    _union_side(case, unit, staff)
    _step(case, staff, "serve_offer", "", _letter("送达回证.pdf"), offered_by="union", served_on=day())
    _walk(case, target, day, users)
    return BargainingCase.objects.get(pk=case.pk)


def _union_side(case: BargainingCase, unit: Unit, staff: User) -> None:
    members = list(Person.objects.filter(employer=unit).order_by("pk")[:3])
    union = [{"person": p.pk, "role": "member"} for p in members]
    union += [{"name": f"职工代表{i}", "role": "member"} for i in range(3 - len(union))]
    union[0]["role"] = "chief"
    # These members are not the chairs: each side's chief is named by the chair's written delegation.
    bargaining_side_set(
        case=case, side="union", seats=union, chief_delegated=True, documents=_letter("委托书.pdf"), by=staff
    )


def _step(
    case: BargainingCase, by: User | None, action: str, reason: str = "", documents: Any = (), **data: Any
) -> None:
    task = Task.objects.get(process_id=case.pk, status__in=OPEN)
    task_complete(task=task, action=action, by=by, reason=reason, data=data, documents=list(documents))


def _walk(case: BargainingCase, target: str, day: Callable[[], str], users: dict[str, User]) -> None:
    """Take a case whose offer was served to ``target``, one step a day."""
    staff = users["district.caseworker"]  # the district guides the enterprises (and records outside acts)
    unit = case.unit
    if not case.seats.exists():
        _union_side(case, unit, staff)
    if target == State.OFFER_SERVED:
        return
    if target in (State.COORDINATION, State.CLOSED):
        _step(case, staff, "record_refusal", "企业以订单下滑为由拒绝协商", _letter("企业回函.pdf"), replied_on=day())
        if target == State.CLOSED:
            _step(case, staff, "coordination_failed", "经劳动保障部门协调，企业仍拒绝协商", _letter("协调意见.pdf"))
        return
    _step(case, staff, "record_acceptance", "", _letter("企业回函.pdf"), replied_on=day())
    employer = [{"name": f"{unit.name[:4]}企业代表{i}", "role": "member"} for i in range(3)]
    employer[0] |= {"role": "chief", "position": "总经理"}
    bargaining_side_set(case=case, side="employer", seats=employer, by=staff)
    bargaining_round_record(
        case=case,
        held_on=day(),
        recorder="区总工会 书记员",
        minutes="双方就工资增长幅度、最低工资和支付日期进行协商（演示）。",
        attendance=list(case.seats.values_list("pk", flat=True)),
        chiefs_confirmed=True,
        by=staff,
    )
    if target == State.NEGOTIATING:
        return
    if target == State.SUSPENDED:
        resume = date.fromisoformat(day()) + timedelta(days=30)
        _step(case, staff, "suspend", "企业需核算下半年成本", resume_on=resume.isoformat())
        return
    _step(case, staff, "agree_draft", **DRAFT)
    if target == State.CONGRESS_VOTE:
        return
    _step(
        case, staff, "congress_approve", voted_on=day(), representatives_total=45, present=40, yes=36, no=3, abstain=1
    )
    if target == State.SIGNING:
        return
    _step(case, staff, "sign", signed_on=day())
    if target == State.FILING:
        return
    _step(case, staff, "file", "", _letter("报送回执.pdf"), submitted_on=day(), received_on=day())
    if target == State.UNDER_REVIEW:
        return
    _step(case, staff, "record_approval", "", _letter("审查意见书.pdf"), approved_on=day())
    if target == State.EFFECTIVE:
        return
    _step(case, staff, "publish", published_on=day())
    if target == State.RENEWAL:  # its window opened: the step the deadline scan takes, as the system
        _step(case, None, "open_renewal", "期满前续签协商开始（演示）")


def _days(start: date, apart: int) -> Callable[[], str]:
    """Successive dates ``apart`` days apart after ``start``, as the steps' dates."""
    state = {"day": start}

    def next_day() -> str:
        state["day"] += timedelta(days=apart)
        return state["day"].isoformat()

    return next_day
