"""Writes of honours (domain.md §4).

``honours_campaign_open`` opens a campaign with its quotas and composition
rules; ``honours_nominate`` records a unit's nomination after its vote,
with the automatic checks; ``honours_case_decide`` takes any step of the
transition table; ``honours_vetting_answer`` records one department's
answer with its letter, and when the last is in the system joins the
vetting at once (any veto excludes); ``honours_objection_record`` and
``honours_objection_resolve`` keep the notices' objections;
``honours_record_*`` enter the records the checks read. Every rule is
checked before anything is written; each change is one ledger entry in the
same transaction, with its notifications. Committee members see a
nomination through an object grant given when it reaches them and taken
back when the vote closes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.calendar.days import add_months
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
from casework.cases.services import case_decide, case_lock, case_opened, case_subject
from casework.cases.tasks import automatic_steps_take, register_decider
from casework.district.selectors import district_of, setting_value
from casework.errors import NotAllowed, RuleViolation
from casework.honours.checks import CHECKS, GROUPS, Nominee, checks_refusal
from casework.honours.choices import (
    FINAL_STATES,
    HELD_STATES,
    STATE_OWNED_DEPARTMENTS,
    VETTING_DEPARTMENTS,
    Answer,
    Category,
    Level,
    Ownership,
    State,
    VoteBody,
)
from casework.honours.models import (
    Campaign,
    CommitteeVote,
    HonourHeld,
    HonourNomination,
    HonourType,
    Objection,
    Quota,
    Revocation,
    SafetyAccident,
    VettingRequest,
    WageArrears,
)
from casework.honours.transitions import DISTRICT_DECIDERS, DISTRICT_STAFF, TABLE, UNIT_RECORDERS, home_thresholds
from casework.ledger.services import ledger_append
from casework.org.models import Membership, Unit, UnitKind
from casework.people.models import Person
from notifications.services import outbox_queue
from permissions.access import acting_as, can
from permissions.models import ObjectGrant
from permissions.roles import GRASS_ROOTS, HONOURS_COMMITTEE, MIDDLE, STREET_CASEWORKER
from permissions.services import object_access_grant, object_access_revoke

SERIES = "荐"
PERSONAL_KEYS = frozenset({"findings"})
# Who records objections in each notice, and who investigates them.
NOTICE_STATES: dict[str, tuple[str, frozenset[str]]] = {
    State.UNIT_NOTICE: ("case.file", UNIT_RECORDERS),
    State.DISTRICT_NOTICE: ("case.prepare", DISTRICT_STAFF),
}
INVESTIGATORS: dict[str, tuple[str, frozenset[str]]] = {
    State.UNIT_NOTICE: ("case.prepare", frozenset({STREET_CASEWORKER})),
    State.DISTRICT_NOTICE: ("case.prepare", DISTRICT_STAFF),
}


def _campaign_subject(campaign: Campaign) -> tuple[str, str]:
    return ("honours.campaign", str(campaign.pk))


def honours_campaign_open(
    *,
    district: Unit,
    honour_type: HonourType,
    level: str,
    year: int | str,
    name: str,
    nominations_close_on: date | str,
    quotas: Mapping[Unit, int | str],
    composition: Mapping[str, int | str] | None = None,
    by: User,
) -> Campaign:
    """Open a campaign at ``district``: the honour and its level, the year,
    the closing date of nominations, the places of each street or park
    (``quotas``), and the minimum share in percent of each group of the list
    (``composition``: industrial workers ≥35 …). One ledger entry."""
    acting = acting_as(by, "case.prepare", district, roles=DISTRICT_STAFF)  # first: a refusal reveals nothing else
    if district.kind != UnitKind.DISTRICT:
        raise RuleViolation(_("区总工会：评选活动由区总工会发起。"), code="honours.not_a_district", field="district")
    values = {"name": name, "year": year, "nominations_close_on": nominations_close_on}
    name = d.text(values, "name", _l("活动名称"), max_length=100)
    level = d.choice({"level": level}, "level", _l("级别"), {c.value: c.label for c in Level})
    year = d.whole(values, "year", _l("年度"), minimum=2000)
    closes = d.day(values, "nominations_close_on", _l("推荐截止日期"))
    assert closes is not None
    if closes < timezone.localdate():
        raise RuleViolation(
            _("推荐截止日期：不能早于今天。"), code="honours.close_date_past", field="nominations_close_on"
        )
    places: dict[Unit, int] = {}
    for unit, value in quotas.items():
        if unit.kind not in MIDDLE or not unit.path.startswith(district.path):
            raise RuleViolation(
                _("名额：%(unit)s不是本区的街道（园区）。") % {"unit": unit.name},
                code="honours.quota_unit",
                field="quotas",
            )
        places[unit] = d.whole({"places": value}, "places", _l("名额"), minimum=1)
    if not places:
        raise RuleViolation(_("名额：至少为一个街道（园区）分配名额。"), code="field_required", field="quotas")
    rules: dict[str, int] = {}
    for group, value in (composition or {}).items():
        if group not in GROUPS:
            raise RuleViolation(
                _("名额结构：没有“%(group)s”这一类别。") % {"group": group},
                code="honours.composition_group",
                field="composition",
            )
        rules[group] = d.whole({"composition": value}, "composition", _l("名额结构要求"))
        if rules[group] > 100:
            raise RuleViolation(
                _("名额结构要求：比例不能超过100%。"), code="honours.composition_over_100", field="composition"
            )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            district=district,
            honour_type=honour_type,
            level=level,
            year=year,
            name=name,
            nominations_close_on=closes,
            composition=rules,
            created_by=by,
        )
        Quota.objects.bulk_create([Quota(campaign=campaign, unit=unit, places=n) for unit, n in places.items()])
        ledger_append(
            action="honours.campaign_opened",
            subject=_campaign_subject(campaign),
            subject_unit=district,
            payload={
                "honour_type": honour_type.code,
                "level": level,
                "year": year,
                "name": name,
                "nominations_close_on": closes,
                "quotas": {unit.code: n for unit, n in places.items()},
                "composition": rules,
            },
            **acting,
        )
    return campaign


def _nominating_vote(values: dict[str, Any]) -> dict[str, Any]:
    """The unit's vote: held, counted, quorate (more than half present) and
    carried (more than half of those present in favour)."""
    body = d.choice(values, "vote_body", _l("推荐方式"), {c.value: c.label for c in VoteBody})
    voted_on = d.day(values, "voted_on", _l("推荐会议日期"), not_after=timezone.localdate())
    total = d.whole(values, "vote_total", _l("应到人数"), minimum=1)
    present = d.whole(values, "vote_present", _l("实到人数"), minimum=1)
    yes = d.whole(values, "vote_yes", _l("赞成"))
    no = d.whole({"vote_no": values.get("vote_no") or 0}, "vote_no", _l("反对"))
    abstain = d.whole({"vote_abstain": values.get("vote_abstain") or 0}, "vote_abstain", _l("弃权"))
    if present > total:
        raise RuleViolation(_("实到人数：不能多于应到人数。"), code="honours.vote_count_invalid", field="vote_present")
    if yes + no + abstain > present:
        raise RuleViolation(
            _("赞成：赞成、反对、弃权合计不能多于实到人数。"), code="honours.vote_count_invalid", field="vote_yes"
        )
    if present * 2 <= total:
        raise RuleViolation(
            _("实到人数：推荐会议须过半数应到人员出席。"), code="honours.vote_no_quorum", field="vote_present"
        )
    if yes * 2 <= present:
        raise RuleViolation(
            _("赞成：须超过实到人数的半数方可推荐。"), code="honours.vote_not_carried", field="vote_yes"
        )
    return {
        "vote_body": body,
        "voted_on": voted_on,
        "vote_total": total,
        "vote_present": present,
        "vote_yes": yes,
        "vote_no": no,
        "vote_abstain": abstain,
    }


def honours_nominate(
    *,
    campaign: Campaign,
    unit: Unit,
    deeds: str,
    ownership: str,
    vote: Mapping[str, Any],
    by: User,
    person: Person | None = None,
    category: str = "",
    unionisation_rate: Any = None,
    satisfaction_rate: Any = None,
    documents: Sequence[Attachment] = (),
    today: date | None = None,
) -> HonourNomination:
    """A grass-roots union nominates, after its workers' congress or a
    democratic vote (``vote``: ``vote_body``, ``voted_on``, ``vote_total``,
    ``vote_present``, ``vote_yes``, ``vote_no``, ``vote_abstain``), one of
    its members with their deeds and group, or itself as a Model Workers'
    Home with its unionisation rate and members' satisfaction. The
    automatic checks run first (arrears, accidents, the same honour held,
    the street's quota); a number from the district's series, the unit's
    notice next."""
    today = today or timezone.localdate()
    acting = acting_as(by, "case.file", unit, roles=UNIT_RECORDERS)  # first: a refusal reveals nothing else
    if unit.kind not in GRASS_ROOTS or not unit.path.startswith(campaign.district.path) or unit.closed_on:
        raise RuleViolation(_("推荐单位：应为本区在册的基层工会。"), code="honours.not_grass_roots", field="unit")
    if today > campaign.nominations_close_on:
        raise RuleViolation(
            _("评选活动：推荐已于%(day)s截止。") % {"day": campaign.nominations_close_on.isoformat()},
            code="honours.campaign_closed",
            field="campaign",
        )
    deeds = d.text({"deeds": deeds}, "deeds", _l("主要事迹"), max_length=20000)
    ownership = d.choice({"ownership": ownership}, "ownership", _l("单位性质"), {c.value: c.label for c in Ownership})
    counts = _nominating_vote(dict(vote))
    fields: dict[str, Any] = {}
    if campaign.honour_type.for_units:
        if person is not None:
            raise RuleViolation(
                _("推荐对象：%(honour)s授予单位，不推荐个人。") % {"honour": campaign.honour_type.name},
                code="honours.unit_honour",
                field="person",
            )
        rates = {"unionisation_rate": unionisation_rate, "satisfaction_rate": satisfaction_rate}
        probe = HonourNomination(unit=unit, ownership=ownership)
        problem = home_thresholds(probe, rates, today)
        if problem is not None:
            raise problem
        fields = {name: d.money(rates, name, "") for name in rates}
    else:
        if person is None:
            raise RuleViolation(_("推荐对象：请选择被推荐人。"), code="field_required", field="person")
        if person.employer_id != unit.pk:
            raise RuleViolation(
                _("推荐对象：%(name)s不是本单位职工。") % {"name": person.name},
                code="honours.not_employee",
                field="person",
            )
        category = d.choice({"category": category}, "category", _l("人员类别"), {c.value: c.label for c in Category})
        fields = {"category": category, "migrant_worker": person.is_migrant_worker}
    refusal = checks_refusal(Nominee(campaign, unit, person, today), CHECKS)
    if refusal is not None:
        raise refusal
    checked = documents_check(documents)
    from flows.honours import HonoursFlow  # the flow imports this app's models

    with atomic_with_files():
        # Two units of one street nominating at once: the campaign's row orders them for the quota.
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        refusal = checks_refusal(Nominee(campaign, unit, person, today), CHECKS)
        if refusal is not None:
            raise refusal
        case: HonourNomination = HonoursFlow.start.run(
            case_type="honours",
            state=State.NOMINATED,
            unit=unit,
            unit_path=unit.path,
            person=person,
            filed_by=by,
            campaign=campaign,
            deeds=deeds,
            ownership=ownership,
            **counts,
            **fields,
        )
        case_opened(
            case=case,
            table=TABLE,
            series=SERIES,
            year=today.year,
            action="honours.nominated",
            by=by,
            acting=acting,
            payload={"campaign": campaign.pk, "ownership": ownership, **counts, **fields},
            personal={"deeds": deeds},
            checked=checked,
        )
    return case


def _district_holders(case: HonourNomination, roles: Collection[str]) -> list[User]:
    """Active users holding one of ``roles`` at the case's district now, each once, by username."""
    ids = (
        Membership.objects.current()
        .filter(role__in=roles, unit=district_of(case.unit), user__is_active=True)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids).order_by("username"))


