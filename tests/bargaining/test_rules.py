"""Every rule of representatives, rounds, the draft and the workers'
congress (《集体合同规定》 19–24, 32–38) refused with its field and
article, and a refusal changes nothing: the case, its seats and rounds,
the trail, the outbox, the open task."""

from __future__ import annotations

import pytest

from casework.bargaining.models import BargainingCase
from casework.bargaining.services import bargaining_case_open, bargaining_round_record, bargaining_side_set
from casework.errors import NotAllowed, RuleViolation
from casework.ledger.models import LedgerEntry
from tests.bargaining.conftest import (
    DRAFT,
    VOTE,
    ago,
    employer_seats,
    fresh,
    letter,
    opened,
    round_of,
    state_of,
    step,
    to_congress,
    to_negotiating,
    union_seats,
)


def refused(case, code, field, call):
    before = state_of(case)
    with pytest.raises(RuleViolation) as error:
        call()
    assert (error.value.code, error.value.field) == (code, field), error.value
    assert state_of(case) == before
    return error.value


# Representatives (19, 20, 23, 24).


@pytest.mark.parametrize(
    ("side", "seats", "code"),
    [
        ("union", lambda w: union_seats(w, size=2), "bargaining.too_few_seats"),
        ("employer", lambda w: employer_seats(size=2), "bargaining.too_few_seats"),
        ("employer", lambda w: employer_seats(outside_expert=True), "bargaining.expert_chief"),
        (
            "employer",
            lambda w: [
                employer_seats()[0],
                {"name": "专家甲", "role": "member", "outside_expert": True},
                {"name": "专家乙", "role": "member", "outside_expert": True},
            ],
            "bargaining.too_many_experts",
        ),
        ("employer", lambda w: [*employer_seats()[:2], {"name": "厂长乙", "role": "chief"}], "bargaining.one_chief"),
        (
            "employer",
            lambda w: [*employer_seats()[:2], {"name": "企业代表1", "role": "member"}],
            "bargaining.seat_twice",
        ),
    ],
)
def test_a_side_that_breaks_a_rule_is_refused(world, team, side, seats, code):
    case = opened(world, team)
    error = refused(
        case,
        code,
        f"{side}_seats",
        lambda: bargaining_side_set(case=case, side=side, seats=seats(world), by=team["chair"]),
    )
    assert "代表" in error.message


def test_a_third_of_a_side_may_be_outside_experts_but_no_more(world, team):
    case = opened(world, team)
    seats = [*employer_seats(size=5), {"name": "专家甲", "role": "member", "outside_expert": True}]
    seats[1]["outside_expert"] = True  # 2 of 6: a third
    assert len(bargaining_side_set(case=case, side="employer", seats=seats, by=team["chair"])) == 6
    seats[2]["outside_expert"] = True  # 3 of 6: more than a third
    refused(
        case,
        "bargaining.too_many_experts",
        "employer_seats",
        lambda: bargaining_side_set(case=case, side="employer", seats=seats, by=team["chair"]),
    )


def test_the_union_chief_is_the_chair_unless_a_written_delegation_is_attached(world, team):
    case = opened(world, team)
    seats = union_seats(world)
    seats[0] = {"name": "副主席李", "role": "chief"}
    refused(
        case,
        "bargaining.union_chief_not_chair",
        "union_seats",
        lambda: bargaining_side_set(case=case, side="union", seats=seats, by=team["chair"]),
    )
    refused(
        case,
        "bargaining.delegation_letter_missing",
        "documents",
        lambda: bargaining_side_set(case=case, side="union", seats=seats, by=team["chair"], chief_delegated=True),
    )
    saved = bargaining_side_set(
        case=case, side="union", seats=seats, by=team["chair"], chief_delegated=True, documents=letter()
    )
    assert [s.name for s in saved] == ["副主席李", "职工代表1", "职工代表2"]
    entry = LedgerEntry.objects.filter(action="bargaining.side_set").latest("seq")
    assert entry.payload["chief_delegated"] is True and len(entry.evidence) == 1


