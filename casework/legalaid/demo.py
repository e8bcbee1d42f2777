"""Demo legal aid: the district's periods, and one application at each
step — recorded and checked by the legal officer, decided by the district
approver, assigned to lawyer1, worked, closed and paid — all through the
services, as the staff would record it (the objection is decided by the
second approver, who did not refuse it)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task

from casework.accounts.models import User
from casework.cases.documents import Attachment, DocumentKind
from casework.cases.tasks import OPEN, task_complete
from casework.district.services import district_settings_enter_missing
from casework.legalaid.choices import State
from casework.legalaid.models import LegalAidCase
from casework.legalaid.services import legalaid_apply, legalaid_event_record
from casework.org.models import Unit
from casework.people.models import Person

SETTINGS = {
    "legalaid.completeness_working_days": "2",
    "legalaid.decision_days": "7",
    "legalaid.objection_window_days": "15",
    "legalaid.objection_days": "5",
    "legalaid.assignment_days": "3",
    "legalaid.closure_review_working_days": "10",
    "legalaid.subsidy_working_days": "15",
}
# A unified social credit code with a right check character (GB 32100).
EMPLOYER_CODE = "91350100M000100Y43"
LETTER = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
TARGETS = [
    State.APPLIED,
    State.REJECTED,
    State.AWAITING_MATERIAL,
    State.DECISION,
    State.REFUSED,
    State.OBJECTION,
    State.ASSIGNMENT,
    State.IN_PROGRESS,
    State.CLOSURE_REVIEW,
    State.SUBSIDY,
    State.ARCHIVED,
    State.WITHDRAWN,
    State.TERMINATED,
]


def seed_legalaid(*, district: Unit, today: date, users: dict[str, User]) -> Counter[str]:
    created: Counter[str] = Counter()
    if LegalAidCase.objects.filter(unit_path__startswith=district.path).exists():
        return created
    with transaction.atomic():
        created["district_settings"] += district_settings_enter_missing(
            district=district,
            values=SETTINGS,
            effective_from=date(today.year - 1, 1, 1),
            reason="区总工会法律援助实施办法（演示数据）",
            by=users["admin"],
        )
    applicants = list(
        Person.objects.filter(employer__path__startswith=district.path, cases__isnull=True).order_by("pk")
    )
    for index, target in enumerate(TARGETS):
        with transaction.atomic():
            _walk(applicants[index], district, target, today, users)
            created["legal_aid_cases"] += 1
    return created


def _step(case: LegalAidCase, by: User, action: str, reason: str = "", letter: bool = False, **data: Any) -> None:
    task = Task.objects.get(process_id=case.pk, status__in=OPEN)
    documents = [Attachment(_pdf("异议书.pdf"), DocumentKind.LETTER)] if letter else []
    task_complete(task=task, action=action, by=by, reason=reason, data=data, documents=documents)


def _pdf(name: str) -> Any:
    from django.core.files.base import ContentFile

    return ContentFile(LETTER, name=name)


def _walk(person: Person, district: Unit, target: str, today: date, users: dict[str, User]) -> None:
    officer, approver, lawyer = users["legal.officer"], users["district.approver"], users["lawyer1"]
    case = legalaid_apply(
        person=person,
        unit=district,
        opposing_party=f"{person.employer.name[:6] if person.employer else ''}用人单位（演示）",
        opposing_code=EMPLOYER_CODE,
        dispute="wages" if target != State.IN_PROGRESS else "dismissal",
        facts="用人单位拖欠2026年8月至10月工资（演示数据）。",
        amount_claimed="15000",
        aid_form="arbitration",
        channel="written",
        basis="serious_infringement",
        by=officer,
    )
    if target == State.APPLIED:
        return
    if target == State.AWAITING_MATERIAL:
        # After the real today (the rule's), whatever day the demo is seeded for.
        supply_by = (max(today, timezone.localdate()) + timedelta(days=10)).isoformat()
        _step(case, officer, "request_material", missing_material="1. 劳动合同\n2. 工资流水", supply_by=supply_by)
        return
    if target == State.WITHDRAWN:
        _step(case, officer, "withdraw", "申请人与单位和解，撤回申请")
        return
    if target == State.TERMINATED:
        _step(case, officer, "start_urgent", urgency="preservation")
        _step(case, officer, "assign", lawyer=lawyer.pk)
        _step(case, approver, "end_urgent", "经审查，申请人不符合法律援助条件")
        return
    _step(case, officer, "accept")
    if target == State.DECISION:
        return
    if target in (State.REFUSED, State.OBJECTION, State.REJECTED):
        _step(case, approver, "refuse", "所涉争议已超过仲裁时效，且无中止、中断事由。")
        if target != State.REFUSED:
            _step(case, officer, "record_objection", "申请人认为时效曾因催告中断", letter=True)
        if target == State.REJECTED:
            _step(case, users["district.approver2"], "dismiss_objection", "催告无书面证据，时效未中断。")
        return
    _step(case, approver, "approve")
    if target == State.ASSIGNMENT:
        return
    _step(case, officer, "assign", lawyer=lawyer.pk)
    legalaid_event_record(case=case, kind="consultation", happened_on=today, outcome="", by=lawyer)
    if target == State.IN_PROGRESS:
        return
    _step(
        case,
        lawyer,
        "submit_closure",
        outcome="settled",
        amount_awarded="12000",
        amount_recovered="12000",
        closure_report="经仲裁调解，用人单位一次性支付12000元。",
    )
    if target == State.CLOSURE_REVIEW:
        return
    _step(case, officer, "accept_closure", subsidy_amount="1500")
    if target == State.SUBSIDY:
        return
    _step(case, users["finance"], "approve_subsidy")
