"""Writes of the legal-aid flow (domain.md §3).

``legalaid_apply`` records an application (written, or oral with its
recorder); ``legalaid_case_decide`` takes any step of the transition
table; ``legalaid_lawyer_reassign`` gives the case to another lawyer;
``legalaid_event_record`` records what happened in the case work. Every
rule is checked before anything is written; each change is one ledger
entry in the same transaction, with its notifications. The lawyer sees the
case through an object grant: given by the assignment, taken back on
reassignment, on closure and on termination, each in the trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
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
from casework.cases.services import case_decide, case_lock, case_opened, case_subject
from casework.cases.tasks import register_decider
from casework.district.selectors import district_of, setting_value
from casework.errors import RuleViolation
from casework.hardship.choices import State as HardshipState
from casework.hardship.models import HardshipCase
from casework.ledger.services import ledger_append
from casework.legalaid.choices import (
    MEANS_TEST_EXEMPT_FOR_MIGRANTS,
    AidForm,
    Basis,
    Channel,
    Dispute,
    EventKind,
    State,
)
from casework.legalaid.models import CaseEvent, LegalAidCase
from casework.legalaid.transitions import TABLE
from casework.legalaid.uscc import uscc_valid
from casework.org.models import Membership, Unit
from casework.people.models import Person
from notifications.services import outbox_queue
from permissions.access import acting_as
from permissions.four_eyes import RULES, four_eyes_refusal
from permissions.models import ObjectGrant
from permissions.roles import DISTRICT_CASEWORKER, ENTERPRISE_CHAIR, LAWYER, LEGAL_OFFICER, STREET_CASEWORKER
from permissions.services import object_access_grant, object_access_revoke

SERIES = "援"
# Who records an application: the legal officer, or the union staff who received it.
RECEIVERS = frozenset({LEGAL_OFFICER, DISTRICT_CASEWORKER, STREET_CASEWORKER, ENTERPRISE_CHAIR})
HARDSHIP_ON_FILE = (
    HardshipState.FILED,
    HardshipState.ANNUAL_REVIEW,
    HardshipState.EXIT_NOTICE,
    HardshipState.EXIT_APPROVAL,
)
PERSONAL_KEYS = frozenset({"closure_report", "missing_material"})


def hardship_record_of(person: Person) -> HardshipCase | None:
    """The person's hardship record on file, if any: it satisfies the means test."""
    return HardshipCase.objects.filter(person=person, state__in=HARDSHIP_ON_FILE).order_by("-pk").first()


def _eligibility(
    *, person: Person, unit: Unit, basis: str, dispute: str, per_capita_income: Decimal | None, today: date
) -> None:
    """The application's basis checked against what it claims (办法 10; 法律援助法 42)."""
    if basis == Basis.HARDSHIP_RECORD and hardship_record_of(person) is None:
        raise RuleViolation(
            _("援助条件：申请人没有在档的困难职工档案。"), code="legalaid.no_hardship_record", field="basis"
        )
    if basis == Basis.MIGRANT_EXEMPT and not (person.is_migrant_worker and dispute in MEANS_TEST_EXEMPT_FOR_MIGRANTS):
        raise RuleViolation(
            _("援助条件：免于经济困难审查限于农民工追索劳动报酬或工伤赔偿。"),
            code="legalaid.not_exempt",
            field="basis",
        )
    if basis == Basis.MEANS:
        if per_capita_income is None:
            raise RuleViolation(
                _("家庭人均月收入（元）：以经济困难为条件的，必填。"), code="field_required", field="per_capita_income"
            )
        standard = setting_value(unit, "hardship.minimum_living_standard", on=today)
        multiple = setting_value(unit, "hardship.relative_multiple", on=today)
        ceiling = (standard * multiple).quantize(Decimal("0.01"))
        if per_capita_income > ceiling:
            raise RuleViolation(
                _("家庭人均月收入（元）：高于本地困难标准%(ceiling)s元；可改以“权益受到严重侵害”申请。")
                % {"ceiling": ceiling},
                code="legalaid.above_standard",
                field="per_capita_income",
            )


