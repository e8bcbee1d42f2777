"""The honours flow end to end, and each rule violation leaving the
nominations, the vetting, the grants, the trail and the outbox unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.cases.selectors import case_open_task
from casework.errors import NotAllowed, RuleViolation
from casework.honours.choices import State
from casework.honours.models import CommitteeVote, HonourHeld, VettingRequest
from casework.honours.services import honours_case_decide, honours_record_arrears
from casework.ledger.models import LedgerEntry
from notifications.models import OutboxMessage
from permissions.models import ObjectGrant
from tests.hardship.conftest import past_notice
from tests.honours.conftest import (
    answer_all,
    campaign_open,
    fresh,
    nominate,
    state_of,
    step,
    to_approval,
    to_committee,
    to_street_review,
    vote_all,
)


def test_a_model_worker_from_nomination_to_publication(world, honours, campaign):
    case = to_approval(world, honours, campaign)
    assert case.state == State.APPROVAL
    step(case, "approve", honours["approver"])
    today = timezone.localdate()
    step(case, "award", honours["approver"], awarded_on=today.isoformat(), award_document="一工发〔2026〕12号")
    step(fresh(case), "publish", honours["district"], published_on=today.isoformat())
    case = fresh(case)
    assert case.state == State.PUBLISHED and case.closed_at is not None
    held = HonourHeld.objects.get(nomination=case)
    assert (held.person, held.level, held.source) == (world.people["E1"], "district", "一工发〔2026〕12号")
    trail = LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).order_by("seq")
    actions = list(trail.values_list("action", flat=True))
    assert actions[0] == "honours.nominated"
    assert actions.count("honours.vetting_answered") == 5
    assert actions.count("honours.cast_vote") == 3
    assert "honours.vetting_cleared" in actions
    assert actions[-4:] == ["honours.end_district_notice", "honours.approve", "honours.award", "honours.publish"]
    assert actions.index("access.granted") > actions.index("honours.vetting_cleared")
    # The system joined the vetting: no actor on that entry.
    join = LedgerEntry.objects.get(subject_id=str(case.pk), action="honours.vetting_cleared")
    assert join.actor is None and join.from_state == State.VETTING and join.to_state == State.COMMITTEE
    # The committee saw it while voting only.
    assert not ObjectGrant.everything.filter(object_pk=str(case.pk)).exists()
    assert actions.count("access.granted") == actions.count("access.revoked") == 3
    told = OutboxMessage.objects.filter(event="honours.vote_requested", subject_id=str(case.pk))
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(m.pk for m in honours["committee"])


def test_a_higher_level_honour_is_recommended_and_the_upper_decision_recorded(world, honours):
    from tests.honours.conftest import letter

    campaign = campaign_open(world, honours, level="province")
    case = to_approval(world, honours, campaign)
    step(case, "approve", honours["approver"])
    with pytest.raises(NotAllowed):  # the district does not award a provincial honour itself
        step(fresh(case), "award", honours["approver"], awarded_on=timezone.localdate().isoformat(), award_document="x")
    today = timezone.localdate().isoformat()
    step(fresh(case), "recommend_upward", honours["district"], recommended_on=today)
    before = state_of()
    with pytest.raises(RuleViolation) as refused:  # the upper level's decision comes with its document
        step(fresh(case), "record_upper_award", honours["district"], awarded_on=today, award_document="省总〔2026〕3号")
    assert refused.value.code == "case.evidence_required" and state_of() == before
    step(
        fresh(case),
        "record_upper_award",
        honours["district"],
        documents=letter("省总工会表彰决定.pdf"),
        awarded_on=today,
        award_document="省总〔2026〕3号",
    )
    assert fresh(case).state == State.AWARDED
    assert HonourHeld.objects.get(nomination=case).level == "province"


# The violations the issue names, each leaving everything as it was.


def test_over_quota_is_refused_at_nomination(world, honours, user_with):
    campaign = campaign_open(world, honours, places={world.units["S1"]: 1, world.units["S2"]: 1})
    nominate(world, honours, campaign)
    other = user_with("enterprise_chair", world.units["E1"])
    from casework.people.services import person_register
    from casework.people.synthetic import SyntheticPeople

    p = SyntheticPeople(99).person(today=timezone.localdate())
    colleague = person_register(
        by=None, name=p.name, id_number=p.id_number, mobile=p.mobile, employer=world.units["E1"], is_member=True
    )
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        nominate(world, honours, campaign, person=colleague, by=other)
    assert refused.value.code == "honours.street_quota_full" and refused.value.field == "campaign"
    assert "名额1个，已用1个" in str(refused.value.message)
    assert state_of() == before
    # A street with no quota at all has no places either.
    campaign = campaign_open(world, honours, places={world.units["S2"]: 1})
    with pytest.raises(RuleViolation) as refused:
        nominate(world, honours, campaign)
    assert refused.value.code == "honours.street_quota_full"


def test_composition_failing_at_approval_is_refused(world, honours):
    campaign = campaign_open(world, honours, composition={"industrial_worker": 35, "migrant_worker": 10})
    case = to_approval(world, honours, campaign)
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        step(case, "approve", honours["approver"])
    assert refused.value.code == "honours.composition_failed" and refused.value.params["group"] == "migrant_worker"
    assert "农民工应不少于10%" in str(refused.value.message)
    assert fresh(case).state == State.APPROVAL and state_of() == before


def test_a_vetoed_nominee_is_excluded_and_cannot_be_approved(world, honours, campaign):
    case = to_street_review(world, honours, campaign)
    step(case, "street_recommend", honours["street_approver"])
    case = answer_all(fresh(case), honours, {"tax": "veto"})
    assert case.state == State.EXCLUDED and case.closed_at is not None
    join = LedgerEntry.objects.get(subject_id=str(case.pk), action="honours.vetting_vetoed")
    assert join.actor is None
    before = state_of()
    assert case_open_task(case) is None  # the flow has ended: nothing to take
    with pytest.raises(NotAllowed) as refused:
        honours_case_decide(case=case, action="approve", by=honours["approver"])
    assert refused.value.code == "case.action_not_allowed" and state_of() == before


def test_a_veto_on_record_blocks_approval(world, honours, campaign):
    """Belt and braces: should a veto reach a nomination on the list (an
    answer corrected on paper), the approval still refuses it."""
    case = to_approval(world, honours, campaign)
    VettingRequest.objects.filter(nomination=case, department="tax").update(answer="veto", reason="欠税")
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        step(case, "approve", honours["approver"])
    assert refused.value.code == "honours.vetoed" and "税务部门" in str(refused.value.message)
    assert state_of() == before


def test_a_nominee_with_recent_arrears_at_the_unit_is_refused(world, honours, campaign):
    honours_record_arrears(
        unit=world.units["E1"],
        found_on=timezone.localdate(),
        amount="86000",
        source="区人社局劳动保障监察责令改正决定书",
        by=honours["district"],
    )
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        nominate(world, honours, campaign)
    assert refused.value.code == "honours.unit_wage_arrears" and refused.value.field == "unit"
    assert "区人社局劳动保障监察" in str(refused.value.message)
    assert state_of() == before


def test_arrears_found_after_nomination_stop_the_approval(world, honours, campaign):
    case = to_approval(world, honours, campaign)
    honours_record_arrears(
        unit=world.units["E1"], found_on=timezone.localdate(), amount="1200", source="仲裁裁决", by=honours["district"]
    )
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        step(case, "approve", honours["approver"])
    assert refused.value.code == "honours.unit_wage_arrears"
    assert state_of() == before


def test_a_committee_vote_without_quorum_is_refused(world, honours, campaign):
    case = vote_all(to_committee(world, honours, campaign), honours, votes=("yes",))
    assert CommitteeVote.objects.filter(nomination=case).count() == 1
    before = state_of()
    for action in ("committee_selects", "committee_rejects"):
        with pytest.raises(RuleViolation) as refused:
            step(case, action, honours["district"], **past_notice())
        assert refused.value.code == "honours.no_quorum"
        assert "委员3人，已表决1人" in str(refused.value.message)
    assert fresh(case).state == State.COMMITTEE and state_of() == before


def test_the_tally_decides_which_close_is_allowed(world, honours, campaign):
    case = vote_all(to_committee(world, honours, campaign), honours, votes=("yes", "no", "abstain"))
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        step(case, "committee_selects", honours["district"], **past_notice())
    assert refused.value.code == "honours.not_carried" and state_of() == before
    step(case, "committee_rejects", honours["district"])
    assert fresh(case).state == State.NOT_SELECTED


def test_a_member_votes_once(world, honours, campaign):
    case = to_committee(world, honours, campaign)
    member = honours["committee"][0]
    step(case, "cast_vote", member, vote="yes")
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        step(case, "cast_vote", member, vote="no")
    assert refused.value.code == "honours.already_voted" and state_of() == before


def test_the_district_notice_cannot_end_early(world, honours, campaign):
    case = vote_all(to_committee(world, honours, campaign), honours)
    today = timezone.localdate()
    step(
        case,
        "committee_selects",
        honours["district"],
        notice_from=today.isoformat(),
        notice_until=(today + timedelta(days=10)).isoformat(),
    )
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        step(case, "end_district_notice", honours["district"])
    assert refused.value.code == "honours.notice_not_over" and state_of() == before


def test_the_system_joins_nobody_else(world, honours, campaign):
    case = to_street_review(world, honours, campaign)
    step(case, "street_recommend", honours["street_approver"])
    before = state_of()
    with pytest.raises(NotAllowed) as refused:
        step(fresh(case), "vetting_cleared", honours["district"])
    assert refused.value.code == "case.action_by_system" and state_of() == before