def test_nobody_sits_on_both_sides(world, team):
    case = opened(world, team)
    bargaining_side_set(case=case, side="union", seats=union_seats(world), by=team["chair"])
    seats = employer_seats()
    seats[2] = {"name": "职工代表1", "role": "member"}
    error = refused(
        case,
        "bargaining.on_both_sides",
        "employer_seats",
        lambda: bargaining_side_set(case=case, side="employer", seats=seats, by=team["chair"]),
    )
    assert "职工代表1" in error.message


def test_unequal_sides_cannot_meet_or_agree_a_draft(world, team):
    case = to_negotiating(world, team)
    bargaining_side_set(case=case, side="employer", seats=employer_seats(size=4), by=team["chair"])
    refused(case, "bargaining.unequal_sides", "employer_seats", lambda: round_of(case, team))
    refused(
        case, "bargaining.unequal_sides", "employer_seats", lambda: step(case, "agree_draft", team["chair"], **DRAFT)
    )


# The offer and the reply (32).


def test_an_offer_names_the_union_side_first(world, team):
    case = opened(world, team)
    refused(
        case,
        "bargaining.side_missing",
        "union_seats",
        lambda: step(case, "serve_offer", team["chair"], offered_by="union", served_on=ago(1)),
    )


def test_the_employers_reply_is_recorded_with_its_letter(world, team):
    case = opened(world, team)
    bargaining_side_set(case=case, side="union", seats=union_seats(world), by=team["chair"])
    step(case, "serve_offer", team["chair"], documents=letter("送达回证.pdf"), offered_by="union", served_on=ago(5))
    refused(
        case,
        "case.evidence_required",
        "documents",
        lambda: step(case, "record_acceptance", team["caseworker"], replied_on=ago(2)),
    )
    refused(
        case,
        "bargaining.date_order",
        "replied_on",
        lambda: step(case, "record_acceptance", team["caseworker"], documents=letter(), replied_on=ago(9)),
    )


def test_the_chair_cannot_record_what_the_employer_answered(world, team):
    case = opened(world, team)
    bargaining_side_set(case=case, side="union", seats=union_seats(world), by=team["chair"])
    step(case, "serve_offer", team["chair"], documents=letter("送达回证.pdf"), offered_by="union", served_on=ago(5))
    before = state_of(case)
    with pytest.raises(NotAllowed):
        step(case, "record_acceptance", team["chair"], documents=letter(), replied_on=ago(2))
    assert state_of(case) == before


# Rounds (33–35).


def test_a_round_needs_a_neutral_recorder_and_both_sides_present(world, team):
    case = to_negotiating(world, team)
    union = list(case.seats.filter(side="union").values_list("pk", flat=True))
    arguments = {"held_on": ago(1), "minutes": "记录", "chiefs_confirmed": True, "by": team["chair"]}
    refused(
        case,
        "bargaining.recorder_not_neutral",
        "recorder",
        lambda: bargaining_round_record(case=case, recorder="厂长甲", attendance=union, **arguments),
    )
    refused(
        case,
        "bargaining.attendance_one_sided",
        "attendance",
        lambda: bargaining_round_record(case=case, recorder="书记员王", attendance=union, **arguments),
    )
    other = to_negotiating_elsewhere(world, team)
    refused(
        case,
        "bargaining.attendance_invalid",
        "attendance",
        lambda: bargaining_round_record(case=case, recorder="书记员王", attendance=[*union, other], **arguments),
    )


def to_negotiating_elsewhere(world, team):
    """A seat of another case: not one the round may name."""
    from casework.bargaining.models import Seat

    return Seat.objects.exclude(case__unit=world.units["E1"]).values_list("pk", flat=True).first() or 999999


def test_a_draft_needs_minutes_both_chiefs_signed(world, team):
    case = to_negotiating(world, team)
    round_of(case, team, confirmed=False)
    refused(case, "bargaining.no_confirmed_round", "rounds", lambda: step(case, "agree_draft", team["chair"], **DRAFT))


