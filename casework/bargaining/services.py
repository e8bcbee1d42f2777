"""Writes of the bargaining flow (domain.md §2).

``bargaining_case_open`` starts a case for one enterprise and term;
``bargaining_side_set`` names one side's representatives;
``bargaining_round_record`` records a negotiation meeting;
``bargaining_case_decide`` takes any step of the transition table. Every
rule is checked before anything is written; each change is one ledger
entry in the same transaction, and the outbox row with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.bargaining.choices import Reply, SeatRole, Side, State
from casework.bargaining.models import BargainingCase, Round, Seat
from casework.bargaining.opening import (
    SERIES,
    already_open,
    covered_check,
    grass_roots_check,
    open_cases_of,
    opened_entry,
    opened_fields,
)
from casework.bargaining.rules import SeatIn, side_check, sides_check
from casework.bargaining.transitions import PERIODS, TABLE, UNION
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
from casework.cases.services import case_decide, case_lock, case_number_issue, case_subject, evidence_since_step
from casework.cases.tasks import register_decider
from casework.district.selectors import setting_value
from casework.errors import RuleViolation
from casework.ledger.services import ledger_append, ledger_append_many
from casework.org.models import Membership, Unit
from casework.people.idnumber import validate_id_number
from casework.people.models import Person
from permissions.access import acting_as
from permissions.roles import ENTERPRISE_CHAIR

# A side can be changed until the draft goes to the workers' congress.
SEATS_OPEN = (State.PREPARING, State.OFFER_SERVED, State.COORDINATION, State.NEGOTIATING, State.SUSPENDED)
PREPARATION_FIGURES = {
    "average_wage": _l("上年职工月平均工资（元）"),
    "lowest_wage": _l("企业最低月工资（元）"),
    "output_value": _l("上年产值（元）"),
    "profit": _l("上年利润（元）"),
}


def preparation_check(values: dict[str, Any]) -> dict[str, Any]:
    """The preparation figures as entered, each optional, and their sources
    (required once any figure is given)."""
    figures = {name: d.money(values, name, label, required=False) for name, label in PREPARATION_FIGURES.items()}
    sources = d.text(
        values, "preparation_sources", _l("数据来源"), required=any(v is not None for v in figures.values())
    )
    return {**figures, "preparation_sources": sources}


def bargaining_case_open(
    *,
    unit: Unit,
    workers_covered: int | str,
    by: User | None,
    preparation: dict[str, Any] | None = None,
    previous: BargainingCase | None = None,
    today: date | None = None,
) -> BargainingCase:
    """Start the bargaining of one enterprise for its next term: a number
    from the district's series, the preparing step, one ledger entry. An
    enterprise has one bargaining open at a time (its renewal is started
    from the case it renews). ``by`` None: the district's campaign, which
    asked its own permission."""
    today = today or timezone.localdate()
    acting = acting_as(by, "case.file", unit, roles=UNION)  # first: a refusal reveals nothing of the input's faults
    grass_roots_check(unit)
    covered = covered_check(workers_covered)
    figures = preparation_check(preparation or {})
    from flows.bargaining import BargainingFlow  # the flow imports this app's models

    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)  # one open case per enterprise, even racing
        existing = open_cases_of([locked.pk]).get(locked.pk)
        if existing is not None and existing.pk != getattr(previous, "pk", None):
            raise already_open(unit, existing)
        case: BargainingCase = BargainingFlow.start.run(
            **opened_fields(unit=locked, by=by, covered=covered, figures=figures, previous=previous)
        )
        case_number_issue(case=case, series=SERIES, year=today.year)
        ledger_append_many([opened_entry(case, acting=acting, figures=figures)])
    return case


def bargaining_preparation_set(
    *, case: BargainingCase, by: User, workers_covered: int | str, preparation: dict[str, Any]
) -> BargainingCase:
    """Correct the preparation figures and the workers covered while the
    terms are still being negotiated. One ledger entry."""
    acting = acting_as(by, "case.file", case, roles=UNION)
    covered = d.whole({"workers_covered": workers_covered}, "workers_covered", _l("覆盖职工人数"), minimum=1)
    figures = preparation_check(preparation)
    with transaction.atomic():
        case = case_lock(case)
        _seats_open(case, "preparation_sources")
        for name, value in {**figures, "workers_covered": covered}.items():
            setattr(case, name, value)
        case.save(update_fields=[*figures, "workers_covered", "updated_at"])
        ledger_append(
            action="bargaining.preparation_set",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            payload={"workers_covered": covered, **figures},
            **acting,
        )
    return case


def _seats_open(case: BargainingCase, field: str) -> None:
    if case.state not in SEATS_OPEN:
        raise RuleViolation(
            _("案件：协议草案提交职代会后，不能再修改协商代表和准备材料。"),
            code="bargaining.terms_closed",
            field=field,
        )


def seats_in(case: BargainingCase, side: str) -> list[SeatIn]:
    """One side's saved representatives, as the rules read them."""
    return [
        SeatIn(
            name=s.name,
            role=s.role,
            outside_expert=s.outside_expert,
            id_number=s.id_number,
            person_id=s.person_id,
            position=s.position,
        )
        for s in case.seats.filter(side=side).order_by("pk")
    ]


