"""The bargaining flow end to end: offer → reply → rounds → draft →
congress → signing → filing → the bureau's review → effective → published
→ renewal; the other paths (refusal and coordination, suspension, a
rejected draft, the bureau's objection); the trail of every step, the
system's steps by the deadline scan on the official calendar."""

from __future__ import annotations

from datetime import date

from casework.bargaining.choices import State
from casework.bargaining.models import BargainingCase
from casework.bargaining.services import bargaining_case_open, bargaining_side_set
from casework.deadlines.models import TaskDeadline
from casework.deadlines.scan import deadlines_scan
from casework.district.models import DistrictSetting
from casework.ledger.models import LedgerEntry
from notifications.models import OutboxMessage
from tests.bargaining.conftest import (
    DRAFT,
    VOTE,
    ago,
    employer_seats,
    fresh,
    letter,
    opened,
    round_of,
    step,
    to_congress,
    to_negotiating,
    to_under_review,
    union_seats,
)
from tests.hardship.conftest import open_task


def trail(case):
    return list(
        LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
        .order_by("seq")
        .values_list("action", "from_state", "to_state")
    )


def test_from_offer_to_an_agreement_in_force_and_published(world, team):
    case = to_under_review(world, team)
    step(case, "record_approval", team["caseworker"], documents=letter("审查意见.pdf"), approved_on=ago(0))
    case = fresh(case)
    assert case.state == State.EFFECTIVE
    assert case.effective_on.isoformat() == ago(0)
    # 24 months from today, less a day; the window opens three months before.
    assert (case.expires_on - case.effective_on).days in range(728, 732)
    assert (case.expires_on.year * 12 + case.expires_on.month) - (
        case.renewal_opens_on.year * 12 + case.renewal_opens_on.month
    ) == 3
    step(case, "publish", team["chair"], published_on=ago(0))
    assert fresh(case).state == State.PUBLISHED
    assert [a for a, _f, _t in trail(case)] == [
        "bargaining.opened",
        "bargaining.side_set",
        "bargaining.serve_offer",
        "bargaining.record_acceptance",
        "bargaining.side_set",
        "bargaining.round_recorded",
        "bargaining.agree_draft",
        "bargaining.congress_approve",
        "bargaining.sign",
        "bargaining.file",
        "bargaining.record_approval",
        "bargaining.publish",
    ]
    acceptance = LedgerEntry.objects.get(action="bargaining.record_acceptance")
    # The employer's letter: recorded by the street, with its hash as evidence.
    assert (acceptance.actor, acceptance.actor_role, acceptance.actor_unit) == (
        team["caseworker"],
        "street_caseworker",
        world.units["S1"],
    )
    assert len(acceptance.evidence) == 1 and len(acceptance.evidence[0]["sha256"]) == 64
    draft = LedgerEntry.objects.get(action="bargaining.agree_draft")
    assert draft.payload["minimum_pay"] == "3000" and "agreement_text" not in draft.payload


def test_the_employer_refuses_the_bureau_coordinates_and_bargaining_goes_on(world, team):
    case = opened(world, team)
    bargaining_side_set(case=case, side="union", seats=union_seats(world), by=team["chair"])
    step(case, "serve_offer", team["chair"], documents=letter("送达回证.pdf"), offered_by="union", served_on=ago(5))
    step(
        case,
        "record_refusal",
        team["caseworker"],
        reason="企业以经营困难为由拒绝",
        documents=letter(),
        replied_on=ago(1),
    )
    case = fresh(case)
    assert (case.state, case.reply, case.coordination_requested_on.isoformat()) == ("coordination", "refused", ago(0))
    deadline = TaskDeadline.objects.get(task=open_task(case))
    assert (deadline.due - case.coordination_requested_on).days >= 30  # 30 days, later when it ends on a rest day
    step(case, "coordination_agreed", team["caseworker"], documents=letter("协调意见.pdf"), coordinated_on=ago(0))
    assert fresh(case).state == State.NEGOTIATING