def test_a_suspension_agrees_a_date_to_resume(world, team):
    case = to_negotiating(world, team)
    refused(
        case,
        "bargaining.resume_date_past",
        "resume_on",
        lambda: step(case, "suspend", team["chair"], reason="待企业核算", resume_on=ago(0)),
    )
    refused(case, "reason_required", "reason", lambda: step(case, "suspend", team["chair"], resume_on="2999-01-01"))


# The draft (38) and the local minimum wage.


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"minimum_pay": "2689.99"}, "bargaining.below_minimum_wage", "minimum_pay"),
        ({"term_months": 48}, "bargaining.term_invalid", "term_months"),
        ({"term_months": 6}, "bargaining.term_invalid", "term_months"),
        ({"pay_day": 32}, "bargaining.pay_day_invalid", "pay_day"),
        ({"pay_day": 0}, "field_too_small", "pay_day"),
        ({"agreement_text": ""}, "field_required", "agreement_text"),
    ],
)
def test_a_draft_that_breaks_a_rule_is_refused(world, team, change, code, field):
    case = to_negotiating(world, team)
    round_of(case, team)
    refused(case, code, field, lambda: step(case, "agree_draft", team["chair"], **{**DRAFT, **change}))


# The workers' congress (36).


@pytest.mark.parametrize(
    ("counts", "code", "field"),
    [
        # 39 of 60 present: under two thirds, the vote is void.
        ({"present": 39, "yes": 35, "no": 4, "abstain": 0}, "bargaining.no_quorum", "present"),
        # 30 of the 50 present is a majority of those present, not of all 60.
        ({"present": 50, "yes": 30, "no": 20, "abstain": 0}, "bargaining.congress_not_passed", "yes"),
        ({"present": 50, "yes": 40, "no": 6, "abstain": 3}, "bargaining.vote_counts_mismatch", "yes"),
        ({"present": 61, "yes": 61, "no": 0, "abstain": 0}, "bargaining.vote_present_invalid", "present"),
    ],
)
def test_a_congress_vote_that_does_not_carry_cannot_be_recorded_as_passed(world, team, counts, code, field):
    case = to_congress(world, team)
    refused(case, code, field, lambda: step(case, "congress_approve", team["chair"], **{**VOTE, **counts}))


def test_a_vote_that_carried_is_not_recorded_as_a_rejection(world, team):
    case = to_congress(world, team)
    refused(case, "bargaining.congress_passed", "yes", lambda: step(case, "congress_reject", team["chair"], **VOTE))


def test_exactly_two_thirds_present_and_one_more_than_half_of_all_carries(world, team):
    case = to_congress(world, team)
    step(case, "congress_approve", team["chair"], **{**VOTE, "present": 40, "yes": 31, "no": 9, "abstain": 0})
    assert fresh(case).state == "signing"


# Signing and filing (37, 42).


def test_signing_and_filing_dates_keep_their_order(world, team):
    case = to_congress(world, team)
    step(case, "congress_approve", team["chair"], **VOTE)
    refused(case, "bargaining.date_order", "signed_on", lambda: step(case, "sign", team["chair"], signed_on=ago(4)))
    step(case, "sign", team["chair"], signed_on=ago(2))
    refused(
        case,
        "bargaining.date_order",
        "submitted_on",
        lambda: step(case, "file", team["chair"], documents=letter(), submitted_on=ago(3), received_on=ago(1)),
    )
    refused(
        case,
        "bargaining.date_order",
        "received_on",
        lambda: step(case, "file", team["chair"], documents=letter(), submitted_on=ago(1), received_on=ago(2)),
    )
    refused(
        case,
        "case.evidence_required",
        "documents",
        lambda: step(case, "file", team["chair"], submitted_on=ago(1), received_on=ago(1)),
    )


# Opening.


