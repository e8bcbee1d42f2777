"""The demo data: the shape the README promises, written through the services
(so the ledger holds it), the same every time, and never twice."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from casework.accounts.models import User
from casework.demo import DEMO_PASSWORD, LOGINS, MEMBERS, seed_demo
from casework.hardship.assistance import AssistancePayment, PaymentBatch
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.ledger.models import LedgerEntry
from casework.ledger.verify import ledger_verify
from casework.org.models import Membership, Unit, UnitKind
from casework.people.idnumber import parse_id_number
from casework.people.models import HouseholdMember, Person
from permissions import roles

TODAY = date(2026, 11, 25)
pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> None:
    seed_demo(today=TODAY)


def test_the_tree_has_a_district_its_streets_and_park_and_their_unions(seeded):
    (district,) = Unit.objects.filter(parent=None)
    assert district.kind == UnitKind.DISTRICT
    middle = Unit.objects.filter(parent=district)
    assert {u.kind for u in middle} == {UnitKind.STREET, UnitKind.PARK}
    assert middle.count() >= 3
    for unit in middle:
        assert unit.children.count() >= 3, unit.code
    grass_roots = Unit.objects.filter(kind__in=[UnitKind.ENTERPRISE, UnitKind.INSTITUTION])
    assert grass_roots.count() >= 12
    for unit in grass_roots.select_related("parent"):
        assert unit.parent is not None and unit.path.startswith(unit.parent.path)


def test_members_have_valid_ids_employers_in_the_tree_and_households(seeded):
    people = Person.objects.select_related("employer")
    assert people.count() == MEMBERS >= 200
    for person in people:
        parse_id_number(person.id_number, today=TODAY)  # raises on a bad check character
        assert person.is_member
        assert person.employer is not None and person.employer.kind in (UnitKind.ENTERPRISE, UnitKind.INSTITUTION)
    # Every grass-roots union has members, and most members have a household.
    assert len({p.employer_id for p in people}) == Unit.objects.filter(kind__in=["enterprise", "institution"]).count()
    with_household = HouseholdMember.objects.values("person").distinct().count()
    assert with_household > MEMBERS // 2
    for member in HouseholdMember.objects.exclude(id_number=""):
        parse_id_number(member.id_number, today=TODAY)


def test_every_login_holds_its_role_at_its_unit(seeded):
    for login in LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(DEMO_PASSWORD)
        (membership,) = Membership.objects.filter(user=user)
        assert (membership.role, membership.unit.code) == (login.role, login.unit_code)
    chair = Membership.objects.get(user__username="ent1.chair").unit
    street = Membership.objects.get(user__username="street1.caseworker").unit
    assert chair.parent == street
    other_chair = Membership.objects.get(user__username="ent2.chair").unit
    assert other_chair.parent == Membership.objects.get(user__username="street2.caseworker").unit
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="auditor").is_staff


def test_everything_is_in_the_ledger_and_the_chain_holds(seeded):
    entries = LedgerEntry.objects
    assert entries.filter(action="unit.created").count() == Unit.objects.count()
    assert entries.filter(action="account.created").count() == len(LOGINS)
    assert entries.filter(action="person.registered").count() == MEMBERS
    assert entries.filter(action="household_member.added").count() == HouseholdMember.objects.count()
    assert entries.filter(action__startswith="membership.").count() == len(LOGINS)
    # Of the tree, logins and people, everything but the district, the first
    # login and its own role is the admin's act.
    admin = User.objects.get(username="admin")
    foundation = entries.filter(
        action__in=["unit.created", "account.created", "person.registered", "household_member.added"]
    ) | entries.filter(action__startswith="membership.")
    assert foundation.exclude(actor_id=admin.pk).count() == 3
    assert ledger_verify().ok


def test_a_second_run_creates_nothing_and_writes_nothing(seeded):
    before = (LedgerEntry.objects.count(), Person.objects.count(), HouseholdMember.objects.count())
    created = seed_demo(today=TODAY)
    assert sum(created.values()) == 0
    assert (LedgerEntry.objects.count(), Person.objects.count(), HouseholdMember.objects.count()) == before


def test_an_interrupted_run_is_completed_with_the_same_people(seeded):
    ids = sorted(Person.objects.values_list("id_number", flat=True))
    last = Person.objects.order_by("-pk").first()
    assert last is not None
    # Remove the last member as if the seed had stopped before it (the ledger
    # is append-only, so only the person rows go).
    HouseholdMember.objects.filter(person=last).delete()
    last.delete()
    created = seed_demo(today=TODAY)
    assert created["people"] == 1
    assert sorted(Person.objects.values_list("id_number", flat=True)) == ids


@override_settings(DEBUG=False)
def test_refused_without_debug_and_nothing_is_created():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert (Unit.objects.count(), User.objects.count(), LedgerEntry.objects.count()) == (0, 0, 0)


@override_settings(DEBUG=False)
def test_force_seeds_without_debug(capsys):
    call_command("seed_demo", "--force")
    assert '"people": 240' in capsys.readouterr().out
    assert Person.objects.count() == MEMBERS


def test_each_demo_login_signs_in_and_sees_its_role_on_home(seeded):
    for login in LOGINS:
        client = Client()
        response = client.post("/accounts/login/", {"username": login.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (login.username, response.content.decode()[:500])
        home = client.get("/")
        html = home.content.decode()
        assert home.status_code == 200, login.username
        assert str(roles.ROLES[login.role].label) in html, login.username
        assert Unit.objects.get(code=login.unit_code).name in html, login.username


def test_hardship_cases_in_every_state_with_payments_and_a_real_trail(seeded):
    states = set(HardshipCase.objects.values_list("state", flat=True))
    assert states == {s.value for s in State}
    filed = HardshipCase.objects.exclude(number="")
    assert filed.count() >= 5 and all(c.number.startswith(f"困{TODAY.year}-") for c in filed)
    assert AssistancePayment.objects.filter(state="approved").exists()
    assert AssistancePayment.objects.filter(state="requested").exists()
    # A 送温暖 list per street: one approved, one waiting, each with its street's payable records.
    lists = list(PaymentBatch.objects.order_by("pk").values_list("state", "assistance_type"))
    assert lists == [("approved", "holiday"), ("requested", "holiday")]
    assert all(b.lines.exists() for b in PaymentBatch.objects.all())
    # Each case's trail starts with its submission and ends in its state.
    for case in HardshipCase.objects.all():
        trail = list(LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).order_by("seq"))
        assert trail[0].action == "hardship.submitted"
        assert [e.to_state for e in trail if e.to_state][-1] == case.state


def test_a_campaign_with_enterprises_at_every_step_and_a_renewal_on_its_own(seeded):
    from casework.bargaining.campaigns import Campaign
    from casework.bargaining.choices import State as BargainingState
    from casework.bargaining.models import BargainingCase

    campaign = Campaign.objects.get()
    in_campaign = set(campaign.cases.values_list("state", flat=True))
    assert in_campaign == {s.value for s in BargainingState} - {"preparing", "renewal", "renewed", "expired"}
    assert set(BargainingCase.objects.filter(campaign=None).values_list("state", flat=True)) == {
        "preparing",
        "renewal",
    }
    renewing = BargainingCase.objects.get(state=BargainingState.RENEWAL)
    assert renewing.renewal_opens_on is not None and renewing.expires_on is not None
    assert renewing.renewal_opens_on <= TODAY <= renewing.expires_on  # its window opened by the calendar
    published = BargainingCase.objects.get(state=BargainingState.PUBLISHED)
    assert published.renewal_opens_on is not None and published.renewal_opens_on > TODAY  # the scan leaves it be
    assert LedgerEntry.objects.filter(action="bargaining.open_renewal", actor=None).count() == 1
    for case in BargainingCase.objects.all():
        trail = list(LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).order_by("seq"))
        assert trail[0].action == "bargaining.opened"
        assert [e.to_state for e in trail if e.to_state][-1] == case.state
    # 东湖精密机械's chair starts one from the page; the chairs are their registry persons.
    assert not BargainingCase.objects.filter(unit__code="S01-E01").exists()
    chair = User.objects.get(username="ent1.chair").person
    assert chair is not None and chair.employer is not None and chair.employer.code == "S01-E01"


def test_legal_aid_in_every_state_with_lawyer1_seeing_only_the_assigned(seeded):
    from casework.legalaid.choices import State as LegalAidState
    from casework.legalaid.models import LegalAidCase
    from permissions.access import scope

    states = set(LegalAidCase.objects.values_list("state", flat=True))
    assert states == {s.value for s in LegalAidState}
    lawyer = User.objects.get(username="lawyer1")
    granted = set(scope(lawyer, LegalAidCase.objects.all()).values_list("state", flat=True))
    # Granted at assignment, taken back when the closure is reviewed or aid terminated.
    assert granted == {"in_progress", "closure_review"}


def test_honours_campaigns_with_nominations_in_every_state_and_an_awarded_home(seeded):
    from casework.honours.checks import composition_shares
    from casework.honours.choices import State as HonoursState
    from casework.honours.models import Campaign as HonoursCampaign
    from casework.honours.models import HonourHeld, HonourNomination

    states = set(HonourNomination.objects.values_list("state", flat=True))
    assert states == {s.value for s in HonoursState} - {"revoked"}
    home = HonourNomination.objects.get(state="home_active")
    assert home.campaign.level == "city" and home.next_inspection_due is not None
    assert HonourHeld.objects.get(nomination=home).unit == home.unit
    district_campaign = HonoursCampaign.objects.get(level="district")
    assert all(share.met for share in composition_shares(district_campaign))
    # The committee saw the nominations only while voting on them.
    member = User.objects.get(username="committee1")
    from permissions.access import scope

    assert set(scope(member, HonourNomination.objects.all()).values_list("state", flat=True)) == {"committee"}