def legalaid_apply(
    *,
    person: Person,
    unit: Unit,
    opposing_party: str,
    dispute: str,
    facts: str,
    aid_form: str,
    channel: str,
    basis: str,
    by: User,
    opposing_code: str = "",
    amount_claimed: Any = None,
    oral_recorder: str = "",
    per_capita_income: Any = None,
    documents: Sequence[Attachment] = (),
    today: date | None = None,
) -> LegalAidCase:
    """Record a worker's application received at ``unit``: the opposing
    party (its code checked, GB 32100), the dispute, the facts, the form of
    aid, the channel (an oral one names its recorder), and the basis of
    eligibility checked against the person and the district's standard. A
    number from the district's series, the completeness check next."""
    today = today or timezone.localdate()
    acting = acting_as(by, "case.file", unit, roles=RECEIVERS)  # first: a refusal reveals nothing else
    values = {
        "opposing_party": opposing_party,
        "opposing_code": opposing_code,
        "facts": facts,
        "oral_recorder": oral_recorder,
        "amount_claimed": amount_claimed,
        "per_capita_income": per_capita_income,
    }
    opposing_party = d.text(values, "opposing_party", _l("对方当事人"), max_length=200)
    code = d.text(values, "opposing_code", _l("统一社会信用代码"), required=False, max_length=18).upper()
    if code and not uscc_valid(code):
        raise RuleViolation(
            _("统一社会信用代码：应为18位，且校验码正确（GB 32100）。"), code="uscc_invalid", field="opposing_code"
        )
    dispute = d.choice({"dispute": dispute}, "dispute", _l("争议类型"), {c.value: c.label for c in Dispute})
    facts = d.text(values, "facts", _l("案情"), max_length=20000)
    claimed = d.money(values, "amount_claimed", _l("请求金额（元）"), required=False)
    aid_form = d.choice({"aid_form": aid_form}, "aid_form", _l("申请的援助形式"), {c.value: c.label for c in AidForm})
    channel = d.choice({"channel": channel}, "channel", _l("申请方式"), {c.value: c.label for c in Channel})
    recorder = d.text(values, "oral_recorder", _l("口头申请记录人"), required=channel == Channel.ORAL, max_length=50)
    basis = d.choice({"basis": basis}, "basis", _l("援助条件"), {c.value: c.label for c in Basis})
    income = d.money(values, "per_capita_income", _l("家庭人均月收入（元）"), required=False)
    _eligibility(person=person, unit=unit, basis=basis, dispute=dispute, per_capita_income=income, today=today)
    checked = documents_check(documents)
    from flows.legalaid import LegalAidFlow  # the flow imports this app's models

    with atomic_with_files():
        case: LegalAidCase = LegalAidFlow.start.run(
            case_type="legalaid",
            state=State.APPLIED,
            unit=unit,
            unit_path=unit.path,
            person=person,
            filed_by=by,
            opposing_party=opposing_party,
            opposing_code=code,
            dispute=dispute,
            facts=facts,
            amount_claimed=claimed,
            aid_form=aid_form,
            channel=channel,
            oral_recorder=recorder,
            basis=basis,
            per_capita_income=income,
        )
        case_opened(
            case=case,
            table=TABLE,
            series=SERIES,
            year=today.year,
            action="legalaid.applied",
            by=by,
            acting=acting,
            payload={
                "dispute": dispute,
                "aid_form": aid_form,
                "channel": channel,
                "basis": basis,
                "amount_claimed": claimed,
                "opposing_code": code,
            },
            personal={"facts": facts, "opposing_party": opposing_party},
            checked=checked,
        )
    return case


def lawyers_of(case: LegalAidCase) -> list[User]:
    """Who may be assigned: active users holding the lawyer role at the
    case's district or a unit under it."""
    district = district_of(case.unit)
    ids = (
        Membership.objects.current()
        .filter(role=LAWYER, unit__path__startswith=district.path, user__is_active=True)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids).order_by("username"))


