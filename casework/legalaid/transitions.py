"""The legal-aid flow's one transition table (domain.md §3: 全总《工会法律
援助办法》, the periods of the 《法律援助法》 where it is silent).

The legal officer checks the application (one notice listing everything
missing; the decision's clock starts when it is complete), a decider
(legal officer or district approver, never whoever prepared it) decides
with written reasons for a refusal, the district approver decides an
objection, the legal officer assigns a lawyer or team member, the lawyer
works the case and reports its closure, the legal officer reviews the file
and requests the subsidy, finance pays it. Two steps nobody takes: material
not supplied by its date (the application is treated as withdrawn, 43) and
a refusal nobody objected to in time (final).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.cases import data as d
from casework.cases.transitions import Table, Transition, expiry_step
from casework.deadlines.periods import Period
from casework.errors import RuleViolation
from casework.legalaid.choices import Outcome, State, Termination, Urgency
from permissions.roles import DISTRICT_APPROVER, FINANCE_OFFICER, LAWYER, LEGAL_OFFICER

OFFICERS = frozenset({LEGAL_OFFICER})
DECIDERS = frozenset({LEGAL_OFFICER, DISTRICT_APPROVER})
OBJECTION_DECIDERS = frozenset({DISTRICT_APPROVER})
LAWYERS = frozenset({LAWYER})
FINANCE = frozenset({FINANCE_OFFICER})
URGENT_WINDOW = 7  # 法律援助法 44: fewer than 7 days left before a deadline


def _today() -> date:
    return timezone.localdate()


def material_request_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    d.text(data, "missing_material", _l("需补充的材料"))
    supply_by = d.day(data, "supply_by", _l("补充材料截止日期"))
    assert supply_by is not None
    if supply_by <= _today():
        return RuleViolation(_("补充材料截止日期：应在今天之后。"), code="legalaid.supply_by_past", field="supply_by")
    return None


def urgency_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """Aid before the documents are complete only for the reasons of 法律援助法 44."""
    urgency = d.choice(data, "urgency", _l("先行援助事由"), {u.value: u.label for u in Urgency})
    if urgency == Urgency.DEADLINE:
        deadline = d.day(data, "urgent_deadline", _l("期限届满日"))
        assert deadline is not None
        if not _today() <= deadline < _today() + timedelta(days=URGENT_WINDOW):
            return RuleViolation(
                _("期限届满日：先行援助限于距时效或其他期限届满不足7日（《法律援助法》第44条）。"),
                code="legalaid.not_urgent",
                field="urgent_deadline",
            )
    return None


def lawyer_chosen(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """An active lawyer or team member of the case's district, free of any
    declared conflict with its parties (the employer they act for)."""
    from casework.legalaid.services import assignment_check

    return assignment_check(case, data.get("lawyer"))


def lawyer_options(case: Any) -> list[tuple[int, str]]:
    """Who may be assigned (one with a declared conflict is refused when the step is taken)."""
    from casework.legalaid.services import lawyers_of

    return [(u.pk, str(u)) for u in lawyers_of(case)]


def urgent_pending(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    if not case.urgency or case.urgent_confirmed_on is not None:
        return RuleViolation(
            _("先行援助：本案不是待审查的先行援助案件。"), code="legalaid.no_urgent_review", field="action"
        )
    return None


def closure_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """A closure states its outcome and report; an urgent case's review comes first."""
    if case.urgency and case.urgent_confirmed_on is None:
        return RuleViolation(_("结案：先行援助案件须先经审查确认。"), code="legalaid.urgent_unreviewed", field="action")
    d.choice(data, "outcome", _l("办理结果"), {o.value: o.label for o in Outcome})
    awarded = d.money(data, "amount_awarded", _l("裁判或调解金额（元）"), required=False)
    recovered = d.money(data, "amount_recovered", _l("实际追回金额（元）"), required=False)
    if recovered is not None and awarded is not None and recovered > awarded:
        return RuleViolation(
            _("实际追回金额：不能多于裁判或调解金额。"), code="legalaid.recovered_too_much", field="amount_recovered"
        )
    d.text(data, "closure_report", _l("结案报告"), max_length=20000)
    return None