def seats_read(raw: Sequence[dict[str, Any]], side: str) -> list[SeatIn]:
    """Submitted seats, each field checked (``employer_seats[2].name``)."""
    seats = []
    for i, item in enumerate(raw):
        prefix = f"{side}_seats[{i}]"
        if not isinstance(item, dict):
            raise RuleViolation(_("协商代表：格式不正确。"), code="bargaining.seat_invalid", field=prefix)
        person_id = item.get("person")
        person = None
        if person_id not in (None, ""):
            person = Person.objects.filter(pk=int(str(person_id))).first() if str(person_id).isdigit() else None
            if person is None:
                raise RuleViolation(
                    _("人员：登记册中没有此人。"), code="bargaining.person_unknown", field=f"{prefix}.person"
                )
        id_number = str(item.get("id_number") or "").strip().upper()
        if id_number:
            try:
                id_number = validate_id_number(id_number)
            except ValidationError as error:
                raise RuleViolation(
                    str(error.message), code=error.code or "id_number_invalid", field=f"{prefix}.id_number"
                ) from None
        if person is None and id_number:  # someone in the registry, named by their ID number
            person = Person.objects.filter(id_number=id_number).first()
        name = person.name if person is not None else d.text(item, "name", _l("姓名"), max_length=50)
        role = d.choice(item, "role", _l("身份"), {r.value: r.label for r in SeatRole})
        seats.append(
            SeatIn(
                name=name,
                role=role,
                outside_expert=bool(item.get("outside_expert")),
                id_number=person.id_number if person is not None else id_number,
                person_id=person.pk if person is not None else None,
                position=d.text(item, "position", _l("职务"), required=False, max_length=100),
            )
        )
    return seats


def chair_person_ids(case: BargainingCase) -> set[int]:
    """The registry persons of the enterprise union's current chair(s)."""
    return set(
        Membership.objects.current()
        .filter(unit_id=case.unit_id, role=ENTERPRISE_CHAIR, user__person__isnull=False)
        .values_list("user__person_id", flat=True)
    )


def bargaining_side_set(
    *,
    case: BargainingCase,
    side: str,
    seats: Sequence[dict[str, Any]],
    by: User,
    chief_delegated: bool = False,
    documents: Sequence[Attachment] = (),
) -> list[Seat]:
    """Name one side's representatives, replacing the side whole: at least
    three, one chief, outside experts at most a third and never chief; the
    union's chief is its chair unless the chair delegated in writing (the
    letter comes with this step or was attached since the step began);
    nobody on both sides. The employer's side is recorded by the union from
    the employer's letter. One ledger entry."""
    acting = acting_as(by, "case.file", case, roles=UNION)  # first: a refusal reveals nothing of the input's faults
    side = d.choice({"side": side}, "side", _l("协商方"), {s.value: s.label for s in Side})
    submitted = seats_read(seats, side)
    with atomic_with_files():
        case = case_lock(case)
        _seats_open(case, f"{side}_seats")
        problem = side_check(side, submitted, chair_person_ids=chair_person_ids(case), chief_delegated=chief_delegated)
        other = seats_in(case, Side.EMPLOYER if side == Side.UNION else Side.UNION)
        if problem is None and other:
            both = sides_check(*((submitted, other) if side == Side.UNION else (other, submitted)))
            problem = both if both is not None and both.code == "bargaining.on_both_sides" else None
        if problem is not None:
            raise problem
        checked = documents_check(documents)
        earlier = evidence_since_step(case) if chief_delegated else []
        if side == Side.UNION and chief_delegated and not checked and not earlier:
            raise RuleViolation(
                _("材料：由他人担任职工方首席代表，须上传工会主席的书面委托书（《集体合同规定》第20条）。"),
                code="bargaining.delegation_letter_missing",
                field="documents",
            )
        case.seats.filter(side=side).delete()
        saved = Seat.objects.bulk_create(
            [
                Seat(
                    case=case,
                    side=side,
                    role=s.role,
                    outside_expert=s.outside_expert,
                    name=s.name,
                    person_id=s.person_id,
                    id_number=s.id_number,
                    position=s.position,
                )
                for s in submitted
            ]
        )
        stored = documents_store(case=case, checked=checked, by=by)
        entry = ledger_append(
            action="bargaining.side_set",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            payload={
                "side": side,
                "seats": [{"role": s.role, "outside_expert": s.outside_expert} for s in submitted],
                "chief_delegated": chief_delegated,
            },
            personal={
                "names": [s.name for s in submitted],
                "id_numbers": [s.id_number for s in submitted],
                **documents_personal(stored),
            },
            evidence=documents_evidence([*earlier, *stored]),
            **acting,
        )
        documents_link(stored, entry)
    return saved


