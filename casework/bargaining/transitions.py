"""The bargaining flow's one transition table (domain.md §2; article
numbers of 《集体合同规定》).

The union's own acts (offer, rounds, draft, congress, signing, filing,
publication) are recorded by its chair or by the street or district staff
who guide it; the acts of outside parties (the employer's reply, the
labour bureau's coordination and review) are recorded by union staff with
the document as evidence. Two steps nobody takes: once the bureau's review
period passes without an objection the agreement is in force (47), and the
renewal window opens and closes by the calendar (38); the deadline scan
takes them as the system.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.bargaining.choices import Side, State
from casework.bargaining.rules import Vote, sides_check, term_check, vote_check
from casework.cases import data as d
from casework.cases.transitions import Table, Transition, date_rule, expiry_step
from casework.deadlines.periods import Period
from casework.district.selectors import setting_value
from casework.errors import RuleViolation
from permissions.roles import DISTRICT_CASEWORKER, ENTERPRISE_CHAIR, STREET_CASEWORKER

# The union's own acts: its chair, or the staff guiding it.
UNION = frozenset({ENTERPRISE_CHAIR, STREET_CASEWORKER, DISTRICT_CASEWORKER})
# Outside parties' acts, recorded with their document by union staff.
STAFF = frozenset({STREET_CASEWORKER, DISTRICT_CASEWORKER})


def _today() -> date:
    return timezone.localdate()


def _date_rule(name: str, label: Any, *, after: str = "", after_label: Any = "") -> Any:
    return date_rule(name, label, after=after, after_label=after_label, order_code="bargaining.date_order")


def sides_ready(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """Both sides named, equal, nobody on both (19, 24)."""
    from casework.bargaining.services import seats_in

    return sides_check(seats_in(case, Side.UNION), seats_in(case, Side.EMPLOYER))


def union_side_named(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """An offer names the union's representatives."""
    if not case.seats.filter(side=Side.UNION).exists():
        return RuleViolation(
            _("职工方代表：发出要约前须确定职工方协商代表。"), code="bargaining.side_missing", field="union_seats"
        )
    return None


def offer_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    d.choice(data, "offered_by", _l("要约方"), {s.value: s.label for s in Side})
    d.day(data, "served_on", _l("要约送达日期"), not_after=_today())
    return None