def test_coordination_that_fails_closes_the_case_and_frees_the_enterprise(world, team):
    case = opened(world, team)
    bargaining_side_set(case=case, side="union", seats=union_seats(world), by=team["chair"])
    step(case, "serve_offer", team["chair"], documents=letter("送达回证.pdf"), offered_by="union", served_on=ago(5))
    step(case, "record_refusal", team["caseworker"], reason="拒绝", documents=letter(), replied_on=ago(1))
    step(case, "coordination_failed", team["caseworker"], reason="协调未果", documents=letter("协调.pdf"))
    assert fresh(case).state == State.CLOSED and fresh(case).closed_at is not None
    assert opened(world, team).term == 1  # a new bargaining may start


def test_a_suspension_waits_for_its_agreed_date_then_resumes(world, team):
    case = to_negotiating(world, team)
    step(case, "suspend", team["chair"], reason="企业需核算成本", resume_on="2999-01-04")
    assert TaskDeadline.objects.get(task=open_task(case)).due == date(2999, 1, 4)
    step(case, "resume", team["chair"])
    assert (fresh(case).state, fresh(case).resume_on) == (State.NEGOTIATING, None)


def test_a_draft_the_congress_rejects_goes_back_to_the_table(world, team):
    case = to_congress(world, team)
    step(case, "congress_reject", team["chair"], **{**VOTE, "yes": 20, "no": 26})
    case = fresh(case)
    assert (case.state, case.congress_yes) == (State.NEGOTIATING, 20)
    round_of(case, team)
    step(case, "agree_draft", team["chair"], **{**DRAFT, "wage_increase_percent": "6"})
    assert fresh(case).state == State.CONGRESS_VOTE


def test_an_objection_from_the_bureau_sends_it_back_to_renegotiate_and_refile(world, team):
    case = to_under_review(world, team)
    step(
        case,
        "record_objection",
        team["caseworker"],
        reason="最低工资条款表述不明确",
        documents=letter("审查意见书.pdf"),
        objected_on=ago(0),
    )
    case = fresh(case)
    assert case.state == State.NEGOTIATING and case.objected_on.isoformat() == ago(0)
    step(case, "agree_draft", team["chair"], **DRAFT)  # the rounds so far stand
    step(case, "congress_approve", team["chair"], **{**VOTE, "voted_on": ago(0)})
    step(case, "sign", team["chair"], signed_on=ago(0))
    step(case, "file", team["chair"], documents=letter("refile.pdf"), submitted_on=ago(0), received_on=ago(0))
    assert fresh(case).state == State.UNDER_REVIEW


def walk_in_2025(world, team, *, served_on, received_on):
    """A case whose offer and filing happened on fixed days of 2025."""
    case = opened(world, team)
    bargaining_side_set(case=case, side="union", seats=union_seats(world), by=team["chair"])
    step(case, "serve_offer", team["chair"], documents=letter("送达回证.pdf"), offered_by="union", served_on=served_on)
    if received_on is None:
        return fresh(case)
    step(case, "record_acceptance", team["caseworker"], documents=letter(), replied_on=served_on)
    bargaining_side_set(case=case, side="employer", seats=employer_seats(), by=team["chair"])
    round_of(case, team)
    step(case, "agree_draft", team["chair"], **DRAFT)
    step(case, "congress_approve", team["chair"], **{**VOTE, "voted_on": served_on})
    step(case, "sign", team["chair"], signed_on=received_on)
    step(case, "file", team["chair"], documents=letter(), submitted_on=received_on, received_on=received_on)
    return fresh(case)


def test_no_reply_within_twenty_days_across_national_day_goes_to_coordination_the_day_after(world, team):
    case = walk_in_2025(world, team, served_on="2025-09-12", received_on=None)
    # The 20th day is 2 October, inside the holiday (1–8 October): the period ends on the 9th (民法典 203).
    assert TaskDeadline.objects.get(task=open_task(case)).due == date(2025, 10, 9)
    assert deadlines_scan(today=date(2025, 10, 9)).get("taken_on_expiry") is None
    assert fresh(case).state == State.OFFER_SERVED
    before = OutboxMessage.objects.count()
    result = deadlines_scan(today=date(2025, 10, 10))
    case = fresh(case)
    assert result["taken_on_expiry"] == 1
    assert (case.state, case.coordination_requested_on) == (State.COORDINATION, date(2025, 10, 10))
    entry = LedgerEntry.objects.filter(action="bargaining.no_reply").get()
    assert (entry.actor, entry.from_state, entry.to_state) == (None, "offer_served", "coordination")
    assert "2025-10-09" in entry.reason
    assert OutboxMessage.objects.count() > before  # the street is told to follow up with the bureau
    # The second run of the same day takes nothing more.
    assert deadlines_scan(today=date(2025, 10, 10)).get("taken_on_expiry") is None
    assert LedgerEntry.objects.filter(action="bargaining.no_reply").count() == 1