def committee_of(case: HonourNomination) -> list[User]:
    """The district's honours committee now."""
    return _district_holders(case, [HONOURS_COMMITTEE])


def _vetting_ask(case: HonourNomination, today: date) -> None:
    departments = VETTING_DEPARTMENTS + (STATE_OWNED_DEPARTMENTS if case.ownership == Ownership.STATE_OWNED else ())
    VettingRequest.objects.bulk_create(
        [VettingRequest(nomination=case, department=dept, asked_on=today) for dept in departments]
    )
    case.vetting_began_on = today


def _committee_grants(case: HonourNomination) -> None:
    """Each member sees the nomination while it is before the committee, and
    is told (their role reaches only what is granted, so the step's own
    notice, sent before the grant, does not reach them)."""
    reason = _("评审委员会表决%(number)s") % {"number": case.number}
    members = committee_of(case)
    for member in members:
        object_access_grant(user=member, obj=case, level="work", reason=reason, by=None)
    outbox_queue(
        event="honours.vote_requested",
        subject=case_subject(case),
        recipients=members,
        payload={"number": case.number},
    )


def _committee_grants_end(case: HonourNomination) -> None:
    members = Membership.objects.filter(role=HONOURS_COMMITTEE).values("user_id")
    for grant in ObjectGrant.everything.filter(object_pk=str(case.pk), user_id__in=members).order_by("pk"):
        object_access_revoke(grant=grant, reason=_("表决结束"), by=None)


