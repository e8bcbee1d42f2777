"""Writes of the hardship flow (domain.md §1).

``hardship_case_submit`` starts a case; ``hardship_case_decide`` takes any
step of the transition table. Everything is checked before anything is
written; each change is one ledger entry in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.cases import data as d
from casework.cases.documents import (
    Attachment,
    atomic_with_files,
    documents_check,
    documents_evidence,
    documents_link,
    documents_personal,
    documents_store,
)
from casework.cases.notices import objection_record, objection_resolve
from casework.cases.services import case_decide, case_number_issue, case_subject, next_actors
from casework.cases.tasks import register_decider
from casework.district.selectors import setting_value
from casework.errors import RuleViolation
from casework.hardship.choices import ACTIVE_STATES, Category, Cause, ExpenseKind, ReviewOutcome, State
from casework.hardship.means import MeansTest, means_test
from casework.hardship.models import (
    AnnualReview,
    HardshipCase,
    HouseholdSnapshot,
    IncomeRecord,
    Objection,
    RigidExpense,
)
from casework.hardship.transitions import TABLE, UNIT_RECORDERS
from casework.ledger.services import ledger_append
from casework.people.models import Person
from casework.people.rules import household_member_clean
from notifications.services import outbox_queue
from permissions.access import acting_as

RECORD_SERIES = "困"
RETENTION_YEARS = 10  # 原始档案自撤档之日起保管10年 (a national rule, not a local one)
PERSONAL_DATA_KEYS = frozenset({"report"})


@dataclass(frozen=True)
class Application:
    """A checked application, ready to be written."""

    household: list[dict[str, Any]]
    incomes: list[tuple[int, date, Decimal, str]]  # (member index, month, amount, source)
    expenses: list[tuple[str, date, Decimal, str]]  # (kind, month, amount, note)
    test: MeansTest


def tested_months(today: date) -> list[date]:
    """The twelve full months before ``today``'s month, oldest first."""
    months, month = [], today.replace(day=1)
    for _i in range(12):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def _month(value: Any, field: str, window: list[date]) -> date:
    text = str(value or "").strip()
    try:
        month = date.fromisoformat(f"{text[:7]}-01")
    except ValueError:
        raise RuleViolation(
            _("%(field)s：月份格式应为YYYY-MM。") % {"field": field}, code="field_month_invalid", field=field
        ) from None
    if month not in window:
        raise RuleViolation(
            _("%(field)s：%(month)s不在核算的12个月（%(first)s至%(last)s）之内。")
            % {"field": field, "month": f"{month:%Y-%m}", "first": f"{window[0]:%Y-%m}", "last": f"{window[-1]:%Y-%m}"},
            code="hardship.month_outside_window",
            field=field,
        )
    return month