def confirmed_round(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    if not case.rounds.filter(chiefs_confirmed=True).exists():
        return RuleViolation(
            _("协商会议：尚无经双方首席代表签字确认的协商记录（《集体合同规定》第33、34条）。"),
            code="bargaining.no_confirmed_round",
            field="rounds",
        )
    return None


def draft_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """The draft's main clauses: minimum pay not below the local minimum
    wage, a pay day of the month, a term of one to three years (38)."""
    d.money(data, "wage_increase_percent", _l("工资增长幅度（%）"))
    minimum_pay = d.money(data, "minimum_pay", _l("最低工资标准（元/月）"))
    assert minimum_pay is not None
    local = setting_value(case.unit, "bargaining.local_minimum_wage", on=_today())
    if minimum_pay < local:
        return RuleViolation(
            _("最低工资标准：不得低于当地最低工资标准%(local)s元。") % {"local": local},
            code="bargaining.below_minimum_wage",
            field="minimum_pay",
        )
    pay_day = d.whole(data, "pay_day", _l("每月工资支付日"), minimum=1)
    if pay_day > 31:
        return RuleViolation(_("每月工资支付日：为1至31日。"), code="bargaining.pay_day_invalid", field="pay_day")
    problem = term_check(d.whole(data, "term_months", _l("合同期限（月）")))
    if problem is not None:
        return problem
    d.text(data, "agreement_text", _l("协议文本"), max_length=50000)
    return None


def vote_of(data: dict[str, Any]) -> Vote:
    return Vote(
        total=d.whole(data, "representatives_total", _l("职工代表总数")),
        present=d.whole(data, "present", _l("出席人数")),
        yes=d.whole(data, "yes", _l("赞成人数")),
        no=d.whole(data, "no", _l("反对人数")),
        abstain=d.whole(data, "abstain", _l("弃权人数")),
    )


def congress_passed(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """Counts that can be true, a quorum, and more than half of ALL representatives in favour (36)."""
    d.day(data, "voted_on", _l("职代会审议日期"), not_after=_today())
    vote = vote_of(data)
    problem = vote_check(vote)
    if problem is None and not vote.passed:
        return RuleViolation(
            _("赞成人数：须超过全体职工代表的半数（《集体合同规定》第36条），%(yes)d/%(total)d未通过，请登记为未通过。")
            % {"yes": vote.yes, "total": vote.total},
            code="bargaining.congress_not_passed",
            field="yes",
        )
    return problem


def congress_failed(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """A valid vote that did not pass (a quorate vote that passed is not a rejection)."""
    d.day(data, "voted_on", _l("职代会审议日期"), not_after=_today())
    vote = vote_of(data)
    problem = vote_check(vote)
    if problem is None and vote.passed:
        return RuleViolation(
            _("赞成人数：%(yes)d/%(total)d已超过全体职工代表的半数，草案已通过，请登记为通过。")
            % {"yes": vote.yes, "total": vote.total},
            code="bargaining.congress_passed",
            field="yes",
        )
    return problem


def resume_date_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    resume_on = d.day(data, "resume_on", _l("约定恢复协商日期"))
    assert resume_on is not None
    if resume_on <= _today():
        return RuleViolation(
            _("约定恢复协商日期：应在今天之后（《集体合同规定》第35条）。"),
            code="bargaining.resume_date_past",
            field="resume_on",
        )
    return None


def filing_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    submitted = d.day(data, "submitted_on", _l("报送日期"), not_after=_today())
    received = d.day(data, "received_on", _l("劳动保障部门收到日期"), not_after=_today())
    assert submitted is not None and received is not None
    if case.signed_on and submitted < case.signed_on:
        return RuleViolation(
            _("报送日期：不能早于签字日期（%(date)s）。") % {"date": case.signed_on.isoformat()},
            code="bargaining.date_order",
            field="submitted_on",
        )
    if received < submitted:
        return RuleViolation(
            _("劳动保障部门收到日期：不能早于报送日期。"), code="bargaining.date_order", field="received_on"
        )
    return None


def reply_accepted(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    return _date_rule("replied_on", _l("回应日期"), after="offer_served_on", after_label=_l("要约送达日期"))(
        case, by, data
    )


# Dates the periods run from, or fall on.
def _served(case: Any) -> date | None:
    return case.offer_served_on


def _coordination(case: Any) -> date | None:
    return case.coordination_requested_on


def _signed(case: Any) -> date | None:
    return case.signed_on


def _received(case: Any) -> date | None:
    return case.received_on


def _resume(case: Any) -> date | None:
    return case.resume_on


def _before_renewal(case: Any) -> date | None:
    """The last day before the renewal window (the scan opens it the next morning)."""
    return case.renewal_opens_on - timedelta(days=1) if case.renewal_opens_on else None


def _expires(case: Any) -> date | None:
    return case.expires_on


PERIODS: dict[str, Period] = {
    State.PREPARING: Period("bargaining.preparation_working_days"),
    State.OFFER_SERVED: Period("bargaining.reply_days", after=_served, instead="bargaining.reply_working_days"),
    State.COORDINATION: Period(
        "bargaining.coordination_days", after=_coordination, instead="bargaining.coordination_working_days"
    ),
    State.NEGOTIATING: Period("bargaining.negotiation_days"),
    State.SUSPENDED: Period(on=_resume),
    State.CONGRESS_VOTE: Period("bargaining.congress_days"),
    State.SIGNING: Period("bargaining.signing_days"),
    State.FILING: Period("bargaining.filing_days", after=_signed, instead="bargaining.filing_working_days"),
    State.UNDER_REVIEW: Period("bargaining.review_days", after=_received, instead="bargaining.review_working_days"),
    State.EFFECTIVE: Period("bargaining.publish_working_days"),
    State.PUBLISHED: Period(on=_before_renewal),
    State.RENEWAL: Period(on=_expires),
}

SCHEMA_VOTE = d.schema(
    ["voted_on", "representatives_total", "present", "yes", "no", "abstain"],
    voted_on=d.schema_date(_l("职代会审议日期")),
    representatives_total=d.schema_whole(_l("职工代表总数")),
    present=d.schema_whole(_l("出席人数")),
    yes=d.schema_whole(_l("赞成人数")),
    no=d.schema_whole(_l("反对人数")),
    abstain=d.schema_whole(_l("弃权人数")),
)


T = Transition
TABLE = Table(
    [
        T(
            State.PREPARING,
            "serve_offer",
            State.OFFER_SERVED,
            "case.file",
            _l("发出书面要约"),
            roles=UNION,
            needs_evidence=True,  # the offer and its proof of service (送达回证)
            rules=(union_side_named, offer_valid),
            data_schema=d.schema(
                ["offered_by", "served_on"],
                offered_by=d.schema_choice(_l("要约方"), Side.choices),
                served_on=d.schema_date(_l("要约送达日期")),
            ),
        ),
        # The employer's written answer (32), recorded with the letter.
        T(
            State.OFFER_SERVED,
            "record_acceptance",
            State.NEGOTIATING,
            "case.prepare",
            _l("登记对方同意协商"),
            roles=STAFF,
            needs_evidence=True,
            rules=(reply_accepted,),
            data_schema=d.schema(["replied_on"], replied_on=d.schema_date(_l("回应日期"))),
        ),
        T(
            State.OFFER_SERVED,
            "record_refusal",
            State.COORDINATION,
            "case.prepare",
            _l("登记对方拒绝协商，提请劳动保障部门协调"),
            roles=STAFF,
            needs_reason=True,
            needs_evidence=True,
            rules=(reply_accepted,),
            data_schema=d.schema(["replied_on"], replied_on=d.schema_date(_l("回应日期"))),
        ),
        expiry_step(
            State.OFFER_SERVED, "no_reply", State.COORDINATION, _l("逾期未回应，提请劳动保障部门协调"), roles=STAFF
        ),
        # The labour bureau's coordination (49–52).
        T(
            State.COORDINATION,
            "coordination_agreed",
            State.NEGOTIATING,
            "case.prepare",
            _l("登记协调结果：同意协商"),
            roles=STAFF,
            needs_evidence=True,
            rules=(
                _date_rule(
                    "coordinated_on", _l("协调日期"), after="coordination_requested_on", after_label=_l("提请协调日期")
                ),
            ),
            data_schema=d.schema(["coordinated_on"], coordinated_on=d.schema_date(_l("协调日期"))),
        ),
        T(
            State.COORDINATION,
            "coordination_failed",
            State.CLOSED,
            "case.prepare",
            _l("登记协调未果，结束本次协商"),
            roles=STAFF,
            needs_reason=True,
            needs_evidence=True,
        ),
        # Negotiating: rounds are recorded on their own (bargaining_round_record).
        T(
            State.NEGOTIATING,
            "agree_draft",
            State.CONGRESS_VOTE,
            "case.file",
            _l("形成协议草案，提交职代会"),
            roles=UNION,
            rules=(sides_ready, confirmed_round, draft_valid),
            data_schema=d.schema(
                ["wage_increase_percent", "minimum_pay", "pay_day", "term_months", "agreement_text"],
                wage_increase_percent=d.schema_money(_l("工资增长幅度（%）")),
                minimum_pay=d.schema_money(_l("最低工资标准（元/月）")),
                pay_day=d.schema_whole(_l("每月工资支付日")),
                term_months=d.schema_whole(_l("合同期限（月）")),
                agreement_text=d.schema_text(_l("协议文本")),
            ),
        ),
        T(
            State.NEGOTIATING,
            "suspend",
            State.SUSPENDED,
            "case.file",
            _l("中止协商（约定恢复日期）"),
            roles=UNION,
            needs_reason=True,
            notifies=False,
            rules=(resume_date_valid,),
            data_schema=d.schema(["resume_on"], resume_on=d.schema_date(_l("约定恢复协商日期"))),
        ),
        T(State.SUSPENDED, "resume", State.NEGOTIATING, "case.file", _l("恢复协商"), roles=UNION),
        # The workers' congress (36).
        T(
            State.CONGRESS_VOTE,
            "congress_approve",
            State.SIGNING,
            "case.file",
            _l("登记职代会审议通过"),
            roles=UNION,
            rules=(congress_passed,),
            data_schema=SCHEMA_VOTE,
        ),
        T(
            State.CONGRESS_VOTE,
            "congress_reject",
            State.NEGOTIATING,
            "case.file",
            _l("登记职代会未通过，重新协商"),
            roles=UNION,
            rules=(congress_failed,),
            data_schema=SCHEMA_VOTE,
        ),
        T(
            State.SIGNING,
            "sign",
            State.FILING,
            "case.file",
            _l("登记双方首席代表签字"),
            roles=UNION,
            rules=(
                _date_rule("signed_on", _l("签字日期"), after="congress_voted_on", after_label=_l("职代会审议日期")),
            ),
            data_schema=d.schema(["signed_on"], signed_on=d.schema_date(_l("签字日期"))),
        ),
        T(
            State.FILING,
            "file",
            State.UNDER_REVIEW,
            "case.file",
            _l("登记报送劳动保障部门"),
            roles=UNION,
            needs_evidence=True,
            rules=(filing_valid,),
            data_schema=d.schema(
                ["submitted_on", "received_on"],
                submitted_on=d.schema_date(_l("报送日期")),
                received_on=d.schema_date(_l("劳动保障部门收到日期")),
            ),
        ),
        # The bureau's review (45–47).
        T(
            State.UNDER_REVIEW,
            "record_objection",
            State.NEGOTIATING,
            "case.prepare",
            _l("登记审查意见书（有异议），重新协商"),
            roles=STAFF,
            needs_reason=True,
            needs_evidence=True,
            rules=(
                _date_rule(
                    "objected_on", _l("审查意见书送达日期"), after="received_on", after_label=_l("劳动保障部门收到日期")
                ),
            ),
            data_schema=d.schema(["objected_on"], objected_on=d.schema_date(_l("审查意见书送达日期"))),
        ),
        T(
            State.UNDER_REVIEW,
            "record_approval",
            State.EFFECTIVE,
            "case.prepare",
            _l("登记审查无异议"),
            roles=STAFF,
            needs_evidence=True,
            rules=(
                _date_rule(
                    "approved_on", _l("审查通过日期"), after="received_on", after_label=_l("劳动保障部门收到日期")
                ),
            ),
            data_schema=d.schema(["approved_on"], approved_on=d.schema_date(_l("审查通过日期"))),
        ),
        expiry_step(State.UNDER_REVIEW, "no_objection", State.EFFECTIVE, _l("审查期满无异议，自行生效"), roles=STAFF),
        T(
            State.EFFECTIVE,
            "publish",
            State.PUBLISHED,
            "case.file",
            _l("登记向全体职工公布"),
            roles=UNION,
            rules=(_date_rule("published_on", _l("公布日期"), after="effective_on", after_label=_l("生效日期")),),
            data_schema=d.schema(["published_on"], published_on=d.schema_date(_l("公布日期"))),
        ),
        expiry_step(State.PUBLISHED, "open_renewal", State.RENEWAL, _l("期满前续签协商开始"), roles=STAFF),
        T(State.RENEWAL, "renew", State.RENEWED, "case.file", _l("开始新一期协商"), roles=UNION),
        expiry_step(State.RENEWAL, "expire", State.EXPIRED, _l("期满终止"), roles=STAFF),
        # The union may end a bargaining that goes nowhere, with a reason.
        *(
            T(
                state,
                "close",
                State.CLOSED,
                "case.file",
                _l("结束本次协商"),
                roles=UNION,
                needs_reason=True,
                notifies=False,
            )
            for state in (State.PREPARING, State.OFFER_SERVED, State.NEGOTIATING, State.SUSPENDED)
        ),
    ],
    periods=PERIODS,
)