def test_a_district_counting_the_reply_in_working_days(world, team, district):
    DistrictSetting.objects.create(
        district=district, key="bargaining.reply_working_days", value=10, effective_from=date(2020, 1, 1)
    )
    case = walk_in_2025(world, team, served_on="2025-09-26", received_on=None)
    # Working days after Friday 26 September: 28 (an adjusted Sunday), 29, 30 September,
    # then 9, 10, 11 (an adjusted Saturday), 13, 14, 15, 16 October.
    assert TaskDeadline.objects.get(task=open_task(case)).due == date(2025, 10, 16)


def test_no_objection_within_fifteen_days_across_national_day_puts_the_agreement_in_force(world, team):
    case = walk_in_2025(world, team, served_on="2025-09-01", received_on="2025-09-17")
    # 15 days after 17 September is 2 October, inside the holiday: the review ends on the 9th.
    assert TaskDeadline.objects.get(task=open_task(case)).due == date(2025, 10, 9)
    deadlines_scan(today=date(2025, 10, 9))
    assert fresh(case).state == State.UNDER_REVIEW
    deadlines_scan(today=date(2025, 10, 10))
    case = fresh(case)
    assert (case.state, case.effective_on, case.expires_on) == (State.EFFECTIVE, date(2025, 10, 10), date(2027, 10, 9))
    assert case.renewal_opens_on == date(2027, 7, 9)
    entry = LedgerEntry.objects.get(action="bargaining.no_objection")
    assert (entry.actor, entry.to_state) == (None, "effective")
    # Published; the renewal window opens on its first day and, without a renewal, the agreement expires.
    step(case, "publish", team["chair"], published_on="2025-10-11")
    deadlines_scan(today=date(2027, 7, 8))
    assert fresh(case).state == State.PUBLISHED
    # Only the scan acts on a published agreement: nobody is reminded of it.
    assert not LedgerEntry.objects.filter(action__startswith="case.deadline_", from_state="published").exists()
    deadlines_scan(today=date(2027, 7, 9))
    assert fresh(case).state == State.RENEWAL
    deadlines_scan(today=date(2027, 10, 9))
    assert fresh(case).state == State.RENEWAL
    deadlines_scan(today=date(2027, 10, 10))
    assert fresh(case).state == State.EXPIRED and fresh(case).closed_at is not None


def test_renewal_starts_the_next_term_linked_to_this_one(world, team):
    case = walk_in_2025(world, team, served_on="2025-09-01", received_on="2025-09-17")
    deadlines_scan(today=date(2025, 10, 10))
    step(case, "publish", team["chair"], published_on="2025-10-11")
    deadlines_scan(today=date(2027, 7, 9))
    step(fresh(case), "renew", team["chair"])
    old = fresh(case)
    new = BargainingCase.objects.get(previous=old)
    assert (old.state, new.state, new.term, new.unit, new.workers_covered) == (
        State.RENEWED,
        State.PREPARING,
        2,
        old.unit,
        old.workers_covered,
    )
    assert new.number != old.number and open_task(new).flow_task.name == "preparing"


def test_each_district_keeps_its_own_number_series(world, team, user_with):
    from casework.org.models import UnitKind
    from tests.web.helpers import make_unit
    from tests.world import DISTRICT_SETTINGS

    first = opened(world, team)
    for key, value in DISTRICT_SETTINGS.items():
        DistrictSetting.objects.create(
            district=world.units["D2"], key=key, value=value, effective_from=date(2020, 1, 1)
        )
    e3 = make_unit("E3", "三厂工会", UnitKind.ENTERPRISE, world.units["S3"])
    second = bargaining_case_open(unit=e3, workers_covered=12, by=user_with("street_caseworker", world.units["S3"]))
    assert first.number == second.number and first.number_district != second.number_district