def _months(case: HonourNomination, day: date) -> date:
    return add_months(day, int(setting_value(case.unit, "honours.home_reinspection_months", on=day)))


def honours_case_decide(
    *,
    case: HonourNomination,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    by: User | None,
    today: date | None = None,
    documents: Sequence[Attachment] = (),
) -> HonourNomination:
    """Take ``action`` from the nomination's state (the transition table
    says who may and what it needs), record what the step established, and
    return the nomination. One ledger entry for the step; committee grants,
    given or taken back, are their own entries in the same transaction."""
    data = data or {}
    day = today or timezone.localdate()
    return case_decide(
        case=case,
        table=TABLE,
        action=action,
        by=by,
        reason=reason,
        data=data,
        documents=documents,
        personal_keys=PERSONAL_KEYS,
        apply=lambda fresh: _apply(fresh, action, data, day, by),
    )


def _apply(case: HonourNomination, action: str, data: dict[str, Any], today: date, by: User | None) -> list[str]:
    """What a step establishes on the nomination, beyond its state; the rules checked the data already."""
    if action in ("post_unit_notice", "committee_selects"):
        case.notice_from = d.day(data, "notice_from", "")
        case.notice_until = d.day(data, "notice_until", "")
        if action == "committee_selects":
            _committee_grants_end(case)
        return ["notice_from", "notice_until"]
    if action == "street_recommend":
        _vetting_ask(case, today)
        return ["vetting_began_on"]
    if action in ("inspection_passed", "reinspection_passed"):
        case.inspected_on = d.day(data, "inspected_on", "")
        case.unionisation_rate = d.money(data, "unionisation_rate", "")
        case.satisfaction_rate = d.money(data, "satisfaction_rate", "")
        changed = ["inspected_on", "unionisation_rate", "satisfaction_rate"]
        if action == "inspection_passed":
            _vetting_ask(case, today)
            return [*changed, "vetting_began_on"]
        assert case.inspected_on is not None
        case.next_inspection_due = _months(case, case.inspected_on)
        return [*changed, "next_inspection_due"]
    if action == "vetting_cleared":
        case.committee_met_on = today
        _committee_grants(case)
        return ["committee_met_on"]
    if action == "cast_vote":
        assert by is not None
        CommitteeVote.objects.create(nomination=case, member=by, vote=data["vote"])
        return []
    if action == "approve":
        case.approved_on = today
        return ["approved_on"]
    if action == "recommend_upward":
        case.recommended_on = d.day(data, "recommended_on", "")
        return ["recommended_on"]
    if action in ("award", "record_upper_award"):
        case.awarded_on = d.day(data, "awarded_on", "")
        case.award_document = d.text(data, "award_document", "", max_length=100)
        assert case.awarded_on is not None
        HonourHeld.objects.create(
            honour_type=case.campaign.honour_type,
            level=case.campaign.level,
            person=case.person,
            unit=None if case.person else case.unit,
            awarded_on=case.awarded_on,
            source=case.award_document,
            nomination=case,
            recorded_by=by,
        )
        return ["awarded_on", "award_document"]
    if action in ("publish", "publish_home"):
        case.published_on = d.day(data, "published_on", "")
        assert case.published_on is not None
        if action == "publish_home":
            case.next_inspection_due = _months(case, case.published_on)
            return ["published_on", "next_inspection_due"]
        case.closed_at = timezone.now()
        return ["published_on", "closed_at"]
    if action == "committee_rejects":
        _committee_grants_end(case)
    if case.state in FINAL_STATES:  # not selected, excluded, withdrawn, revoked
        case.closed_at = timezone.now()
        return ["closed_at"]
    return []