def test_one_bargaining_at_a_time_per_enterprise_and_only_at_an_enterprise(world, team):
    case = opened(world, team)
    count = BargainingCase.objects.count()
    with pytest.raises(RuleViolation) as error:
        opened(world, team)
    assert (error.value.code, error.value.field) == ("bargaining.already_open", "unit")
    with pytest.raises(RuleViolation) as error:
        bargaining_case_open(unit=world.units["S1"], workers_covered=10, by=team["caseworker"])
    assert error.value.code == "bargaining.unit_not_grass_roots"
    with pytest.raises(RuleViolation) as error:
        bargaining_case_open(unit=world.units["E1"], workers_covered=0, by=team["chair"])
    assert error.value.field == "workers_covered"
    assert BargainingCase.objects.count() == count and fresh(case).state == "preparing"


def test_a_neighbouring_chair_cannot_open_or_act(world, team, staff):
    case = opened(world, team)
    with pytest.raises(NotAllowed):
        bargaining_case_open(unit=world.units["E1"], workers_covered=5, by=staff["neighbour_chair"])
    before = state_of(case)
    with pytest.raises(NotAllowed):
        bargaining_side_set(case=case, side="union", seats=union_seats(world), by=staff["neighbour_chair"])
    assert state_of(case) == before


def test_sides_cannot_change_once_the_draft_is_with_the_congress(world, team):
    case = to_congress(world, team)
    refused(
        case,
        "bargaining.terms_closed",
        "employer_seats",
        lambda: bargaining_side_set(case=case, side="employer", seats=employer_seats(), by=team["chair"]),
    )


def test_preparation_figures_need_their_source_and_close_with_the_draft(world, team):
    from casework.bargaining.services import bargaining_preparation_set

    case = opened(world, team)
    refused(
        case,
        "field_required",
        "preparation_sources",
        lambda: bargaining_preparation_set(
            case=case, by=team["chair"], workers_covered=300, preparation={"lowest_wage": "2800"}
        ),
    )
    bargaining_preparation_set(
        case=case,
        by=team["chair"],
        workers_covered=300,
        preparation={"lowest_wage": "2800", "profit": "1200000", "preparation_sources": "2025年度财务报表"},
    )
    updated = fresh(case)
    assert (updated.workers_covered, str(updated.lowest_wage), updated.preparation_sources) == (
        300,
        "2800.00",
        "2025年度财务报表",
    )
    entry = LedgerEntry.objects.filter(action="bargaining.preparation_set").get()
    assert entry.payload["lowest_wage"] == "2800" and entry.actor == team["chair"]
    step(case, "close", team["chair"], reason="企业改制，另行协商")  # frees the enterprise for the next case
    congress = to_congress(world, team)
    refused(
        congress,
        "bargaining.terms_closed",
        "preparation_sources",
        lambda: bargaining_preparation_set(case=congress, by=team["caseworker"], workers_covered=10, preparation={}),
    )


def test_an_offer_needs_its_proof_of_service_and_a_delegation_letter_is_not_one(world, team, media):
    case = opened(world, team)
    seats = union_seats(world)
    seats[0] = {"name": "副主席李", "role": "chief"}
    bargaining_side_set(
        case=case, side="union", seats=seats, by=team["chair"], chief_delegated=True, documents=letter("委托书.pdf")
    )
    refused(
        case,
        "case.evidence_required",
        "documents",
        lambda: step(case, "serve_offer", team["chair"], offered_by="union", served_on=ago(1)),
    )
    # Uploaded on its own before the step: it is the step's evidence.
    from casework.cases.services import case_document_attach
    from tests.cases.conftest import PDF, upload

    proof = case_document_attach(case=case, uploaded_file=upload("送达回证.pdf", PDF), kind="letter", by=team["chair"])
    step(case, "serve_offer", team["chair"], offered_by="union", served_on=ago(1))
    entry = LedgerEntry.objects.get(action="bargaining.serve_offer")
    assert [e["document"] for e in entry.evidence] == [proof.pk]