def subsidy_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    amount = d.money(data, "subsidy_amount", _l("办案补贴（元）"))
    assert amount is not None
    if amount <= 0:
        return RuleViolation(
            _("办案补贴（元）：应大于0。"), code="legalaid.subsidy_not_positive", field="subsidy_amount"
        )
    return None


def termination_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    d.choice(data, "termination", _l("终止原因"), {t.value: t.label for t in Termination})
    return None


def _supply_by(case: Any) -> date | None:
    return case.supply_by


def _decided(case: Any) -> date | None:
    return case.decided_on


PERIODS: dict[str, Period] = {
    State.APPLIED: Period("legalaid.completeness_working_days"),
    State.AWAITING_MATERIAL: Period(on=_supply_by),
    State.DECISION: Period("legalaid.decision_days"),
    State.REFUSED: Period("legalaid.objection_window_days", after=_decided),
    State.OBJECTION: Period("legalaid.objection_days"),
    State.ASSIGNMENT: Period("legalaid.assignment_days"),
    State.CLOSURE_REVIEW: Period("legalaid.closure_review_working_days"),
    State.SUBSIDY: Period("legalaid.subsidy_working_days"),
}


T = Transition
TABLE = Table(
    [
        # The completeness check (办法 12; 法律援助法 43).
        T(State.APPLIED, "accept", State.DECISION, "case.prepare", _l("材料齐全，提交决定"), roles=OFFICERS),
        T(
            State.APPLIED,
            "request_material",
            State.AWAITING_MATERIAL,
            "case.prepare",
            _l("一次性告知补充材料"),
            roles=OFFICERS,
            rules=(material_request_valid,),
            data_schema=d.schema(
                ["missing_material", "supply_by"],
                missing_material=d.schema_text(_l("需补充的材料")),
                supply_by=d.schema_date(_l("补充材料截止日期")),
            ),
        ),
        T(
            State.APPLIED,
            "start_urgent",
            State.ASSIGNMENT,
            "case.prepare",
            _l("先行提供法律援助（材料后补）"),
            roles=OFFICERS,
            rules=(urgency_valid,),
            data_schema=d.schema(
                ["urgency"],
                urgency=d.schema_choice(_l("先行援助事由"), Urgency.choices),
                urgent_deadline=d.schema_date(_l("期限届满日")),
            ),
        ),
        T(
            State.AWAITING_MATERIAL,
            "material_supplied",
            State.DECISION,
            "case.prepare",
            _l("材料已补齐，提交决定"),
            roles=OFFICERS,
        ),
        expiry_step(
            State.AWAITING_MATERIAL, "not_supplied", State.WITHDRAWN, _l("逾期未补充材料，视为撤回申请"), roles=OFFICERS
        ),
        # The decision (43): written reasons for a refusal.
        T(State.DECISION, "approve", State.ASSIGNMENT, "case.decide", _l("决定给予法律援助"), roles=DECIDERS),
        T(
            State.DECISION,
            "refuse",
            State.REFUSED,
            "case.decide",
            _l("决定不予法律援助（书面说明理由）"),
            roles=DECIDERS,
            needs_reason=True,
        ),
        # The objection (49): the applicant's written objection, decided by the district.
        T(
            State.REFUSED,
            "record_objection",
            State.OBJECTION,
            "case.prepare",
            _l("登记申请人的异议"),
            roles=OFFICERS,
            needs_reason=True,
            needs_evidence=True,
        ),
        expiry_step(State.REFUSED, "refusal_final", State.REJECTED, _l("异议期满未提出异议"), roles=OFFICERS),
        T(
            State.OBJECTION,
            "uphold_objection",
            State.ASSIGNMENT,
            "case.decide",
            _l("异议成立，给予法律援助"),
            roles=OBJECTION_DECIDERS,
        ),
        T(
            State.OBJECTION,
            "dismiss_objection",
            State.REJECTED,
            "case.decide",
            _l("异议不成立，维持不予援助"),
            roles=OBJECTION_DECIDERS,
            needs_reason=True,
        ),
        # The assignment (43): a lawyer or team member without a conflict.
        T(
            State.ASSIGNMENT,
            "assign",
            State.IN_PROGRESS,
            "legalaid.assign",
            _l("指派承办人"),
            roles=OFFICERS,
            rules=(lawyer_chosen,),
            data_schema=d.schema(["lawyer"], lawyer=d.schema_whole(_l("承办人"))),
            options={"lawyer": lambda case: lawyer_options(case)},
        ),
        # The case work: events are recorded on their own (legalaid_event_record).
        T(
            State.IN_PROGRESS,
            "submit_closure",
            State.CLOSURE_REVIEW,
            "case.work",
            _l("提交结案报告"),
            roles=LAWYERS,
            rules=(closure_valid,),
            data_schema=d.schema(
                ["outcome", "closure_report"],
                outcome=d.schema_choice(_l("办理结果"), Outcome.choices),
                amount_awarded=d.schema_money(_l("裁判或调解金额（元）")),
                amount_recovered=d.schema_money(_l("实际追回金额（元）")),
                closure_report=d.schema_text(_l("结案报告")),
            ),
        ),
        T(
            State.IN_PROGRESS,
            "confirm_urgent",
            State.IN_PROGRESS,
            "case.decide",
            _l("先行援助经审查，符合条件"),
            roles=DECIDERS,
            notifies=False,
            rules=(urgent_pending,),
        ),
        T(
            State.IN_PROGRESS,
            "end_urgent",
            State.TERMINATED,
            "case.decide",
            _l("先行援助经审查不符合条件，终止援助"),
            roles=DECIDERS,
            needs_reason=True,
            notifies=False,
            rules=(urgent_pending,),
        ),
        # Termination (法律援助法 48) at any active step.
        *(
            T(
                state,
                "terminate",
                State.TERMINATED,
                "case.decide",
                _l("终止法律援助"),
                roles=DECIDERS,
                needs_reason=True,
                notifies=False,
                rules=(termination_valid,),
                data_schema=d.schema(["termination"], termination=d.schema_choice(_l("终止原因"), Termination.choices)),
            )
            for state in (State.ASSIGNMENT, State.IN_PROGRESS, State.CLOSURE_REVIEW)
        ),
        # Closure: the file reviewed, the subsidy requested, then paid by finance (never the requester).
        T(
            State.CLOSURE_REVIEW,
            "accept_closure",
            State.SUBSIDY,
            "case.prepare",
            _l("审查结案材料，申请支付办案补贴"),
            roles=OFFICERS,
            rules=(subsidy_valid,),
            data_schema=d.schema(["subsidy_amount"], subsidy_amount=d.schema_money(_l("办案补贴（元）"))),
        ),
        T(
            State.CLOSURE_REVIEW,
            "return_closure",
            State.IN_PROGRESS,
            "case.prepare",
            _l("结案材料退回补正"),
            roles=OFFICERS,
            needs_reason=True,
        ),
        T(
            State.SUBSIDY,
            "approve_subsidy",
            State.ARCHIVED,
            "payment.decide",
            _l("核准支付办案补贴，归档"),
            roles=FINANCE,
        ),
        # Withdrawal at the applicant's request, before a decision.
        *(
            T(
                state,
                "withdraw",
                State.WITHDRAWN,
                "case.prepare",
                _l("应申请人要求撤回"),
                roles=OFFICERS,
                needs_reason=True,
                notifies=False,
            )
            for state in (State.APPLIED, State.AWAITING_MATERIAL, State.DECISION)
        ),
    ],
    periods=PERIODS,
)
