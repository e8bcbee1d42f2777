"""The hardship part of the demo: the district's settings, budget lines with
funds passed down to the two demo streets, and a case in every state, each
walked there through the same services and tasks as a user would, so its
trail is real. Skipped when the district already has hardship cases."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.db import transaction

from casework.accounts.models import User
from casework.cases.selectors import case_open_task
from casework.cases.tasks import task_complete
from casework.district.services import district_settings_enter_missing
from casework.hardship.assistance import BudgetLine
from casework.hardship.batches import BatchLine, payment_batch_decide, payment_batch_request
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.hardship.payments import (
    PAYABLE_STATES,
    allocation_make,
    budget_line_create,
    payment_decide,
    payment_request,
)
from casework.hardship.services import hardship_case_submit, tested_months
from casework.org.models import Unit
from casework.people.models import Person

SETTINGS = {
    "hardship.minimum_living_standard": "1120",
    "hardship.relative_multiple": "2",
    "hardship.accident_cost_share": "0.8",
    "hardship.home_visit_working_days": "5",
    "deadlines.reminder_working_days": "2",
    "deadlines.escalation_working_days": "3",
    "deadlines.second_escalation_working_days": "10",
    "hardship.evaluation_working_days": "10",
    "hardship.notice_close_working_days": "2",
    "hardship.street_review_working_days": "10",
    "hardship.district_approval_working_days": "10",
    "hardship.correction_working_days": "10",
    "hardship.annual_review_working_days": "20",
    "hardship.notice_working_days": "5",
    "hardship.exit_months_above_standard": "6",
    "hardship.records_sync_working_days": "30",
    "hardship.ceiling.living": "6000",
    "hardship.ceiling.medical": "20000",
    "hardship.ceiling.schooling": "5000",
    "hardship.ceiling.holiday": "1000",
    "hardship.ceiling.summer": "500",
    "hardship.ceiling.accident": "10000",
    "hardship.ceiling.employment": "3000",
}


def seed_hardship(*, district: Unit, today: date, users: dict[str, User]) -> Counter[str]:
    created: Counter[str] = Counter()
    if HardshipCase.objects.filter(unit_path__startswith=district.path).exists():
        return created
    with transaction.atomic():
        created["district_settings"] += district_settings_enter_missing(
            district=district,
            values=SETTINGS,
            effective_from=date(today.year - 1, 1, 1),
            reason="区总工会帮扶工作实施细则（演示数据）",
            by=users["admin"],
        )
        lines = _budget(district, today, users["finance"])
        created["budget_lines"] += len(lines)

    streets = {
        "S01": ("ent1.chair", "street1.caseworker", "street1.approver"),
        "S02": ("ent2.chair", "street2.caseworker", "street2.approver"),
    }
    targets = [
        State.HOME_VISIT,
        State.UNIT_EVALUATION,
        State.UNIT_NOTICE,
        State.STREET_REVIEW,
        State.DISTRICT_APPROVAL,
        State.RETURNED,
        State.REJECTED,
        State.WITHDRAWN,
        State.FILED,
        State.FILED,
        State.ANNUAL_REVIEW,
        State.EXIT_NOTICE,
        State.EXIT_APPROVAL,
        State.EXITED,
        State.ARCHIVED,
    ]
    for index, target in enumerate(targets):
        street = "S01" if index % 2 == 0 else "S02"
        chair, caseworker, approver = (users[name] for name in streets[street])
        unit = Unit.objects.get(code=f"{street}-E01")
        worker = Person.objects.filter(employer=unit, cases__isnull=True).order_by("pk")[index // 2]
        with transaction.atomic():
            case = _submit(worker, chair, today)
            _walk(case, target, chair, caseworker, approver, users["district.approver"], today)
            created["hardship_cases"] += 1
            if target == State.FILED:
                created["payments"] += _pay(case, lines[street], caseworker, users["finance"], approve=index % 4 == 0)
    with transaction.atomic():
        created["payment_lists"] += _holiday_lists(
            district, today, users, {s: names[1] for s, names in streets.items()}
        )
    return created


def _budget(district: Unit, today: date, finance: User) -> dict[str, BudgetLine]:
    top = budget_line_create(
        unit=district, year=today.year, assistance_type="living", name="生活救助", appropriated="200000", by=finance
    )
    lines = {"D01": top}
    for code in ("S01", "S02"):
        street = Unit.objects.get(code=code)
        line = budget_line_create(
            unit=street, year=today.year, assistance_type="living", name="生活救助", appropriated="0", by=finance
        )
        allocation_make(from_line=top, to_line=line, amount="30000", reason=f"{today.year}年帮扶资金下拨", by=finance)
        lines[code] = line
    return lines


def _holiday_lists(district: Unit, today: date, users: dict[str, User], caseworkers: dict[str, str]) -> int:
    """送温暖 for every payable record of each street, as one list per street:
    the first approved, the second waiting for finance."""
    finance = users["finance"]
    top = budget_line_create(
        unit=district, year=today.year, assistance_type="holiday", name="送温暖", appropriated="100000", by=finance
    )
    for index, (code, caseworker) in enumerate(sorted(caseworkers.items())):
        street = Unit.objects.get(code=code)
        line = budget_line_create(
            unit=street, year=today.year, assistance_type="holiday", name="送温暖", appropriated="0", by=finance
        )
        allocation_make(from_line=top, to_line=line, amount="20000", reason=f"{today.year}年送温暖经费下拨", by=finance)
        records = HardshipCase.objects.filter(state__in=PAYABLE_STATES, unit_path__startswith=street.path)
        batch = payment_batch_request(
            campaign=f"{today.year}年元旦春节送温暖",
            budget_line=line,
            lines=[BatchLine(case.pk, "800", "节日慰问金") for case in records.order_by("pk")],
            by=users[caseworker],
            today=today,
        )
        if index == 0:
            payment_batch_decide(batch=batch, approve=True, by=finance)
    return len(caseworkers)


def _submit(worker: Person, chair: User, today: date) -> HardshipCase:
    household = [{"name": m.name, "relation": m.relation, "id_number": m.id_number} for m in worker.household.all()]
    months = tested_months(today)
    incomes = [{"member": 0, "month": f"{m:%Y-%m}", "amount": "1800"} for m in months]
    size = 1 + len(household)
    # One income for a household of one or two is relative hardship; more is deep.
    category = "relative" if size == 1 else "deep"
    return hardship_case_submit(
        worker=worker,
        category=category,
        cause="illness",
        statement="本人长期患病，家庭收入低，医疗支出大。",
        consent=True,
        household=household,
        incomes=incomes,
        expenses=[{"kind": "medical", "month": f"{months[-1]:%Y-%m}", "amount": "800"}],
        by=chair,
        today=today,
    )


def _step(case: HardshipCase, action: str, by: User, reason: str = "", **data: str) -> None:
    task = case_open_task(case)
    assert task is not None
    task_complete(task=task, action=action, by=by, reason=reason, data=data)


def _walk(
    case: HardshipCase, target: str, chair: User, caseworker: User, approver: User, district_approver: User, today: date
) -> None:
    """Take the case, step by step, to ``target``."""
    notice = {
        "notice_from": (today - timedelta(days=30)).isoformat(),
        "notice_until": (today - timedelta(days=14)).isoformat(),
    }
    evaluation = {"evaluated_on": str(today - timedelta(days=31)), "present": "15", "in_favour": "13", **notice}
    exit_notice = {"exit_reason": "recovered", **notice}
    # The step taken from each state on the way to filing and on to the archive.
    forward = {
        State.HOME_VISIT: lambda: _step(
            case, "record_home_visit", caseworker, visited_on=str(today), report="家中确有困难"
        ),
        State.UNIT_EVALUATION: lambda: _step(case, "record_evaluation", chair, **evaluation),
        State.UNIT_NOTICE: lambda: _step(case, "end_notice", chair),
        State.STREET_REVIEW: lambda: _step(case, "approve", approver),
        State.DISTRICT_APPROVAL: lambda: _step(case, "approve", district_approver, help_plan="生活救助、节日慰问"),
        State.FILED: lambda: _step(case, "propose_exit", caseworker, reason="连续6个月人均收入高于标准", **exit_notice),
        State.EXIT_NOTICE: lambda: _step(case, "end_notice", caseworker),
        State.EXIT_APPROVAL: lambda: _step(case, "approve_exit", district_approver),
        State.EXITED: lambda: _step(case, "archive", caseworker),
    }
    # Targets off the straight line: where they branch off, and the branch.
    branches = {
        State.RETURNED: (State.STREET_REVIEW, lambda: _step(case, "return", approver, reason="缺少医疗费票据")),
        State.REJECTED: (State.STREET_REVIEW, lambda: _step(case, "reject", approver, reason="经核实家庭收入超过标准")),
        State.WITHDRAWN: (State.UNIT_EVALUATION, lambda: _step(case, "withdraw", chair, reason="职工本人书面要求撤回")),
        State.ANNUAL_REVIEW: (State.FILED, lambda: _step(case, "start_review", caseworker)),
    }
    stop, branch = branches[State(target)] if target in branches else (target, None)
    while case.state != stop:
        forward[State(case.state)]()
        case.refresh_from_db()
    if branch is not None:
        branch()


def _pay(case: HardshipCase, line: BudgetLine, caseworker: User, finance: User, *, approve: bool) -> int:
    payment = payment_request(
        case=case, assistance_type="living", amount="1500", budget_line=line, by=caseworker, note="季度生活补助"
    )
    if approve:
        payment_decide(payment=payment, approve=True, by=finance)
    return 1
