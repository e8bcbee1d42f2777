"""The honours flow's one transition table (domain.md §4).

The unit nominates after its vote and publishes a notice (at least the
district's working days); the street reviews against its quota and the
automatic checks; a Model Workers' Home is inspected on site; the
departments vet the nominee in parallel (any veto excludes, the step waits
for every answer and is chased when its period passes); the district's
committee votes with a quorum; the district publishes its own notice; the
district approves the list (quota, composition, checks), then awards a
district-level honour itself or recommends upward and records the upper
level's decision; the award is published. A Model Workers' Home is
re-inspected every year. An awarded honour can be revoked by its own
reasoned decision (``honours_revocation_decide``); the system then closes
the nomination's open step.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.cases import data as d
from casework.cases.notices import NOTICE_SCHEMA, notice_end, notice_rules
from casework.cases.transitions import Table, Transition, date_rule, expiry_step
from casework.deadlines.periods import Period
from casework.district.selectors import setting_value
from casework.errors import RuleViolation
from casework.honours.checks import CHECKS, CHECKS_AT_APPROVAL, checks_refusal, composition_refusal, nominee_of
from casework.honours.choices import Answer, Ownership, State, Vote
from permissions.roles import (
    DISTRICT_APPROVER,
    DISTRICT_CASEWORKER,
    ENTERPRISE_CHAIR,
    HONOURS_COMMITTEE,
    STREET_APPROVER,
    STREET_CASEWORKER,
)

UNIT_RECORDERS = frozenset({ENTERPRISE_CHAIR, STREET_CASEWORKER})
STREET_DECIDERS = frozenset({STREET_APPROVER})
DISTRICT_STAFF = frozenset({DISTRICT_CASEWORKER})
DISTRICT_DECIDERS = frozenset({DISTRICT_APPROVER})
COMMITTEE = frozenset({HONOURS_COMMITTEE})


def _today() -> date:
    return timezone.localdate()


notice_long_enough, notice_over_and_objections_resolved = notice_rules("honours.notice_working_days")


def for_persons(case: Any) -> bool:
    return not case.campaign.honour_type.for_units


def for_units(case: Any) -> bool:
    return bool(case.campaign.honour_type.for_units)


def awarded_by_district(case: Any) -> bool:
    return bool(case.campaign.awarded_by_district)


def awarded_above(case: Any) -> bool:
    return not case.campaign.awarded_by_district


def checks_pass(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """The automatic checks, again, at the street's review."""
    return checks_refusal(nominee_of(case, _today()), CHECKS)