def assignment_check(case: LegalAidCase, lawyer_id: Any) -> RuleViolation | None:
    """The lawyer exists among the district's lawyers and has declared no
    conflict with the case's parties (the employer they act for, the
    applicant, the union)."""
    lawyer = next((u for u in lawyers_of(case) if str(u.pk) == str(lawyer_id)), None)
    if lawyer is None:
        return RuleViolation(
            _("承办人：请从本区的律师和法律服务人员中选择。"), code="legalaid.not_a_lawyer", field="lawyer"
        )
    refusal = four_eyes_refusal(lawyer, "case.work", case.four_eyes_parties("case.work"))
    if refusal is not None:
        return RuleViolation(
            _("承办人：%(lawyer)s不能承办本案（%(rule)s）。") % {"lawyer": lawyer, "rule": RULES[refusal]},
            code="legalaid.lawyer_conflict",
            field="lawyer",
        )
    return None


def _grant(case: LegalAidCase, lawyer: User, reason: str) -> None:
    object_access_grant(user=lawyer, obj=case, level="work", reason=reason, by=None)


def _revoke(case: LegalAidCase, lawyer: User | None, reason: str) -> None:
    if lawyer is None:
        return
    for grant in ObjectGrant.everything.filter(user=lawyer, object_pk=str(case.pk)):
        object_access_revoke(grant=grant, reason=reason, by=None)


def legalaid_case_decide(
    *,
    case: LegalAidCase,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    by: User | None,
    today: date | None = None,
    documents: Sequence[Attachment] = (),
) -> LegalAidCase:
    """Take ``action`` from the case's state (the transition table says who
    may and what it needs), record what the step established, and return
    the case. One ledger entry for the step; the lawyer's grant, given or
    taken back, is its own entry in the same transaction."""
    data = data or {}
    day = today or timezone.localdate()
    before_lawyer = case.lawyer
    return case_decide(
        case=case,
        table=TABLE,
        action=action,
        by=by,
        reason=reason,
        data=data,
        documents=documents,
        personal_keys=PERSONAL_KEYS,
        apply=lambda fresh: _apply(fresh, action, data, reason, day, by, before_lawyer),
    )


def _apply(
    case: LegalAidCase,
    action: str,
    data: dict[str, Any],
    reason: str,
    today: date,
    by: User | None,
    before_lawyer: User | None,
) -> list[str]:
    """What a step establishes on the case, beyond its state; the rules checked the data already."""
    if action == "request_material":
        case.missing_material = d.text(data, "missing_material", "")
        case.supply_by = d.day(data, "supply_by", "")
        return ["missing_material", "supply_by"]
    if action == "start_urgent":
        case.urgency = data["urgency"]
        case.urgent_deadline = d.day(data, "urgent_deadline", "", required=False)
        return ["urgency", "urgent_deadline"]
    if action in ("approve", "refuse"):
        case.decided_on = today
        case.refusal_reasons = reason.strip() if action == "refuse" else ""  # the written reasons (43)
        return ["decided_on", "refusal_reasons"]
    if action == "assign":
        lawyer = User.objects.get(pk=int(str(data["lawyer"])))
        case.lawyer, case.assigned_on = lawyer, today
        _grant(case, lawyer, _("指派承办法律援助案件%(number)s") % {"number": case.number})
        return ["lawyer", "assigned_on"]
    if action == "confirm_urgent":
        case.urgent_confirmed_on = today
        return ["urgent_confirmed_on"]
    if action == "submit_closure":
        case.outcome = data["outcome"]
        case.amount_awarded = d.money(data, "amount_awarded", "", required=False)
        case.amount_recovered = d.money(data, "amount_recovered", "", required=False)
        case.closure_report = d.text(data, "closure_report", "", max_length=20000)
        return ["outcome", "amount_awarded", "amount_recovered", "closure_report"]
    if action == "accept_closure":
        case.subsidy_amount = d.money(data, "subsidy_amount", "")
        case.subsidy_requested_by = by
        _revoke(case, before_lawyer, _("结案材料已审查"))
        return ["subsidy_amount", "subsidy_requested_by"]
    if action in ("terminate", "end_urgent"):
        case.termination = data.get("termination") or "urgent_not_confirmed"
        case.closed_at = timezone.now()
        _revoke(case, before_lawyer, _("法律援助已终止"))
        return ["termination", "closed_at"]
    if action in ("approve_subsidy", "withdraw", "not_supplied", "refusal_final", "dismiss_objection"):
        case.closed_at = timezone.now()
        return ["closed_at"]
    return []