def bargaining_round_record(
    *,
    case: BargainingCase,
    held_on: date | str,
    recorder: str,
    minutes: str,
    attendance: Sequence[int],
    chiefs_confirmed: bool,
    by: User,
    documents: Sequence[Attachment] = (),
) -> Round:
    """Record one negotiation meeting (33, 34): both sides named and equal,
    a neutral recorder who is no representative, attendance from both
    sides, the minutes, and whether both chiefs signed them. One ledger
    entry with the signed minutes as evidence."""
    acting = acting_as(by, "case.file", case, roles=UNION)  # first: a refusal reveals nothing of the input's faults
    values = {"held_on": held_on, "recorder": recorder, "minutes": minutes}
    day = d.day(values, "held_on", _l("协商日期"), not_after=timezone.localdate())
    assert day is not None  # required
    recorder = d.text(values, "recorder", _l("记录员"), max_length=50)
    minutes = d.text(values, "minutes", _l("协商记录"), max_length=50000)
    with atomic_with_files():
        case = case_lock(case)
        if case.state != State.NEGOTIATING:
            raise RuleViolation(
                _("协商会议：只能在协商中登记协商会议。"), code="bargaining.not_negotiating", field="held_on"
            )
        union, employer = seats_in(case, Side.UNION), seats_in(case, Side.EMPLOYER)
        problem = sides_check(union, employer)
        if problem is not None:
            raise problem
        if recorder in {s.name for s in (*union, *employer)}:
            raise RuleViolation(
                _("记录员：应由双方代表以外的中立人员担任（《集体合同规定》第33条）。"),
                code="bargaining.recorder_not_neutral",
                field="recorder",
            )
        seats = {s.pk: s for s in case.seats.all()}
        chosen = [seats.get(int(i)) if str(i).isdigit() else None for i in attendance]
        if not chosen or None in chosen:
            raise RuleViolation(
                _("出席代表：请从本案的协商代表中选择。"), code="bargaining.attendance_invalid", field="attendance"
            )
        present = [s for s in chosen if s is not None]
        if {s.side for s in present} != {Side.UNION, Side.EMPLOYER}:
            raise RuleViolation(
                _("出席代表：双方都须有代表出席。"), code="bargaining.attendance_one_sided", field="attendance"
            )
        checked = documents_check(documents)
        meeting = Round.objects.create(
            case=case,
            number=case.rounds.count() + 1,
            held_on=day,
            recorder=recorder,
            minutes=minutes,
            chiefs_confirmed=chiefs_confirmed,
            recorded_by=by,
        )
        meeting.attendance.set(present)
        stored = documents_store(case=case, checked=checked, by=by)
        entry = ledger_append(
            action="bargaining.round_recorded",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            payload={
                "round": meeting.number,
                "held_on": day,
                "present": len(present),
                "chiefs_confirmed": chiefs_confirmed,
            },
            personal={"recorder": recorder, "minutes": minutes, **documents_personal(stored)},
            evidence=documents_evidence(stored),
            **acting,
        )
        documents_link(stored, entry)
    return meeting