def approval_holds(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """Before the district approves: no department vetoed, no objection
    upheld, the checks and the street's quota over the approved list, and
    the composition of the list as it will stand — those approved already,
    this one, and those approved with it (``together``: the campaign's list
    approved at once). The campaign's row orders approvals of one campaign."""
    from casework.honours.models import Campaign

    Campaign.objects.select_for_update().filter(pk=case.campaign_id).values_list("pk", flat=True).get()
    together = data.get("together") or []
    if not isinstance(together, list) or not all(isinstance(pk, int) for pk in together):
        return RuleViolation(_("一并审定：应为推荐编号的列表。"), code="honours.together_invalid", field="together")
    vetoed = case.vetting.filter(answer=Answer.VETO).first()
    if vetoed is not None:
        return RuleViolation(
            _("联审：%(department)s否决了该人选（%(reason)s），不能审定。")
            % {"department": vetoed.get_department_display(), "reason": vetoed.reason},
            code="honours.vetoed",
            field="vetting",
        )
    return (
        no_upheld_objection(case, by, data)
        or checks_refusal(nominee_of(case, _today()), CHECKS_AT_APPROVAL)
        or composition_refusal(case.campaign, {case.pk, *together})
    )


def no_upheld_objection(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """An objection found true leaves only exclusion: the nomination goes no further."""
    if case.objections.filter(upheld=True).exists():
        return RuleViolation(
            _("异议：有经调查成立的异议，只能取消推荐资格。"), code="honours.objection_upheld", field="objections"
        )
    return None


def upheld_objection(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    if not case.objections.filter(upheld=True).exists():
        return RuleViolation(
            _("异议：没有经调查成立的异议，不能据此取消推荐资格。"),
            code="honours.no_upheld_objection",
            field="objections",
        )
    return None


def _answers(case: Any) -> tuple[int, int, int]:
    """(asked, answered, vetoed) of the nomination's vetting requests."""
    requests = list(case.vetting.values_list("answer", flat=True))
    return len(requests), sum(1 for a in requests if a), sum(1 for a in requests if a == Answer.VETO)


def all_cleared(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    asked, answered, vetoed = _answers(case)
    if not asked or answered < asked or vetoed:
        return RuleViolation(_("联审：尚未全部答复无异议。"), code="honours.vetting_pending", field="vetting")
    return None


def all_answered_with_veto(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    asked, answered, vetoed = _answers(case)
    if not asked or answered < asked or not vetoed:
        return RuleViolation(_("联审：尚未全部答复或无否决。"), code="honours.vetting_pending", field="vetting")
    return None


def not_voted_yet(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    d.choice(data, "vote", _l("表决意见"), {v.value: v.label for v in Vote})
    if by is not None and case.votes.filter(member=by).exists():
        return RuleViolation(_("表决意见：您已对该人选表决。"), code="honours.already_voted", field="vote")
    return None


def tally(case: Any) -> tuple[int, int, int]:
    """(members, voted, yes) of the committee on the nomination: the
    members now, and the votes of those members (one who has left the
    committee since no longer counts)."""
    from casework.honours.services import committee_of

    members = {u.pk for u in committee_of(case)}
    votes = [v for member, v in case.votes.values_list("member_id", "vote") if member in members]
    return len(members), len(votes), sum(1 for v in votes if v == Vote.YES)


def quorum_reached(case: Any) -> RuleViolation | None:
    members, voted, _yes = tally(case)
    quorum = Decimal(setting_value(case.unit, "honours.committee_quorum", on=_today()))
    if not members or Decimal(voted) < quorum * members:
        return RuleViolation(
            _("表决：委员%(members)d人，已表决%(voted)d人，未达到法定人数（%(quorum)s）。")
            % {"members": members, "voted": voted, "quorum": f"{quorum:.0%}"},
            code="honours.no_quorum",
            field="votes",
        )
    return None


def committee_selected(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    """Quorum, and more than half of all members in favour."""
    problem = quorum_reached(case)
    members, _voted, yes = tally(case)
    if problem is None and yes * 2 <= members:
        problem = RuleViolation(
            _("表决：赞成%(yes)d票，未超过委员总数%(members)d人的半数，不能通过。") % {"yes": yes, "members": members},
            code="honours.not_carried",
            field="votes",
        )
    return problem


def committee_not_selected(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    problem = quorum_reached(case)
    members, _voted, yes = tally(case)
    if problem is None and yes * 2 > members:
        problem = RuleViolation(
            _("表决：赞成%(yes)d票，已超过委员总数%(members)d人的半数，人选已通过。")
            % {"yes": yes, "members": members},
            code="honours.carried",
            field="votes",
        )
    return problem


def home_thresholds(case: Any, data: dict[str, Any], today: date) -> RuleViolation | None:
    """A Model Workers' Home: the unionisation rate and the members'
    satisfaction at least the district's thresholds (a lower unionisation
    threshold for non-public units where the district sets one)."""
    for name, label in (("unionisation_rate", _l("职工入会率（%）")), ("satisfaction_rate", _l("会员满意度（%）"))):
        rate = d.money(data, name, label)
        assert rate is not None
        if rate > 100:
            return RuleViolation(
                _("%(label)s：不能超过100。") % {"label": label}, code="honours.rate_invalid", field=name
            )
    non_public = case.ownership == Ownership.NON_PUBLIC
    key = "honours.home_unionisation_non_public" if non_public else "honours.home_unionisation"
    for name, setting, label in (
        ("unionisation_rate", key, _l("职工入会率（%）")),
        ("satisfaction_rate", "honours.home_satisfaction", _l("会员满意度（%）")),
    ):
        minimum = Decimal(setting_value(case.unit, setting, on=today)) * 100
        rate = d.money(data, name, label)
        assert rate is not None
        if rate < minimum:
            return RuleViolation(
                _("%(label)s：%(rate)s%%，低于本区标准%(minimum)s%%。")
                % {"label": label, "rate": rate, "minimum": minimum.normalize()},
                code="honours.home_below_threshold",
                field=name,
            )
    return None


def inspection_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    problem = date_rule("inspected_on", _l("考察日期"))(case, by, data)
    return problem or home_thresholds(case, data, _today())


def award_valid(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    problem = date_rule("awarded_on", _l("授予日期"), after="approved_on", after_label=_l("审定日期"))(case, by, data)
    d.text(data, "award_document", _l("表彰文件文号"), max_length=100)
    return problem


def revocation_decided(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
    if not case.revocations.filter(revoked=True).exists():
        return RuleViolation(_("撤销：没有撤销荣誉的决定。"), code="honours.not_revoked", field="action")
    return None


INSPECTION_SCHEMA = d.schema(
    ["inspected_on", "unionisation_rate", "satisfaction_rate"],
    inspected_on=d.schema_date(_l("考察日期")),
    unionisation_rate=d.schema_money(_l("职工入会率（%）")),
    satisfaction_rate=d.schema_money(_l("会员满意度（%）")),
)
AWARD_SCHEMA = d.schema(
    ["awarded_on", "award_document"],
    awarded_on=d.schema_date(_l("授予日期")),
    award_document=d.schema_text(_l("表彰文件文号")),
)


def _vetting_began(case: Any) -> date | None:
    return case.vetting_began_on


def _next_inspection(case: Any) -> date | None:
    return case.next_inspection_due


def _committee_met(case: Any) -> date | None:
    return case.committee_met_on


PERIODS: dict[str, Period] = {
    State.NOMINATED: Period("honours.notice_close_working_days"),
    State.UNIT_NOTICE: Period("honours.notice_close_working_days", after=notice_end),
    State.RETURNED: Period("honours.street_review_working_days"),
    State.STREET_REVIEW: Period("honours.street_review_working_days"),
    State.INSPECTION: Period("honours.inspection_working_days"),
    State.VETTING: Period("honours.vetting_working_days", after=_vetting_began),
    State.VETTING_FOLLOW_UP: Period("honours.follow_up_working_days"),
    State.COMMITTEE: Period("honours.committee_working_days", after=_committee_met),
    State.DISTRICT_NOTICE: Period("honours.notice_close_working_days", after=notice_end),
    State.APPROVAL: Period("honours.approval_working_days"),
    State.APPROVED: Period("honours.approval_working_days"),
    State.AWARDED: Period("honours.approval_working_days"),
    State.HOME_ACTIVE: Period(on=_next_inspection),
}


T = Transition
TABLE = Table(
    [
        # The unit's notice of its nominee (at least 5 working days).
        T(
            State.NOMINATED,
            "post_unit_notice",
            State.UNIT_NOTICE,
            "case.file",
            _l("在本单位公示推荐人选"),
            roles=UNIT_RECORDERS,
            rules=(notice_long_enough,),
            data_schema=NOTICE_SCHEMA,
        ),
        T(
            State.UNIT_NOTICE,
            "end_unit_notice",
            State.STREET_REVIEW,
            "case.file",
            _l("公示期满，报街道（园区）审核"),
            roles=UNIT_RECORDERS,
            rules=(notice_over_and_objections_resolved, no_upheld_objection),
        ),
        T(
            State.UNIT_NOTICE,
            "exclude_on_objection",
            State.EXCLUDED,
            "case.decide",
            _l("异议成立，取消推荐资格"),
            roles=STREET_DECIDERS,
            needs_reason=True,
            notifies=False,
            rules=(upheld_objection,),
        ),
        # The street's review.
        T(
            State.STREET_REVIEW,
            "street_recommend",
            State.VETTING,
            "case.decide",
            _l("审核通过，报区总工会联审"),
            roles=STREET_DECIDERS,
            applies=for_persons,
            rules=(checks_pass,),
        ),
        T(
            State.STREET_REVIEW,
            "street_recommend_home",
            State.INSPECTION,
            "case.decide",
            _l("审核通过，报区总工会实地考察"),
            roles=STREET_DECIDERS,
            applies=for_units,
            rules=(checks_pass,),
        ),
        T(
            State.STREET_REVIEW,
            "street_return",
            State.RETURNED,
            "case.decide",
            _l("退回推荐单位补正"),
            roles=STREET_DECIDERS,
            needs_reason=True,
        ),
        T(
            State.STREET_REVIEW,
            "street_reject",
            State.NOT_SELECTED,
            "case.decide",
            _l("审核不通过"),
            roles=STREET_DECIDERS,
            needs_reason=True,
        ),
        T(
            State.RETURNED,
            "resubmit",
            State.STREET_REVIEW,
            "case.file",
            _l("补正后重新报送"),
            roles=UNIT_RECORDERS,
            rules=(checks_pass,),
        ),
        # A Model Workers' Home: the district inspects on site.
        T(
            State.INSPECTION,
            "inspection_passed",
            State.VETTING,
            "case.prepare",
            _l("实地考察合格，报部门联审"),
            roles=DISTRICT_STAFF,
            rules=(inspection_valid,),
            data_schema=INSPECTION_SCHEMA,
        ),
        T(
            State.INSPECTION,
            "inspection_failed",
            State.NOT_SELECTED,
            "case.decide",
            _l("实地考察不合格"),
            roles=DISTRICT_DECIDERS,
            needs_reason=True,
        ),
        # The departments' joint vetting: the system joins once every answer is in.
        *(
            T(
                state,
                action,
                target,
                "case.prepare",
                label,
                roles=DISTRICT_STAFF,
                automatic=True,
                rules=(rule,),
            )
            for state in (State.VETTING, State.VETTING_FOLLOW_UP)
            for action, target, label, rule in (
                ("vetting_cleared", State.COMMITTEE, _l("各部门均无异议，提交评审委员会"), all_cleared),
                ("vetting_vetoed", State.EXCLUDED, _l("有部门否决，取消推荐资格"), all_answered_with_veto),
            )
        ),
        expiry_step(
            State.VETTING, "vetting_overdue", State.VETTING_FOLLOW_UP, _l("联审逾期，转催办"), roles=DISTRICT_STAFF
        ),
        T(
            State.VETTING_FOLLOW_UP,
            "exclude_uncleared",
            State.EXCLUDED,
            "case.decide",
            _l("部门逾期未答复，不再推荐"),
            roles=DISTRICT_DECIDERS,
            needs_reason=True,
            notifies=False,
        ),
        # The committee: each member votes; the tally closes with a quorum.
        T(
            State.COMMITTEE,
            "cast_vote",
            State.COMMITTEE,
            "honours.vote",
            _l("表决"),
            roles=COMMITTEE,
            rules=(not_voted_yet,),
            data_schema=d.schema(["vote"], vote=d.schema_choice(_l("表决意见"), Vote.choices)),
        ),
        T(
            State.COMMITTEE,
            "committee_selects",
            State.DISTRICT_NOTICE,
            "case.prepare",
            _l("表决通过，在全区公示"),
            roles=DISTRICT_STAFF,
            notifies=False,
            rules=(committee_selected, notice_long_enough),
            data_schema=NOTICE_SCHEMA,
        ),
        T(
            State.COMMITTEE,
            "committee_rejects",
            State.NOT_SELECTED,
            "case.prepare",
            _l("表决未通过"),
            roles=DISTRICT_STAFF,
            notifies=False,
            rules=(committee_not_selected,),
        ),
        # The district's notice, with named objections investigated.
        T(
            State.DISTRICT_NOTICE,
            "end_district_notice",
            State.APPROVAL,
            "case.prepare",
            _l("公示期满，提交审定"),
            roles=DISTRICT_STAFF,
            rules=(notice_over_and_objections_resolved, no_upheld_objection),
        ),
        T(
            State.DISTRICT_NOTICE,
            "exclude_on_objection",
            State.EXCLUDED,
            "case.decide",
            _l("异议成立，取消推荐资格"),
            roles=DISTRICT_DECIDERS,
            needs_reason=True,
            notifies=False,
            rules=(upheld_objection,),
        ),
        # The district approves its list.
        T(
            State.APPROVAL,
            "approve",
            State.APPROVED,
            "case.decide",
            _l("审定同意"),
            roles=DISTRICT_DECIDERS,
            rules=(approval_holds,),
        ),
        T(
            State.APPROVAL,
            "not_approve",
            State.NOT_SELECTED,
            "case.decide",
            _l("审定不同意"),
            roles=DISTRICT_DECIDERS,
            needs_reason=True,
        ),
        # The award: the district's own, or recommended upward and recorded.
        T(
            State.APPROVED,
            "award",
            State.AWARDED,
            "case.decide",
            _l("授予荣誉"),
            roles=DISTRICT_DECIDERS,
            applies=awarded_by_district,
            rules=(award_valid,),
            data_schema=AWARD_SCHEMA,
        ),
        T(
            State.APPROVED,
            "recommend_upward",
            State.RECOMMENDED,
            "case.prepare",
            _l("向上级推荐"),
            roles=DISTRICT_STAFF,
            applies=awarded_above,
            rules=(date_rule("recommended_on", _l("推荐上报日期"), after="approved_on", after_label=_l("审定日期")),),
            data_schema=d.schema(["recommended_on"], recommended_on=d.schema_date(_l("推荐上报日期"))),
        ),
        T(
            State.RECOMMENDED,
            "record_upper_award",
            State.AWARDED,
            "case.prepare",
            _l("登记上级授予决定"),
            roles=DISTRICT_STAFF,
            needs_evidence=True,
            rules=(award_valid,),
            data_schema=AWARD_SCHEMA,
        ),
        T(
            State.RECOMMENDED,
            "record_upper_refusal",
            State.NOT_SELECTED,
            "case.prepare",
            _l("登记上级未予授予"),
            roles=DISTRICT_STAFF,
            needs_reason=True,
            needs_evidence=True,
        ),
        # Publication; a Home is then re-inspected every year.
        T(
            State.AWARDED,
            "publish",
            State.PUBLISHED,
            "case.prepare",
            _l("公布表彰名单"),
            roles=DISTRICT_STAFF,
            applies=for_persons,
            rules=(date_rule("published_on", _l("公布日期"), after="awarded_on", after_label=_l("授予日期")),),
            data_schema=d.schema(["published_on"], published_on=d.schema_date(_l("公布日期"))),
        ),
        T(
            State.AWARDED,
            "publish_home",
            State.HOME_ACTIVE,
            "case.prepare",
            _l("公布命名，转入年度复查"),
            roles=DISTRICT_STAFF,
            applies=for_units,
            rules=(date_rule("published_on", _l("公布日期"), after="awarded_on", after_label=_l("授予日期")),),
            data_schema=d.schema(["published_on"], published_on=d.schema_date(_l("公布日期"))),
        ),
        T(
            State.HOME_ACTIVE,
            "reinspection_passed",
            State.HOME_ACTIVE,
            "case.prepare",
            _l("年度复查合格"),
            roles=DISTRICT_STAFF,
            rules=(inspection_valid,),
            data_schema=INSPECTION_SCHEMA,
        ),
        # Revocation is its own reasoned decision (honours_revocation_decide); the system then closes the step.
        *(
            T(
                state,
                "revoked",
                State.REVOKED,
                "case.decide",
                _l("荣誉已撤销"),
                roles=DISTRICT_DECIDERS,
                automatic=True,
                notifies=False,
                rules=(revocation_decided,),
            )
            for state in (State.AWARDED, State.HOME_ACTIVE)
        ),
        # Withdrawal by the nominating unit, before the district's committee.
        *(
            T(
                state,
                "withdraw",
                State.WITHDRAWN,
                "case.file",
                _l("推荐单位撤回推荐"),
                roles=UNIT_RECORDERS,
                needs_reason=True,
                notifies=False,
            )
            for state in (State.NOMINATED, State.UNIT_NOTICE, State.RETURNED, State.STREET_REVIEW)
        ),
    ],
    periods=PERIODS,
)