def application_check(
    *,
    worker: Person,
    category: str,
    household: list[dict[str, Any]],
    incomes: list[dict[str, Any]],
    expenses: list[dict[str, Any]],
    today: date,
) -> Application:
    """Check the household, incomes and expenses and run the means test.
    Raises the first broken rule, naming its field (``household[1].id_number``)."""
    members: list[dict[str, Any]] = [
        {"name": worker.name, "relation": "", "id_number": worker.id_number, "is_worker": True}
    ]
    for i, raw in enumerate(household):
        values, errors = household_member_clean({**raw, "monthly_income": "0"}, today=today)
        if errors:
            error = errors[0]
            raise RuleViolation(error.message, code=error.code, field=f"household[{i}].{error.field}")
        if values["id_number"] and values["id_number"] in {m["id_number"] for m in members}:
            raise RuleViolation(
                _("身份证号：同一人不能在家庭成员中出现两次。"),
                code="hardship.member_twice",
                field=f"household[{i}].id_number",
            )
        members.append({**values, "is_worker": False})
    window = tested_months(today)
    checked_incomes, seen = [], set()
    for i, raw in enumerate(incomes):
        member = raw.get("member", 0)
        if not isinstance(member, int) or isinstance(member, bool) or not 0 <= member < len(members):
            raise RuleViolation(
                _("家庭成员：收入所属的成员不存在。"),
                code="hardship.income_member_unknown",
                field=f"incomes[{i}].member",
            )
        month = _month(raw.get("month"), f"incomes[{i}].month", window)
        if (member, month) in seen:
            raise RuleViolation(
                _("月份：同一成员同一月份的收入只能填写一次。"),
                code="hardship.income_month_twice",
                field=f"incomes[{i}].month",
            )
        seen.add((member, month))
        amount = d.money(raw, "amount", _l("收入"))
        assert amount is not None
        checked_incomes.append((member, month, amount, str(raw.get("source", "")).strip()[:100]))
    checked_expenses = []
    for i, raw in enumerate(expenses):
        kind = d.choice(raw, "kind", _l("支出类型"), {k.value: k.label for k in ExpenseKind})
        month = _month(raw.get("month"), f"expenses[{i}].month", window)
        amount = d.money(raw, "amount", _l("金额"))
        assert amount is not None
        checked_expenses.append((kind, month, amount, str(raw.get("note", "")).strip()[:200]))
    unit = worker.employer
    assert unit is not None
    test = means_test(
        members=len(members),
        income_total=sum((x[2] for x in checked_incomes), Decimal("0")),
        expenses_total=sum((x[2] for x in checked_expenses), Decimal("0")),
        standard=setting_value(unit, "hardship.minimum_living_standard", on=today),
        relative_multiple=setting_value(unit, "hardship.relative_multiple", on=today),
        accident_share=setting_value(unit, "hardship.accident_cost_share", on=today),
    )
    refusal = test.refusal(category)
    if refusal is not None:
        raise refusal
    return Application(members, checked_incomes, checked_expenses, test)