def bargaining_case_decide(
    *,
    case: BargainingCase,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    by: User | None,
    today: date | None = None,
    documents: Sequence[Attachment] = (),
) -> BargainingCase:
    """Take ``action`` from the case's current state (the transition table
    says who may, what it needs and whether it needs the outside party's
    document), record what the step established, and return the case. One
    ledger entry; ``by`` None is the deadline scan taking a step on expiry."""
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
        personal_keys=frozenset({"agreement_text"}),
        apply=lambda fresh: _apply(fresh, action, data, day, by),
    )


def _apply(case: BargainingCase, action: str, data: dict[str, Any], today: date, by: User | None) -> list[str]:
    """What a step establishes on the case, beyond its state; the rules checked the data already."""
    if action == "serve_offer":
        case.offered_by = data["offered_by"]
        case.offer_served_on = d.day(data, "served_on", "")
        return ["offered_by", "offer_served_on"]
    if action in ("record_acceptance", "record_refusal"):
        case.reply = Reply.ACCEPTED if action == "record_acceptance" else Reply.REFUSED
        case.replied_on = d.day(data, "replied_on", "")
        fields = ["reply", "replied_on"]
        if action == "record_refusal":
            case.coordination_requested_on = today
            fields.append("coordination_requested_on")
        return fields
    if action == "no_reply":  # asked for the day after the reply period ended (32)
        case.coordination_requested_on = _period_end(case, State.OFFER_SERVED, today) + timedelta(days=1)
        return ["coordination_requested_on"]
    if action == "agree_draft":
        case.wage_increase_percent = d.money(data, "wage_increase_percent", "")
        case.minimum_pay = d.money(data, "minimum_pay", "")
        case.pay_day = d.whole(data, "pay_day", "")
        case.term_months = d.whole(data, "term_months", "")
        case.agreement_text = d.text(data, "agreement_text", "", max_length=50000)
        return ["wage_increase_percent", "minimum_pay", "pay_day", "term_months", "agreement_text"]
    if action == "suspend":
        case.resume_on = d.day(data, "resume_on", "")
        return ["resume_on"]
    if action == "resume":
        case.resume_on = None
        return ["resume_on"]
    if action in ("congress_approve", "congress_reject"):
        case.congress_voted_on = d.day(data, "voted_on", "")
        case.congress_total = d.whole(data, "representatives_total", "")
        case.congress_present = d.whole(data, "present", "")
        case.congress_yes = d.whole(data, "yes", "")
        case.congress_no = d.whole(data, "no", "")
        case.congress_abstain = d.whole(data, "abstain", "")
        return [
            "congress_voted_on",
            "congress_total",
            "congress_present",
            "congress_yes",
            "congress_no",
            "congress_abstain",
        ]
    if action == "sign":
        case.signed_on = d.day(data, "signed_on", "")
        return ["signed_on"]
    if action == "file":
        case.submitted_on = d.day(data, "submitted_on", "")
        case.received_on = d.day(data, "received_on", "")
        return ["submitted_on", "received_on"]
    if action == "record_objection":
        case.objected_on = d.day(data, "objected_on", "")
        return ["objected_on"]
    if action in ("record_approval", "no_objection"):
        if action == "record_approval":
            effective = d.day(data, "approved_on", "")
        else:  # the day after the review period's last day (47)
            effective = _period_end(case, State.UNDER_REVIEW, today) + timedelta(days=1)
        assert effective is not None and case.term_months is not None
        case.effective_on = effective
        case.expires_on = add_months(effective, case.term_months) - timedelta(days=1)
        months = int(setting_value(case.unit, "bargaining.renewal_months", on=effective))
        case.renewal_opens_on = add_months(case.expires_on, -months)
        return ["effective_on", "expires_on", "renewal_opens_on"]
    if action == "publish":
        case.published_on = d.day(data, "published_on", "")
        return ["published_on"]
    if action == "renew":
        bargaining_case_open(unit=case.unit, workers_covered=case.workers_covered, by=by, previous=case, today=today)
        case.closed_at = timezone.now()
        return ["closed_at"]
    if action in ("expire", "close", "coordination_failed"):
        case.closed_at = timezone.now()
        return ["closed_at"]
    return []


def _period_end(case: BargainingCase, state: str, today: date) -> date:
    """The last day of ``state``'s period, counted from the case's own date
    (the offer served, the text received), whatever day the scan ran."""
    end = PERIODS[state].due(case, today)
    return end.date if end is not None else today


register_decider("bargaining", bargaining_case_decide)
