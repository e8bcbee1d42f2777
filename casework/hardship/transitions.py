"""The hardship flow's one transition table (domain.md §1).

state × action → next state, the permission and roles that take it, and the
named rules it checks. The flow routes on the resulting state, the API lists
``TABLE.available(case, user)``, the pages draw one button per entry, and
the tests walk the same table.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.cases import data as d
from casework.cases.notices import NOTICE_SCHEMA, notice_end, notice_rules
from casework.cases.transitions import RETURN_TO_SENDER, Table, Transition, date_rule
from casework.deadlines.periods import Period
from casework.errors import RuleViolation
from casework.hardship.choices import Category, ExitReason, ReviewOutcome, State
from permissions.roles import (
    DISTRICT_APPROVER,
    ENTERPRISE_CHAIR,
    STREET_APPROVER,
    STREET_CASEWORKER,
)

UNIT_RECORDERS = frozenset({ENTERPRISE_CHAIR, STREET_CASEWORKER})  # unit facts: the chair, or the street for them
STREET_STAFF = frozenset({STREET_CASEWORKER})
STREET_DECIDERS = frozenset({STREET_APPROVER})
DISTRICT_DECIDERS = frozenset({DISTRICT_APPROVER})


def _today() -> date:
    return timezone.localdate()


# Named rules: (case, by, data) -> RuleViolation | None.


notice_long_enough, notice_over_and_objections_resolved = notice_rules("hardship.notice_working_days")


def evaluation_majority(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    present = d.whole(data, "present", _l("参加评议人数"), minimum=1)
    in_favour = d.whole(data, "in_favour", _l("同意人数"))
    if in_favour > present:
        return RuleViolation(
            _("同意人数：不能多于参加评议人数。"), code="hardship.evaluation_count_invalid", field="in_favour"
        )
    if in_favour * 2 <= present:
        return RuleViolation(
            _("同意人数：民主评议须过半数同意（%(yes)d/%(present)d），未通过的申请请由申请人撤回。")
            % {"yes": in_favour, "present": present},
            code="hardship.evaluation_not_passed",
            field="in_favour",
        )
    return None


def exit_reason_given(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    d.choice(data, "exit_reason", _l("退档原因"), {c.value: c.label for c in ExitReason})
    return None


def _text_rule(name: str, label: Any) -> Any:
    def rule(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
        d.text(data, name, label)
        return None

    return rule


def review_outcome_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    if case.reviews.filter(year=_today().year).exists():
        return RuleViolation(_("年度复核：本年度已复核过。"), code="hardship.reviewed_this_year", field="outcome")
    outcome = d.choice(data, "outcome", _l("复核结论"), {ReviewOutcome.CONTINUE: 1, ReviewOutcome.CHANGE_CATEGORY: 1})
    d.text(data, "notes", _l("复核意见"))
    if outcome == ReviewOutcome.CHANGE_CATEGORY:
        new = d.choice(data, "new_category", _l("新类别"), {c.value: c.label for c in Category})
        if new == case.category:
            return RuleViolation(
                _("新类别：与现有类别相同。"), code="hardship.category_unchanged", field="new_category"
            )
    return None


def _review_due(case: Any) -> date | None:
    return case.next_review_due


# How long each step may take; every length is a district setting.
PERIODS: dict[str, Period] = {
    State.HOME_VISIT: Period("hardship.home_visit_working_days"),
    State.UNIT_EVALUATION: Period("hardship.evaluation_working_days"),
    State.UNIT_NOTICE: Period("hardship.notice_close_working_days", after=notice_end),
    State.STREET_REVIEW: Period("hardship.street_review_working_days"),
    State.DISTRICT_APPROVAL: Period("hardship.district_approval_working_days"),
    State.RETURNED: Period("hardship.correction_working_days"),
    State.FILED: Period(on=_review_due),
    State.ANNUAL_REVIEW: Period("hardship.annual_review_working_days"),
    State.EXIT_NOTICE: Period("hardship.notice_close_working_days", after=notice_end),
    State.EXIT_APPROVAL: Period("hardship.district_approval_working_days"),
    State.EXITED: Period("hardship.records_sync_working_days"),
}

T = Transition
TABLE = Table(
    [
        # Filing.
        T(
            State.HOME_VISIT,
            "record_home_visit",
            State.UNIT_EVALUATION,
            "case.prepare",
            _l("录入入户调查"),
            roles=STREET_STAFF,
            rules=(date_rule("visited_on", _l("入户调查日期")), _text_rule("report", _l("入户调查报告"))),
            data_schema=d.schema(
                ["visited_on", "report"],
                visited_on=d.schema_date(_l("入户调查日期")),
                report=d.schema_text(_l("入户调查报告")),
            ),
        ),
        T(
            State.HOME_VISIT,
            "return",
            State.RETURNED,
            "case.prepare",
            _l("退回补正"),
            roles=STREET_STAFF,
            needs_reason=True,
        ),
        T(
            State.UNIT_EVALUATION,
            "record_evaluation",
            State.UNIT_NOTICE,
            "case.file",
            _l("录入民主评议并开始公示"),
            roles=UNIT_RECORDERS,
            rules=(date_rule("evaluated_on", _l("民主评议日期")), evaluation_majority, notice_long_enough),
            data_schema=d.schema(
                ["evaluated_on", "present", "in_favour", "notice_from", "notice_until"],
                evaluated_on=d.schema_date(_l("民主评议日期")),
                present=d.schema_whole(_l("参加评议人数")),
                in_favour=d.schema_whole(_l("同意人数")),
                **NOTICE_SCHEMA["properties"],
            ),
        ),
        T(
            State.UNIT_NOTICE,
            "end_notice",
            State.STREET_REVIEW,
            "case.file",
            _l("公示期满，报街道审核"),
            roles=UNIT_RECORDERS,
            rules=(notice_over_and_objections_resolved,),
        ),
        T(
            State.STREET_REVIEW,
            "approve",
            State.DISTRICT_APPROVAL,
            "case.decide",
            _l("审核通过，报区总工会"),
            roles=STREET_DECIDERS,
        ),
        T(
            State.STREET_REVIEW,
            "return",
            State.RETURNED,
            "case.decide",
            _l("退回补正"),
            roles=STREET_DECIDERS,
            needs_reason=True,
        ),
        T(
            State.STREET_REVIEW,
            "reject",
            State.REJECTED,
            "case.decide",
            _l("不予建档"),
            roles=STREET_DECIDERS,
            needs_reason=True,
        ),
        T(
            State.DISTRICT_APPROVAL,
            "approve",
            State.FILED,
            "case.decide",
            _l("批准建档"),
            roles=DISTRICT_DECIDERS,
            rules=(_text_rule("help_plan", _l("帮扶计划")),),
            data_schema=d.schema(["help_plan"], help_plan=d.schema_text(_l("帮扶计划"))),
        ),
        T(
            State.DISTRICT_APPROVAL,
            "return",
            State.RETURNED,
            "case.decide",
            _l("退回补正"),
            roles=DISTRICT_DECIDERS,
            needs_reason=True,
        ),
        T(
            State.DISTRICT_APPROVAL,
            "reject",
            State.REJECTED,
            "case.decide",
            _l("不予建档"),
            roles=DISTRICT_DECIDERS,
            needs_reason=True,
        ),
        T(State.RETURNED, "resubmit", RETURN_TO_SENDER, "case.file", _l("补正后重新提交"), roles=UNIT_RECORDERS),
        # Withdrawal at the worker's request, before approval; the filer records it.
        *(
            T(
                state,
                "withdraw",
                State.WITHDRAWN,
                "case.file",
                _l("应职工本人要求撤回"),
                roles=UNIT_RECORDERS,
                needs_reason=True,
                notifies=False,
            )
            for state in (
                State.HOME_VISIT,
                State.UNIT_EVALUATION,
                State.UNIT_NOTICE,
                State.STREET_REVIEW,
                State.DISTRICT_APPROVAL,
                State.RETURNED,
            )
        ),
        # The filed record: annual review.
        T(State.FILED, "start_review", State.ANNUAL_REVIEW, "case.prepare", _l("开始年度复核"), roles=STREET_STAFF),
        T(
            State.ANNUAL_REVIEW,
            "complete_review",
            State.FILED,
            "case.prepare",
            _l("完成年度复核"),
            roles=STREET_STAFF,
            rules=(review_outcome_valid,),
            data_schema=d.schema(
                ["outcome", "notes"],
                outcome=d.schema_choice(
                    _l("复核结论"),
                    [(o.value, o.label) for o in (ReviewOutcome.CONTINUE, ReviewOutcome.CHANGE_CATEGORY)],
                ),
                notes=d.schema_text(_l("复核意见")),
                new_category=d.schema_choice(_l("新类别"), Category.choices),
            ),
        ),
        # Exit: proposed by the street (or from the annual review), noticed, approved by the district.
        *(
            T(
                state,
                "propose_exit",
                State.EXIT_NOTICE,
                "case.prepare",
                _l("提出退档并公示"),
                roles=STREET_STAFF,
                needs_reason=True,
                rules=(exit_reason_given, notice_long_enough),
                data_schema=d.schema(
                    ["exit_reason", "notice_from", "notice_until"],
                    exit_reason=d.schema_choice(_l("退档原因"), ExitReason.choices),
                    **NOTICE_SCHEMA["properties"],
                ),
            )
            for state in (State.FILED, State.ANNUAL_REVIEW)
        ),
        T(
            State.EXIT_NOTICE,
            "end_notice",
            State.EXIT_APPROVAL,
            "case.prepare",
            _l("公示期满，报区总工会审批"),
            roles=STREET_STAFF,
            rules=(notice_over_and_objections_resolved,),
        ),
        T(State.EXIT_APPROVAL, "approve_exit", State.EXITED, "case.decide", _l("批准退档"), roles=DISTRICT_DECIDERS),
        T(
            State.EXIT_APPROVAL,
            "reject_exit",
            State.FILED,
            "case.decide",
            _l("不同意退档"),
            roles=DISTRICT_DECIDERS,
            needs_reason=True,
        ),
        T(State.EXITED, "archive", State.ARCHIVED, "case.prepare", _l("归档"), roles=STREET_STAFF),
    ],
    periods=PERIODS,
)
