"""Demo data of honours: the district's own model-worker campaign with a
nomination in every state a district campaign passes through, and a
city-level Model Workers' Home campaign with a Home recommended, awarded by
the city and under yearly re-inspection, and another being inspected.
Written through the services, like real work; the steps the system takes
(the vetting's join, its expiry) are taken by the system."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from casework.accounts.models import User
from casework.cases.documents import Attachment, DocumentKind
from casework.cases.selectors import case_open_task
from casework.cases.tasks import task_complete
from casework.district.services import district_settings_enter_missing
from casework.honours.choices import State
from casework.honours.models import Campaign, HonourNomination, HonourType, VettingRequest
from casework.honours.services import (
    honours_campaign_open,
    honours_nominate,
    honours_objection_record,
    honours_objection_resolve,
    honours_record_arrears,
    honours_vetting_answer,
)
from casework.org.models import Unit
from casework.people.models import Person

SETTINGS = {
    "honours.notice_working_days": "5",
    "honours.notice_close_working_days": "2",
    "honours.street_review_working_days": "10",
    "honours.inspection_working_days": "15",
    "honours.vetting_working_days": "10",
    "honours.follow_up_working_days": "5",
    "honours.committee_working_days": "10",
    "honours.approval_working_days": "10",
    "honours.repeat_years": "5",
    "honours.accident_years": "3",
    "honours.home_reinspection_months": "12",
    "honours.committee_quorum": "0.67",
    "honours.home_unionisation": "0.98",
    "honours.home_unionisation_non_public": "0.80",
    "honours.home_satisfaction": "0.85",
}
LETTER = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
VOTE = {"vote_body": "congress", "voted_on": "", "vote_total": 60, "vote_present": 52, "vote_yes": 47, "vote_no": 3}
# The district campaign's nominations: (unit code, the state it is left in).
WALKS = [
    ("S01-E01", State.PUBLISHED),
    ("S01-E01", State.AWARDED),
    ("S01-E02", State.APPROVED),
    ("S01-E02", State.APPROVAL),
    ("S01-E03", State.DISTRICT_NOTICE),
    ("S01-E03", State.COMMITTEE),
    ("S01-I01", State.VETTING),
    ("S01-I01", State.VETTING_FOLLOW_UP),
    ("S02-E01", State.STREET_REVIEW),
    ("S02-E01", State.UNIT_NOTICE),
    ("S02-E02", State.NOMINATED),
    ("S02-E02", State.RETURNED),
    ("S02-E03", State.EXCLUDED),
    ("S02-E03", State.NOT_SELECTED),
    ("S02-I01", State.WITHDRAWN),
]
ORDER = [
    State.NOMINATED,
    State.UNIT_NOTICE,
    State.STREET_REVIEW,
    State.VETTING,
    State.COMMITTEE,
    State.DISTRICT_NOTICE,
    State.APPROVAL,
    State.APPROVED,
    State.AWARDED,
    State.PUBLISHED,
]


def _letter(name: str = "回函.pdf") -> list[Attachment]:
    return [Attachment(ContentFile(LETTER, name=name), DocumentKind.LETTER)]


def _step(case: HonourNomination, by: User, action: str, reason: str = "", **data: Any) -> None:
    task = case_open_task(case)
    assert task is not None
    task_complete(task=task, action=action, by=by, reason=reason, data=data)


def _notice(today: date) -> dict[str, str]:
    return {
        "notice_from": (today - timedelta(days=30)).isoformat(),
        "notice_until": (today - timedelta(days=7)).isoformat(),
    }


def _answer_all(case: HonourNomination, by: User, *, veto: str = "", leave: int = 0) -> None:
    requests = list(VettingRequest.objects.filter(nomination=case).order_by("pk"))
    for request in requests[: len(requests) - leave]:
        honours_vetting_answer(
            request=request,
            answer="veto" if request.department == veto else "clear",
            answered_on=timezone.localdate(),
            reason="该单位2025年有未整改的环境违法行为（演示数据）" if request.department == veto else "",
            documents=_letter(),
            by=by,
        )


def seed_honours(*, district: Unit, today: date, users: dict[str, User]) -> Counter[str]:
    created: Counter[str] = Counter()
    if Campaign.objects.filter(district=district).exists():
        return created
    real_today = timezone.localdate()  # the rules' today, whatever day the demo is seeded for
    with transaction.atomic():
        created["district_settings"] += district_settings_enter_missing(
            district=district,
            values=SETTINGS,
            effective_from=date(today.year - 1, 1, 1),
            reason="区总工会评选表彰工作办法（演示数据）",
            by=users["admin"],
        )
    units = {u.code: u for u in Unit.objects.filter(path__startswith=district.path)}
    staff = users["district.caseworker"]
    campaign = honours_campaign_open(
        district=district,
        honour_type=HonourType.objects.get(code="model_worker"),
        level="district",
        year=real_today.year,
        name=f"{real_today.year}年度区劳动模范和先进工作者评选",
        nominations_close_on=real_today + timedelta(days=30),
        quotas={units["S01"]: 8, units["S02"]: 8, units["S03"]: 3, units["P01"]: 3},
        composition={"industrial_worker": 35, "non_public": 35},
        by=staff,
    )
    created["honours_campaigns"] += 1
    used: set[int] = set()
    for code, target in WALKS:
        with transaction.atomic():
            _walk(campaign, units[code], target, users, used, real_today)
        created["honours_nominations"] += 1
    # A unit with wage arrears this year: the checks keep it from nominating.
    honours_record_arrears(
        unit=units["S03-E01"],
        found_on=real_today - timedelta(days=40),
        amount="86000",
        source="区人社局劳动保障监察责令改正决定书（演示数据）",
        by=staff,
    )
    created.update(_homes(district, units, users, real_today))
    return created


def _nominee(unit: Unit, used: set[int]) -> Person:
    staff = User.objects.exclude(person=None).values("person_id")  # a login's own person would be their own nominee
    person = Person.objects.filter(employer=unit).exclude(pk__in=used).exclude(pk__in=staff).order_by("pk").first()
    assert person is not None, unit.code
    used.add(person.pk)
    return person


def _walk(campaign: Campaign, unit: Unit, target: str, users: dict[str, User], used: set[int], today: date) -> None:
    street = "street1" if unit.code.startswith("S01") else "street2"
    chair = users["ent1.chair"] if unit.code == "S01-E01" else users["ent2.chair"] if unit.code == "S02-E01" else None
    filer = chair or users[f"{street}.caseworker"]
    approver, staff = users[f"{street}.approver"], users["district.caseworker"]
    case = honours_nominate(
        campaign=campaign,
        unit=unit,
        person=_nominee(unit, used),
        deeds="扎根生产一线二十年，带领班组完成技术革新十二项，年节约成本三百余万元（演示数据）。",
        category="science_education" if unit.code.endswith("I01") else "industrial_worker",
        ownership="public_body" if unit.code.endswith("I01") else "non_public",
        vote={**VOTE, "voted_on": (today - timedelta(days=40)).isoformat()},
        by=filer,
    )
    if target == State.NOMINATED:
        return
    if target == State.UNIT_NOTICE:  # a notice running now, with an objection under investigation
        _step(
            case,
            filer,
            "post_unit_notice",
            notice_from=today.isoformat(),
            notice_until=(today + timedelta(days=9)).isoformat(),
        )
        honours_objection_record(
            case=case, objector="李某", content="反映其事迹材料中的获奖情况不实", raised_on=today, by=filer
        )
        return
    _step(case, filer, "post_unit_notice", **_notice(today))
    if target == State.WITHDRAWN:
        _step(case, filer, "withdraw", "被推荐人本人申请不参加本次评选")
        return
    _step(case, filer, "end_unit_notice")
    if target == State.STREET_REVIEW:
        return
    if target in (State.RETURNED, State.NOT_SELECTED):
        if target == State.RETURNED:
            _step(case, approver, "street_return", "请补充近三年的主要业绩数据和单位推荐意见")
        else:
            _step(case, approver, "street_reject", "事迹与评选条件中的“一线职工”要求不符")
        return
    _step(case, approver, "street_recommend")
    case = HonourNomination.objects.get(pk=case.pk)
    if target == State.VETTING:
        _answer_all(case, staff, leave=2)
        return
    if target == State.VETTING_FOLLOW_UP:
        _answer_all(case, staff, leave=1)
        # What the deadline scan does the day after the vetting's period: the system takes the step.
        task = case_open_task(case)
        assert task is not None
        task_complete(task=task, action="vetting_overdue", by=None, reason="联审逾期，转催办（演示数据）")
        return
    if target == State.EXCLUDED:
        _answer_all(case, staff, veto="environment")
        return
    _answer_all(case, staff)
    committee = [users[f"committee{n}"] for n in (1, 2, 3)]
    if target == State.COMMITTEE:
        _step(case, committee[0], "cast_vote", vote="yes")
        return
    for member in committee:
        _step(case, member, "cast_vote", vote="yes")
    if target == State.DISTRICT_NOTICE:
        _step(
            case,
            staff,
            "committee_selects",
            notice_from=today.isoformat(),
            notice_until=(today + timedelta(days=9)).isoformat(),
        )
        return
    _step(case, staff, "committee_selects", **_notice(today))
    objection = honours_objection_record(
        case=case, objector="王某", content="反映其曾受过处分", raised_on=today - timedelta(days=10), by=staff
    )
    honours_objection_resolve(
        objection=objection, upheld=False, resolution="经核实，处分已于2018年解除，不影响推荐", by=staff
    )
    _step(case, staff, "end_district_notice")
    if target == State.APPROVAL:
        return
    _step(case, users["district.approver"], "approve")
    if target == State.APPROVED:
        return
    _step(
        case,
        users["district.approver"],
        "award",
        awarded_on=today.isoformat(),
        award_document=f"示工发〔{today.year}〕15号",
    )
    if target == State.AWARDED:
        return
    _step(case, staff, "publish", published_on=today.isoformat())


def _homes(district: Unit, units: dict[str, Unit], users: dict[str, User], today: date) -> Counter[str]:
    """A city-level Model Workers' Home campaign: one Home awarded by the city
    and under yearly re-inspection, one recommended and awaiting the city,
    one being inspected."""
    created: Counter[str] = Counter()
    staff, approver = users["district.caseworker"], users["district.approver"]
    campaign = honours_campaign_open(
        district=district,
        honour_type=HonourType.objects.get(code="model_workers_home"),
        level="city",
        year=today.year,
        name=f"{today.year}年市级模范职工之家推荐",
        nominations_close_on=today + timedelta(days=20),
        quotas={units["S01"]: 2, units["S02"]: 1},
        by=staff,
    )
    created["honours_campaigns"] += 1
    for code, rates, target in (
        ("S01-E02", ("99.20", "92.50"), State.HOME_ACTIVE),
        ("S01-E03", ("98.60", "90.00"), State.RECOMMENDED),
        ("S02-E02", ("86.00", "88.00"), State.INSPECTION),
    ):
        street = "street1" if code.startswith("S01") else "street2"
        filer = users[f"{street}.caseworker"]
        with transaction.atomic():
            case = honours_nominate(
                campaign=campaign,
                unit=units[code],
                deeds="职工之家建设规范，厂务公开、职代会制度健全，职工书屋和心理疏导室常年开放（演示数据）。",
                ownership="non_public",
                vote={**VOTE, "voted_on": (today - timedelta(days=40)).isoformat()},
                unionisation_rate=rates[0],
                satisfaction_rate=rates[1],
                by=filer,
            )
            _step(case, filer, "post_unit_notice", **_notice(today))
            _step(case, filer, "end_unit_notice")
            _step(case, users[f"{street}.approver"], "street_recommend_home")
            created["honours_nominations"] += 1
            if target == State.INSPECTION:
                continue
            _step(
                case,
                staff,
                "inspection_passed",
                inspected_on=today.isoformat(),
                unionisation_rate=rates[0],
                satisfaction_rate=rates[1],
            )
            _answer_all(HonourNomination.objects.get(pk=case.pk), staff)
            for n in (1, 2, 3):
                _step(case, users[f"committee{n}"], "cast_vote", vote="yes")
            _step(case, staff, "committee_selects", **_notice(today))
            _step(case, staff, "end_district_notice")
            _step(case, approver, "approve")
            _step(case, staff, "recommend_upward", recommended_on=today.isoformat())
            if target == State.RECOMMENDED:
                continue
            task = case_open_task(case)
            assert task is not None
            task_complete(
                task=task,
                action="record_upper_award",
                by=staff,
                data={"awarded_on": today.isoformat(), "award_document": f"市总工发〔{today.year}〕8号"},
                documents=_letter("市总工会命名决定.pdf"),
            )
            _step(case, staff, "publish_home", published_on=today.isoformat())
    return created
