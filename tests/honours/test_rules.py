"""The rules a review of the flow asked for: composition over the list as
it will stand (one at a time or the whole list at once), one nomination per
nominee and campaign, the same honour barring only at its level or above,
four-eyes for one person holding two roles, an upheld objection leaving
only exclusion, the committee's step shared by its members, the accident
check, and votes of members who have left."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.cases.selectors import case_open_task
from casework.cases.tasks import task_claim, task_reassign
from casework.errors import Conflict, NotAllowed, RuleViolation
from casework.honours.choices import State
from casework.honours.models import HonourType
from casework.honours.services import (
    honours_list_approve,
    honours_objection_record,
    honours_objection_resolve,
    honours_record_accident,
    honours_record_held,
)
from casework.org.models import Membership
from casework.people.services import person_register
from casework.people.synthetic import SyntheticPeople
from tests.hardship.conftest import past_notice
from tests.honours.conftest import (
    campaign_open,
    fresh,
    nominate,
    state_of,
    step,
    to_approval,
    to_committee,
    vote_all,
)


def colleague(world, seed=5):
    p = SyntheticPeople(seed).person(today=timezone.localdate())
    return person_register(
        by=None, name=p.name, id_number=p.id_number, mobile=p.mobile, employer=world.units["E1"], is_member=True
    )


@pytest.fixture
def half_industrial(world, honours):
    """A campaign whose list must be at least half industrial workers, with an
    industrial worker and a manager both awaiting approval."""
    campaign = campaign_open(world, honours, composition={"industrial_worker": 50})
    worker = to_approval(world, honours, campaign)
    manager = to_approval(world, honours, campaign, person=colleague(world), category="manager")
    return campaign, worker, manager


def test_an_approval_counts_the_list_as_it_will_stand(world, honours, half_industrial):
    _campaign, worker, manager = half_industrial
    before = state_of()
    with pytest.raises(RuleViolation) as refused:  # the manager alone: 0 % industrial
        step(manager, "approve", honours["approver"])
    assert refused.value.code == "honours.composition_failed" and state_of() == before
    step(worker, "approve", honours["approver"])
    step(fresh(manager), "approve", honours["approver"])  # now 1 of 2: half
    assert fresh(manager).state == State.APPROVED


def test_the_whole_list_is_approved_at_once(world, honours, half_industrial):
    campaign, worker, manager = half_industrial
    approved = honours_list_approve(campaign=campaign, by=honours["approver"])
    assert sorted(c.pk for c in approved) == sorted([worker.pk, manager.pk])
    assert {fresh(worker).state, fresh(manager).state} == {State.APPROVED}


def test_a_list_breaking_the_composition_approves_nobody(world, honours):
    campaign = campaign_open(world, honours, composition={"industrial_worker": 60})
    to_approval(world, honours, campaign)
    to_approval(world, honours, campaign, person=colleague(world), category="manager")
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        honours_list_approve(campaign=campaign, by=honours["approver"])
    assert refused.value.code == "honours.composition_failed" and state_of() == before


def test_one_nomination_per_nominee_and_campaign(world, honours, campaign):
    nominate(world, honours, campaign)
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        nominate(world, honours, campaign)
    assert refused.value.code == "honours.already_nominated" and state_of() == before


def test_the_same_honour_bars_only_at_its_level_or_above(world, honours):
    honours_record_held(
        honour_type=HonourType.objects.get(code="model_worker"),
        level="district",
        awarded_on=timezone.localdate() - timedelta(days=400),
        source="区工发〔2025〕1号",
        person=world.people["E1"],
        by=honours["district"],
    )
    province = campaign_open(world, honours, level="province")
    assert nominate(world, honours, province).state == State.NOMINATED  # recommended upward: allowed
    district = campaign_open(world, honours, level="district")
    with pytest.raises(RuleViolation) as refused:
        nominate(world, honours, district)
    assert refused.value.code == "honours.honour_held"


def test_whoever_prepared_never_approves_even_holding_both_roles(world, honours, campaign, user_with):
    both = user_with("district_caseworker", world.units["D1"])
    Membership.objects.create(user=both, unit=world.units["D1"], role="district_approver")
    case = vote_all(to_committee(world, honours, campaign), honours)
    step(case, "committee_selects", both, **past_notice())
    step(case, "end_district_notice", both)
    before = state_of()
    with pytest.raises(NotAllowed) as refused:
        step(case, "approve", both)
    assert refused.value.code == "four_eyes.own_preparation" and state_of() == before
    step(case, "approve", honours["approver"])  # another approver may


def test_an_upheld_objection_leaves_only_exclusion(world, honours, campaign):
    case = vote_all(to_committee(world, honours, campaign), honours)
    step(case, "committee_selects", honours["district"], **past_notice())
    objection = honours_objection_record(
        case=case,
        objector="赵某",
        content="其事迹数据系虚报",
        raised_on=past_notice()["notice_until"],
        by=honours["district"],
    )
    honours_objection_resolve(objection=objection, upheld=True, resolution="经核实数据虚报", by=honours["district"])
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        step(case, "end_district_notice", honours["district"])
    assert refused.value.code == "honours.objection_upheld" and state_of() == before
    step(case, "exclude_on_objection", honours["approver"], reason="经调查异议成立，取消推荐资格")
    assert fresh(case).state == State.EXCLUDED


def test_the_committees_step_is_nobodys_alone(world, honours, campaign):
    case = to_committee(world, honours, campaign)
    task = case_open_task(case)
    assert task is not None
    before = state_of()
    with pytest.raises((NotAllowed, Conflict)):
        task_claim(task=task, by=honours["committee"][0])
    with pytest.raises(RuleViolation) as refused:
        task_reassign(task=task, to=honours["committee"][1], by=honours["approver"], reason="请其办理")
    assert refused.value.code == "task.not_claimable" and state_of() == before
    vote_all(case, honours)  # every member still votes


def test_a_serious_accident_at_the_unit_bars_it(world, honours, campaign):
    honours_record_accident(
        unit=world.units["E1"],
        occurred_on=timezone.localdate() - timedelta(days=700),
        serious=True,
        description="高处坠落致一人死亡",
        source="区应急管理局事故调查报告",
        by=honours["district"],
    )
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        nominate(world, honours, campaign)
    assert refused.value.code == "honours.unit_serious_accident" and state_of() == before


def test_a_member_who_has_left_no_longer_counts(world, honours, campaign):
    case = vote_all(to_committee(world, honours, campaign), honours, votes=("yes", "yes"))
    leaving = honours["committee"][0]
    Membership.objects.filter(user=leaving, role="honours_committee").update(valid_until=timezone.now())
    before = state_of()
    with pytest.raises(RuleViolation) as refused:  # two members left, one vote of theirs: no quorum of 0.67
        step(case, "committee_selects", honours["district"], **past_notice())
    assert refused.value.code == "honours.no_quorum" and "委员2人，已表决1人" in str(refused.value.message)
    assert state_of() == before