register_decider("honours", honours_case_decide)


def honours_vetting_answer(
    *,
    request: VettingRequest,
    answer: str,
    answered_on: date | str,
    by: User,
    reason: str = "",
    documents: Sequence[Attachment] = (),
) -> VettingRequest:
    """Record one department's answer (clear, or veto with its reason) with
    the department's letter. Answers arrive in any order; the nomination's
    row lock serialises them, and the one that completes the set lets the
    system join the vetting in the same transaction: every department
    clear, to the committee; any veto, excluded."""
    values = {"answer": answer, "answered_on": answered_on, "reason": reason}
    with atomic_with_files():
        case = case_lock(request.nomination)
        acting = acting_as(by, "case.prepare", case, roles=DISTRICT_STAFF)  # first: a refusal reveals nothing else
        if case.state not in (State.VETTING, State.VETTING_FOLLOW_UP):
            raise RuleViolation(_("联审意见：该人选不在联审阶段。"), code="honours.not_in_vetting", field="answer")
        fresh = VettingRequest.objects.select_for_update().get(pk=request.pk)
        if fresh.answer:
            raise RuleViolation(
                _("联审意见：%(department)s的意见已登记。") % {"department": fresh.get_department_display()},
                code="honours.already_answered",
                field="answer",
            )
        answer = d.choice(values, "answer", _l("意见"), {c.value: c.label for c in Answer})
        day = d.day(values, "answered_on", _l("回函日期"), not_after=timezone.localdate())
        assert day is not None
        if day < fresh.asked_on:
            raise RuleViolation(
                _("回函日期：不能早于发函日期%(day)s。") % {"day": fresh.asked_on.isoformat()},
                code="honours.answer_before_asked",
                field="answered_on",
            )
        reason = d.text(values, "reason", _l("否决理由"), required=answer == Answer.VETO, max_length=2000)
        checked = documents_check(documents)
        if not checked:
            raise RuleViolation(_("材料：请上传部门的回函作为依据。"), code="case.evidence_required", field="documents")
        fresh.answer, fresh.reason, fresh.answered_on, fresh.recorded_by = answer, reason, day, by
        fresh.save(update_fields=["answer", "reason", "answered_on", "recorded_by"])
        stored = documents_store(case=case, checked=checked, by=by)
        entry = ledger_append(
            action="honours.vetting_answered",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            reason=reason,
            payload={"request": fresh.pk, "department": fresh.department, "answer": answer, "answered_on": day},
            personal=documents_personal(stored),
            evidence=documents_evidence(stored),
            **acting,
        )
        documents_link(stored, entry)
        automatic_steps_take(case)
    return fresh