def hardship_case_submit(
    *,
    worker: Person,
    category: str,
    cause: str,
    statement: str,
    consent: bool,
    household: list[dict[str, Any]] | None = None,
    incomes: list[dict[str, Any]] | None = None,
    expenses: list[dict[str, Any]] | None = None,
    documents: Sequence[Attachment] = (),
    by: User,
    today: date | None = None,
) -> HardshipCase:
    """File an application for ``worker`` at their union (the enterprise
    chair, or the street for units without one), with the worker's consent.

    ``household``: the other members (name, relation, optional ID number);
    ``incomes``: ``{"member": index (0 = the worker, then household order),
    "month": "YYYY-MM", "amount", "source"}`` for the twelve months before
    this one; ``expenses``: ``{"kind", "month", "amount", "note"}``. The means
    test must support ``category``. ``documents`` (the evidence filed with
    the application) are checked like every other input and listed as the
    evidence of the entry. Writes the case, its snapshot, the documents and
    one ledger entry ``hardship.submitted``; the case then waits for the
    home visit."""
    today = today or timezone.localdate()
    fields = {"category": category, "cause": cause, "statement": statement}
    d.choice(fields, "category", _l("困难类别"), {c.value: c.label for c in Category})
    d.choice(fields, "cause", _l("致困原因"), {c.value: c.label for c in Cause})
    statement = d.text(fields, "statement", _l("困难情况陈述"))
    if not consent:
        raise RuleViolation(
            _("本人同意：申请须经职工本人同意，请确认已取得其同意。"), code="hardship.consent_missing", field="consent"
        )
    if worker.employer is None:
        raise RuleViolation(
            _("职工：该职工没有登记工作单位，不能由基层工会提出申请。"),
            code="hardship.worker_without_unit",
            field="worker",
        )
    acting = acting_as(by, "case.file", worker.employer, roles=UNIT_RECORDERS)
    if HardshipCase.objects.filter(person__id_number=worker.id_number, state__in=ACTIVE_STATES).exists():
        raise RuleViolation(
            _("职工：该身份证号已有在办或在档的困难职工档案，同一人只能有一份。"),
            code="hardship.active_record_exists",
            field="worker",
        )
    application = application_check(
        worker=worker,
        category=category,
        household=household or [],
        incomes=incomes or [],
        expenses=expenses or [],
        today=today,
    )
    checked = documents_check(documents)
    in_other_household = HouseholdSnapshot.objects.filter(
        id_number=worker.id_number, is_worker=False, case__state__in=ACTIVE_STATES
    ).exists()
    from flows.hardship import HardshipFlow  # the flow imports this app's models

    with atomic_with_files():
        case: HardshipCase = HardshipFlow.start.run(
            case_type="hardship",
            state=State.HOME_VISIT,
            unit=worker.employer,
            unit_path=worker.employer.path,
            person=worker,
            filed_by=by,
            category=category,
            cause=cause,
            statement=statement,
            consent_recorded=True,
            household_size=len(application.household),
            income_total=application.test.income_total,
            expenses_total=application.test.expenses_total,
            per_capita_monthly=application.test.per_capita_monthly,
            standard_applied=application.test.standard,
            means_tested_on=today,
        )
        snapshots = HouseholdSnapshot.objects.bulk_create(
            [
                HouseholdSnapshot(case=case, **{k: m[k] for k in ("name", "relation", "id_number", "is_worker")})
                for m in application.household
            ]
        )
        IncomeRecord.objects.bulk_create(
            [
                IncomeRecord(case=case, member=snapshots[i], month=m, amount=a, source=s)
                for i, m, a, s in application.incomes
            ]
        )
        RigidExpense.objects.bulk_create(
            [RigidExpense(case=case, kind=k, month=m, amount=a, note=n) for k, m, a, n in application.expenses]
        )
        stored = documents_store(case=case, checked=checked, by=by)
        entry = ledger_append(
            action="hardship.submitted",
            subject=case_subject(case),
            subject_unit=case.unit,
            to_state=case.state,
            payload={
                "category": category,
                "cause": cause,
                "household_size": len(application.household),
                "per_capita_monthly": application.test.per_capita_monthly,
                "standard_applied": application.test.standard,
                "member_of_another_active_household": in_other_household,
            },
            personal={
                "worker_id_number": worker.id_number,
                "statement": statement,
                "income_total": application.test.income_total,
                "expenses_total": application.test.expenses_total,
                **documents_personal(stored),
            },
            evidence=documents_evidence(stored),
            **acting,
        )
        documents_link(stored, entry)
        outbox_queue(
            event="hardship.submitted",
            subject=case_subject(case),
            recipients=next_actors(case, TABLE),
            payload={"to_state": case.state},
        )
    return case


def hardship_case_decide(
    *,
    case: HardshipCase,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    by: User | None,
    today: date | None = None,
    documents: Sequence[Attachment] = (),
) -> HardshipCase:
    """Take ``action`` from the case's current state (the transition table
    says who may and what it needs), record what the step established, and
    return the case. One ledger entry, listing ``documents`` uploaded with
    the step as its evidence."""
    data = data or {}
    day = today or timezone.localdate()
    before = case.state
    return case_decide(
        case=case,
        table=TABLE,
        action=action,
        by=by,
        reason=reason,
        data=data,
        documents=documents,
        personal_keys=PERSONAL_DATA_KEYS,
        apply=lambda fresh: _apply(fresh, action, before, data, day, by),
    )