register_decider("legalaid", legalaid_case_decide)


def legalaid_lawyer_reassign(*, case: LegalAidCase, lawyer_id: Any, reason: str, by: User) -> LegalAidCase:
    """Give a case in progress to another lawyer or team member (a conflict
    that came to light, the lawyer's leave), with a reason: the previous
    one loses access at once, the new one gains it; the reassignment and
    both grants are in the trail."""
    reason = d.text({"reason": reason}, "reason", _l("理由"), max_length=500)
    with transaction.atomic():
        case = case_lock(case)
        acting = acting_as(by, "legalaid.assign", case)
        if case.state != State.IN_PROGRESS:
            raise RuleViolation(_("承办人：只能在承办中改派承办人。"), code="legalaid.not_in_progress", field="lawyer")
        problem = assignment_check(case, lawyer_id)
        if problem is None and str(lawyer_id) == str(case.lawyer_id):
            problem = RuleViolation(_("承办人：已是本案承办人。"), code="legalaid.same_lawyer", field="lawyer")
        if problem is not None:
            raise problem
        previous = case.lawyer
        lawyer = User.objects.get(pk=int(str(lawyer_id)))
        _revoke(case, previous, reason)
        _grant(case, lawyer, reason)
        case.lawyer = lawyer
        case.save(update_fields=["lawyer", "updated_at"])
        ledger_append(
            action="legalaid.lawyer_reassigned",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            reason=reason,
            payload={"from": previous.get_username() if previous else None, "to": lawyer.get_username()},
            **acting,
        )
        outbox_queue(
            event="legalaid.lawyer_reassigned",
            subject=case_subject(case),
            recipients=[lawyer, *([previous] if previous else [])],
            payload={"number": case.number, "to": lawyer.get_username()},
        )
    return case


def legalaid_event_record(
    *,
    case: LegalAidCase,
    kind: str,
    happened_on: date | str,
    outcome: str,
    by: User,
    documents: Sequence[Attachment] = (),
) -> CaseEvent:
    """The assigned lawyer records what happened: a consultation, a
    mediation, an arbitration filing or hearing, a court hearing, a
    judgment (with its outcome). One ledger entry with the papers as evidence."""
    acting = acting_as(by, "case.work", case)  # first: a refusal reveals nothing else
    values = {"kind": kind, "happened_on": happened_on, "outcome": outcome}
    kind = d.choice(values, "kind", _l("事项"), {k.value: k.label for k in EventKind})
    day = d.day(values, "happened_on", _l("日期"), not_after=timezone.localdate())
    assert day is not None
    outcome = d.text(values, "outcome", _l("结果"), required=kind == EventKind.JUDGMENT, max_length=5000)
    with atomic_with_files():
        case = case_lock(case)
        if case.state != State.IN_PROGRESS:
            raise RuleViolation(_("办案事项：只能在承办中登记。"), code="legalaid.not_in_progress", field="kind")
        checked = documents_check(documents)
        event = CaseEvent.objects.create(case=case, kind=kind, happened_on=day, outcome=outcome, recorded_by=by)
        stored = documents_store(case=case, checked=checked, by=by)
        entry = ledger_append(
            action="legalaid.event_recorded",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            payload={"event": event.pk, "kind": kind, "happened_on": day},
            personal={"outcome": outcome, **documents_personal(stored)},
            evidence=documents_evidence(stored),
            **acting,
        )
        documents_link(stored, entry)
    return event