def honours_objection_record(
    *, case: HonourNomination, objector: str, content: str, raised_on: date | str, by: User
) -> Objection:
    """Record a named objection raised during the unit's or the district's
    notice; the notice cannot end while it is unresolved."""
    objection = objection_record(
        case=case, objector=objector, content=content, raised_on=raised_on, by=by, notice_states=NOTICE_STATES
    )
    assert isinstance(objection, Objection)
    return objection


def honours_objection_resolve(*, objection: Objection, upheld: bool, resolution: str, by: User) -> Objection:
    """Record the investigation of an objection (the street's for the unit's
    notice, the district's for its own) and its outcome; an upheld one lets
    the reviewer exclude the nominee."""
    permission, roles = INVESTIGATORS.get(State(objection.case.state), ("case.prepare", DISTRICT_STAFF))
    resolved = objection_resolve(
        objection=objection, upheld=upheld, resolution=resolution, by=by, permission=permission, roles=roles
    )
    assert isinstance(resolved, Objection)
    return resolved


def _record(
    *,
    model: Any,
    unit: Unit,
    acting: dict[str, Any],
    action: str,
    payload: dict[str, Any],
    personal: dict[str, Any],
    **fields: Any,
) -> Any:
    """Enter one record the checks read (the caller asked permission first). One ledger entry."""
    with transaction.atomic():
        row = model.objects.create(unit=unit, recorded_by=acting["by"], **fields)
        ledger_append(
            action=action,
            subject=(model._meta.label_lower, str(row.pk)),
            subject_unit=unit,
            payload=payload,
            personal=personal,
            **acting,
        )
    return row


