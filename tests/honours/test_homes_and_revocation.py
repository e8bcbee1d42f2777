"""A Model Workers' Home: nominated with its rates (thresholds as district
settings, a lower one for non-public units), inspected on site, awarded
and then re-inspected every year on its own task; an awarded honour
revoked by its own reasoned decision, never by the one who proposed it;
an upheld objection excluding a nominee; a closed campaign."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.cases.selectors import case_open_task
from casework.deadlines.models import TaskDeadline
from casework.errors import NotAllowed, RuleViolation
from casework.honours.choices import State
from casework.honours.models import Campaign, HonourHeld
from casework.honours.services import (
    honours_objection_record,
    honours_objection_resolve,
    honours_revocation_decide,
    honours_revocation_propose,
)
from casework.ledger.models import LedgerEntry
from casework.org.models import Membership
from tests.hardship.conftest import past_notice
from tests.honours.conftest import (
    answer_all,
    campaign_open,
    fresh,
    letter,
    nominate,
    state_of,
    step,
    to_approval,
    vote_all,
)

RATES = {"unionisation_rate": "99.00", "satisfaction_rate": "90.00"}


def home(world, honours, campaign, **overrides):
    return nominate(
        world, honours, campaign, person=None, category="", **{"ownership": "state_owned", **RATES, **overrides}
    )


@pytest.fixture
def homes(world, honours):
    return campaign_open(world, honours, code="model_workers_home")


@pytest.mark.parametrize(
    ("ownership", "rate", "refused"),
    [("state_owned", "97.99", True), ("state_owned", "98.00", False), ("non_public", "80.00", False)],
)
def test_a_home_is_nominated_only_above_the_districts_thresholds(world, honours, homes, ownership, rate, refused):
    before = state_of()
    if refused:
        with pytest.raises(RuleViolation) as error:
            home(world, honours, homes, ownership=ownership, unionisation_rate=rate)
        assert error.value.code == "honours.home_below_threshold" and error.value.field == "unionisation_rate"
        assert "低于本区标准98%" in str(error.value.message) and state_of() == before
    else:
        assert home(world, honours, homes, ownership=ownership, unionisation_rate=rate).person is None


def test_a_home_cannot_nominate_a_person_and_a_person_honour_needs_one(world, honours, homes, campaign):
    with pytest.raises(RuleViolation) as error:
        nominate(world, honours, homes, **RATES)
    assert error.value.code == "honours.unit_honour"
    with pytest.raises(RuleViolation) as error:
        nominate(world, honours, campaign, person=None)
    assert error.value.field == "person"


def awarded_home(world, honours, homes):
    case = home(world, honours, homes)
    chair = honours["chair"]
    step(case, "post_unit_notice", chair, **past_notice())
    step(case, "end_unit_notice", chair)
    with pytest.raises(NotAllowed):  # a Home goes to inspection, not straight to vetting
        step(fresh(case), "street_recommend", honours["street_approver"])
    step(fresh(case), "street_recommend_home", honours["street_approver"])
    assert fresh(case).state == State.INSPECTION
    before = state_of()
    with pytest.raises(RuleViolation) as error:
        step(
            case,
            "inspection_passed",
            honours["district"],
            inspected_on=str(timezone.localdate()),
            **{**RATES, "satisfaction_rate": "80"},
        )
    assert error.value.field == "satisfaction_rate" and state_of() == before
    step(case, "inspection_passed", honours["district"], inspected_on=str(timezone.localdate()), **RATES)
    case = vote_all(answer_all(fresh(case), honours), honours)
    step(case, "committee_selects", honours["district"], **past_notice())
    step(case, "end_district_notice", honours["district"])
    step(case, "approve", honours["approver"])
    today = str(timezone.localdate())
    step(fresh(case), "award", honours["approver"], awarded_on=today, award_document="区工发〔2026〕9号")
    step(fresh(case), "publish_home", honours["district"], published_on=today)
    return fresh(case)


def test_an_awarded_home_is_reinspected_every_year(world, honours, homes):
    case = awarded_home(world, honours, homes)
    today = timezone.localdate()
    assert case.state == State.HOME_ACTIVE and case.next_inspection_due == today.replace(year=today.year + 1)
    task = case_open_task(case)
    assert TaskDeadline.objects.get(task=task).due == case.next_inspection_due
    assert HonourHeld.objects.get(nomination=case).unit == world.units["E1"]
    step(case, "reinspection_passed", honours["district"], inspected_on=str(today), **RATES)
    case = fresh(case)
    next_task = case_open_task(case)
    assert case.state == State.HOME_ACTIVE and next_task is not None and task is not None and next_task.pk != task.pk
    assert TaskDeadline.objects.get(task=case_open_task(case)).due == today.replace(year=today.year + 1)


def test_a_home_failing_its_reinspection_is_revoked_by_a_reasoned_decision(world, honours, homes, user_with):
    case = awarded_home(world, honours, homes)
    before = state_of()
    with pytest.raises(RuleViolation) as error:  # the grounds come with their papers
        honours_revocation_propose(nomination=case, grounds="复查入会率仅81%", by=honours["district"])
    assert error.value.code == "case.evidence_required" and state_of() == before
    # One who holds both district roles proposes; they may not decide their own proposal.
    both = user_with("district_caseworker", world.units["D1"])
    Membership.objects.create(user=both, unit=world.units["D1"], role="district_approver")
    revocation = honours_revocation_propose(
        nomination=case, grounds="复查入会率仅81%", documents=letter("复查记录.pdf"), by=both
    )
    with pytest.raises(RuleViolation) as error:
        honours_revocation_propose(
            nomination=case, grounds="再次提议", documents=letter("复查记录.pdf"), by=honours["district"]
        )
    assert error.value.code == "honours.revocation_open"
    before = state_of()
    with pytest.raises(NotAllowed) as own:
        honours_revocation_decide(revocation=revocation, revoke=True, reason="同意", by=both)
    assert own.value.code == "four_eyes.own_preparation" and state_of() == before
    with pytest.raises(RuleViolation):
        honours_revocation_decide(revocation=revocation, revoke=True, reason=" ", by=honours["approver"])
    assert state_of() == before
    honours_revocation_decide(
        revocation=revocation, revoke=True, reason="入会率低于标准且未整改", by=honours["approver"]
    )
    case = fresh(case)
    assert case.state == State.REVOKED and case.revoked_on == timezone.localdate() and case_open_task(case) is None
    assert HonourHeld.objects.get(nomination=case).revoked_on == timezone.localdate()
    actions = list(LedgerEntry.objects.filter(subject_id=str(case.pk)).order_by("seq").values_list("action", flat=True))
    assert actions[-3:] == ["honours.revocation_proposed", "honours.revocation_decided", "honours.revoked"]


def test_a_published_honour_is_revoked_and_a_kept_one_stays(world, honours, campaign):
    case = to_approval(world, honours, campaign)
    step(case, "approve", honours["approver"])
    today = str(timezone.localdate())
    step(fresh(case), "award", honours["approver"], awarded_on=today, award_document="区工发〔2026〕3号")
    step(fresh(case), "publish", honours["district"], published_on=today)
    first = honours_revocation_propose(
        nomination=fresh(case), grounds="反映其有违纪行为", documents=letter(), by=honours["district"]
    )
    honours_revocation_decide(revocation=first, revoke=False, reason="经查不属实", by=honours["approver"])
    assert fresh(case).state == State.PUBLISHED
    second = honours_revocation_propose(
        nomination=fresh(case), grounds="受到开除处分", documents=letter("处分决定.pdf"), by=honours["district"]
    )
    honours_revocation_decide(revocation=second, revoke=True, reason="受开除处分，依规撤销", by=honours["approver"])
    case = fresh(case)
    assert case.state == State.REVOKED
    entry = LedgerEntry.objects.filter(subject_id=str(case.pk), action="honours.revoked").get()
    assert (entry.from_state, entry.to_state, entry.actor) == (State.PUBLISHED, State.REVOKED, honours["approver"])
    # The honour no longer counts against a new nomination.
    assert HonourHeld.objects.get(nomination=case).revoked_on is not None


def test_an_upheld_objection_at_the_unit_excludes_the_nominee(world, honours, campaign):
    case = nominate(world, honours, campaign)
    today = timezone.localdate()
    step(
        case,
        "post_unit_notice",
        honours["chair"],
        notice_from=str(today - timedelta(days=3)),
        notice_until=str(today + timedelta(days=6)),
    )
    objection = honours_objection_record(
        case=case, objector="张某", content="其获奖证书系伪造", raised_on=today, by=honours["chair"]
    )
    before = state_of()
    with pytest.raises(RuleViolation) as error:
        step(case, "exclude_on_objection", honours["street_approver"], reason="异议成立")
    assert error.value.code == "honours.no_upheld_objection" and state_of() == before
    honours_objection_resolve(objection=objection, upheld=True, resolution="经核实证书系伪造", by=honours["caseworker"])
    step(case, "exclude_on_objection", honours["street_approver"], reason="经调查异议成立")
    assert fresh(case).state == State.EXCLUDED


def test_no_nomination_after_the_campaign_closes(world, honours, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(nominations_close_on=timezone.localdate() - timedelta(days=1))
    campaign.refresh_from_db()
    before = state_of()
    with pytest.raises(RuleViolation) as error:
        nominate(world, honours, campaign)
    assert error.value.code == "honours.campaign_closed" and state_of() == before