def _apply(
    case: HardshipCase, action: str, before: str, data: dict[str, Any], today: date, by: User | None
) -> list[str]:
    """What a step establishes on the case, beyond its state. The data was
    checked by the transition's rules already."""
    if action == "record_home_visit":
        case.home_visit_on = d.day(data, "visited_on", _l("入户调查日期"))
        case.home_visit_report = d.text(data, "report", _l("入户调查报告"))
        return ["home_visit_on", "home_visit_report"]
    if action == "record_evaluation":
        case.evaluation_on = d.day(data, "evaluated_on", _l("民主评议日期"))
        case.evaluation_present = d.whole(data, "present", _l("参加评议人数"))
        case.evaluation_in_favour = d.whole(data, "in_favour", _l("同意人数"))
        return ["evaluation_on", "evaluation_present", "evaluation_in_favour", *_notice(case, data)]
    if action == "return":
        case.returned_from = before
        return ["returned_from"]
    if action == "resubmit":
        case.returned_from = ""
        return ["returned_from"]
    if action == "approve" and case.state == State.FILED:
        case_number_issue(case=case, series=RECORD_SERIES, year=today.year)
        case.filed_on = today
        case.help_plan = d.text(data, "help_plan", _l("帮扶计划"))
        case.next_review_due = _years_later(today, 1)
        return ["filed_on", "help_plan", "next_review_due"]
    if action in ("reject", "withdraw"):
        case.closed_at = timezone.now()
        return ["closed_at"]
    if action == "complete_review":
        assert by is not None  # a review is a step someone took
        outcome = data["outcome"]
        AnnualReview.objects.create(
            case=case,
            year=today.year,
            outcome=outcome,
            per_capita_monthly=case.per_capita_monthly,
            new_category=data.get("new_category", "") if outcome == ReviewOutcome.CHANGE_CATEGORY else "",
            notes=d.text(data, "notes", _l("复核意见")),
            reviewed_by=by,
        )
        case.next_review_due = _years_later(today, 1)
        fields = ["next_review_due"]
        if outcome == ReviewOutcome.CHANGE_CATEGORY:
            case.category = data["new_category"]
            fields.append("category")
        return fields
    if action == "propose_exit":
        case.exit_reason = data["exit_reason"]
        case.exit_proposed_on = today
        return ["exit_reason", "exit_proposed_on", *_notice(case, data)]
    if action == "reject_exit":
        case.exit_reason, case.exit_proposed_on = "", None
        return ["exit_reason", "exit_proposed_on"]
    if action == "approve_exit":
        case.exited_on = today
        case.retain_until = _years_later(today, RETENTION_YEARS)
        return ["exited_on", "retain_until"]
    if action == "archive":
        case.closed_at = timezone.now()
        return ["closed_at"]
    return []


def _notice(case: HardshipCase, data: dict[str, Any]) -> list[str]:
    case.notice_from = d.day(data, "notice_from", _l("公示开始日期"))
    case.notice_until = d.day(data, "notice_until", _l("公示截止日期"))
    return ["notice_from", "notice_until"]


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


register_decider("hardship", hardship_case_decide)


# Who records objections in each notice: the unit's recorders, the street for an exit.
NOTICE_STATES: dict[str, tuple[str, frozenset[str]]] = {
    State.UNIT_NOTICE: ("case.file", UNIT_RECORDERS),
    State.EXIT_NOTICE: ("case.prepare", frozenset({"street_caseworker"})),
}


def hardship_objection_record(
    *, case: HardshipCase, objector: str, content: str, raised_on: date, by: User
) -> Objection:
    """Record a named objection raised during a public notice. While any is
    unresolved the notice cannot end. One ledger entry."""
    objection = objection_record(
        case=case, objector=objector, content=content, raised_on=raised_on, by=by, notice_states=NOTICE_STATES
    )
    assert isinstance(objection, Objection)
    return objection


def hardship_objection_resolve(*, objection: Objection, upheld: bool, resolution: str, by: User) -> Objection:
    """Record the street's investigation of an objection and its outcome.
    An upheld objection is for the street review to weigh (return or reject)."""
    resolved = objection_resolve(
        objection=objection,
        upheld=upheld,
        resolution=resolution,
        by=by,
        permission="case.prepare",
        roles=frozenset({"street_caseworker"}),
    )
    assert isinstance(resolved, Objection)
    return resolved