def honours_record_arrears(*, unit: Unit, found_on: date | str, amount: Any, source: str, by: User) -> WageArrears:
    """Enter wage arrears found at ``unit`` (the inspectorate's finding, a
    judgment): a unit with arrears in a campaign's year cannot nominate."""
    acting = acting_as(by, "case.prepare", unit, roles=DISTRICT_STAFF)  # first: a refusal reveals nothing else
    values = {"found_on": found_on, "amount": amount, "source": source}
    day = d.day(values, "found_on", _l("认定日期"), not_after=timezone.localdate())
    money = d.money(values, "amount", _l("欠薪金额（元）"))
    assert (money is not None and money > Decimal("0")) or money == Decimal("0")
    source = d.text(values, "source", _l("来源"), max_length=200)
    record: WageArrears = _record(
        model=WageArrears,
        unit=unit,
        acting=acting,
        action="honours.arrears_recorded",
        payload={"found_on": day, "amount": money, "source": source},
        personal={},
        found_on=day,
        amount=money,
        source=source,
    )
    return record


def honours_record_accident(
    *, unit: Unit, occurred_on: date | str, serious: bool, description: str, source: str, by: User
) -> SafetyAccident:
    """Enter a production safety accident at ``unit`` from the emergency-management record."""
    acting = acting_as(by, "case.prepare", unit, roles=DISTRICT_STAFF)  # first: a refusal reveals nothing else
    values = {"occurred_on": occurred_on, "description": description, "source": source}
    day = d.day(values, "occurred_on", _l("发生日期"), not_after=timezone.localdate())
    description = d.text(values, "description", _l("事故情况"), max_length=5000)
    source = d.text(values, "source", _l("来源"), max_length=200)
    record: SafetyAccident = _record(
        model=SafetyAccident,
        unit=unit,
        acting=acting,
        action="honours.accident_recorded",
        payload={"occurred_on": day, "serious": bool(serious), "source": source},
        personal={"description": description},
        occurred_on=day,
        serious=bool(serious),
        description=description,
        source=source,
    )
    return record


def honours_record_held(
    *,
    honour_type: HonourType,
    level: str,
    awarded_on: date | str,
    source: str,
    by: User,
    person: Person | None = None,
    unit: Unit | None = None,
) -> HonourHeld:
    """Enter an honour held from before this system or from elsewhere (a
    person's, placed at their employer; or a unit's)."""
    holder = unit if person is None else person.employer
    if holder is None:
        raise RuleViolation(_("获得者：请选择人员或单位。"), code="field_required", field="person")
    acting = acting_as(by, "case.prepare", holder, roles=DISTRICT_STAFF)
    values = {"awarded_on": awarded_on, "source": source}
    level = d.choice({"level": level}, "level", _l("级别"), {c.value: c.label for c in Level})
    day = d.day(values, "awarded_on", _l("授予日期"), not_after=timezone.localdate())
    assert day is not None  # required
    source = d.text(values, "source", _l("来源"), max_length=200)
    with transaction.atomic():
        held = HonourHeld.objects.create(
            honour_type=honour_type,
            level=level,
            person=person,
            unit=None if person else unit,
            awarded_on=day,
            source=source,
            recorded_by=by,
        )
        ledger_append(
            action="honours.held_recorded",
            subject=("honours.honourheld", str(held.pk)),
            subject_unit=holder,
            payload={"honour_type": honour_type.code, "level": level, "awarded_on": day, "source": source},
            **acting,
        )
    return held


def honours_revocation_propose(
    *, nomination: HonourNomination, grounds: str, by: User, documents: Sequence[Attachment] = ()
) -> Revocation:
    """District staff propose to revoke an awarded honour (a Home that failed
    its re-inspection, the holder's later misconduct), with the grounds and
    the papers that show them. One open proposal at a time; one ledger entry;
    the district's approvers are told."""
    with atomic_with_files():
        case = case_lock(nomination)
        acting = acting_as(by, "case.prepare", case, roles=DISTRICT_STAFF)  # first: a refusal reveals nothing else
        grounds = d.text({"grounds": grounds}, "grounds", _l("撤销理由"), max_length=5000)
        if case.state not in HELD_STATES:
            raise RuleViolation(_("撤销：只能撤销已授予的荣誉。"), code="honours.not_awarded", field="nomination")
        if case.revocations.filter(decided_at=None).exists():
            raise RuleViolation(_("撤销：已有待决定的撤销提议。"), code="honours.revocation_open", field="nomination")
        checked = documents_check(documents)
        if not checked:
            raise RuleViolation(
                _("材料：请上传撤销理由所依据的材料（如复查记录、处分决定）。"),
                code="case.evidence_required",
                field="documents",
            )
        revocation = Revocation.objects.create(nomination=case, grounds=grounds, proposed_by=by)
        stored = documents_store(case=case, checked=checked, by=by)
        entry = ledger_append(
            action="honours.revocation_proposed",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            reason=grounds,
            payload={"revocation": revocation.pk, "number": case.number},
            personal=documents_personal(stored),
            evidence=documents_evidence(stored),
            **acting,
        )
        documents_link(stored, entry)
        outbox_queue(
            event="honours.revocation_proposed",
            subject=case_subject(case),
            recipients=_district_holders(case, DISTRICT_DECIDERS),
            payload={"number": case.number},
        )
    return revocation


def honours_revocation_decide(*, revocation: Revocation, revoke: bool, reason: str, by: User) -> Revocation:
    """A district approver — never the proposer — decides a proposal with
    written reasons. Revoked: the honour held ends that day, the nomination
    is revoked (its open step, if any, closed by the system). One ledger
    entry for the decision, one for the nomination's change of state."""
    with transaction.atomic():
        case = case_lock(revocation.nomination)
        acting = acting_as(by, "case.decide", case, roles=DISTRICT_DECIDERS)
        fresh = Revocation.objects.select_for_update().get(pk=revocation.pk)
        if fresh.proposed_by_id == by.pk:
            raise NotAllowed(_("回避：撤销提议人不能决定本提议。"), code="four_eyes.own_preparation")
        reason = d.text({"reason": reason}, "reason", _l("决定理由"), max_length=5000)
        if fresh.decided_at is not None:
            raise RuleViolation(_("撤销：该提议已决定。"), code="honours.revocation_decided", field="revoked")
        today = timezone.localdate()
        fresh.revoked, fresh.decision_reason, fresh.decided_by, fresh.decided_at = revoke, reason, by, timezone.now()
        fresh.save(update_fields=["revoked", "decision_reason", "decided_by", "decided_at"])
        ledger_append(
            action="honours.revocation_decided",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            reason=reason,
            payload={"revocation": fresh.pk, "revoked": revoke},
            **acting,
        )
        if revoke:
            HonourHeld.objects.filter(nomination=case).update(revoked_on=today)
            case.revoked_on = today
            case.save(update_fields=["revoked_on", "updated_at"])
            if case.state == State.PUBLISHED:  # the flow has ended: no step to close
                case.state = State.REVOKED
                case.save(update_fields=["state", "updated_at"])
                ledger_append(
                    action="honours.revoked",
                    subject=case_subject(case),
                    subject_unit=case.unit,
                    from_state=State.PUBLISHED,
                    to_state=State.REVOKED,
                    reason=reason,
                    payload={"revocation": fresh.pk, "number": case.number},
                    **acting,
                )
            else:
                automatic_steps_take(case)
    return fresh


def honours_list_approve(*, campaign: Campaign, by: User) -> list[HonourNomination]:
    """A district approver approves the campaign's whole list at once: every
    nomination awaiting approval that they may approve, each its own step
    and ledger entry, the composition checked over the list as it will
    stand with all of them. All or nothing: one refusal, nothing approved."""
    from casework.cases.selectors import case_open_task
    from casework.cases.tasks import task_complete

    acting_as(by, "case.decide", campaign.district, roles=DISTRICT_DECIDERS)  # first: a refusal reveals nothing else
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        waiting = HonourNomination.objects.filter(campaign=campaign, state=State.APPROVAL).order_by("pk")
        mine = [case for case in waiting if can(by, "case.decide", case, roles=DISTRICT_DECIDERS)]
        if not mine:
            raise RuleViolation(
                _("审定名单：没有待您审定的推荐。"), code="honours.nothing_to_approve", field="campaign"
            )
        together = [case.pk for case in mine]
        approved = []
        for case in mine:
            task = case_open_task(case)
            assert task is not None  # a case in a human step has its open task
            fresh = task_complete(task=task, action="approve", by=by, data={"together": together})
            assert isinstance(fresh, HonourNomination)
            approved.append(fresh)
    return approved
