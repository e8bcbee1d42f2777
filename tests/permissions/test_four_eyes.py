"""The named four-eyes rules and conflict declarations."""

from __future__ import annotations

import pytest

from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.people.models import HouseholdMember
from permissions.four_eyes import RULES, Parties, four_eyes_refusal
from permissions.models import ConflictDeclaration
from permissions.services import conflict_declare, conflict_withdraw


@pytest.fixture
def approver(world, user_with):
    return user_with("district_approver", world.units["D1"])


def test_whoever_prepared_a_step_does_not_approve_it(world, approver):
    parties = Parties(persons=[world.people["E1"]], units=[world.units["E1"]], prepared_by=[approver.pk])
    assert four_eyes_refusal(approver, "case.decide", parties) == "four_eyes.own_preparation"
    assert four_eyes_refusal(approver, "payment.decide", parties) == "four_eyes.own_preparation"
    # Preparing again is not approving.
    assert four_eyes_refusal(approver, "case.prepare", parties) is None


def test_a_declared_conflict_with_a_unit_covers_everything_under_it(world, approver):
    parties = Parties(persons=[world.people["E1"]], units=[world.units["E1"]])
    assert four_eyes_refusal(approver, "case.decide", parties) is None
    declaration = conflict_declare(by=approver, unit=world.units["S1"], reason="配偶在该街道任职")
    assert four_eyes_refusal(approver, "case.decide", parties) == "four_eyes.declared_conflict"
    assert four_eyes_refusal(approver, "case.decide", Parties(units=[world.units["E2"]])) is None
    conflict_withdraw(declaration=declaration, by=approver, reason="配偶已调离")
    assert four_eyes_refusal(approver, "case.decide", parties) is None
    actions = list(LedgerEntry.objects.order_by("seq").values_list("action", flat=True))[-2:]
    assert actions == ["conflict.declared", "conflict.withdrawn"]


def test_a_declared_conflict_with_a_person(world, approver):
    conflict_declare(by=approver, person=world.people["E2"], reason="亲属")
    assert four_eyes_refusal(approver, "case.decide", Parties(persons=[world.people["E2"]])) == (
        "four_eyes.declared_conflict"
    )
    assert four_eyes_refusal(approver, "case.decide", Parties(persons=[world.people["E1"]])) is None


def test_nobody_acts_on_their_own_or_their_household_case(world, approver):
    me, other = world.people["D1"], world.people["E1"]
    approver.person = me
    approver.save(update_fields=["person"])
    assert four_eyes_refusal(approver, "case.decide", Parties(persons=[me])) == "four_eyes.own_household"
    assert four_eyes_refusal(approver, "case.decide", Parties(persons=[other])) is None
    # Listed in their household …
    member = HouseholdMember.objects.create(person=other, name=me.name, relation="spouse", id_number=me.id_number)
    assert four_eyes_refusal(approver, "case.decide", Parties(persons=[other])) == "four_eyes.own_household"
    member.delete()
    # … or they in mine.
    HouseholdMember.objects.create(person=me, name=other.name, relation="child", id_number=other.id_number)
    assert four_eyes_refusal(approver, "case.prepare", Parties(persons=[other])) == "four_eyes.own_household"


def test_every_rule_has_a_message():
    assert set(RULES) == {"four_eyes.own_preparation", "four_eyes.declared_conflict", "four_eyes.own_household"}


@pytest.mark.parametrize(
    ("arguments", "code"),
    [({"reason": "亲属"}, "conflict.target_required"), ({"unit": "S1", "reason": " "}, "reason_required")],
)
def test_a_bad_declaration_changes_nothing(world, approver, arguments, code):
    if "unit" in arguments:
        arguments["unit"] = world.units[arguments["unit"]]
    before = (ConflictDeclaration.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(RuleViolation) as error:
        conflict_declare(by=approver, **arguments)
    assert error.value.code == code
    assert (ConflictDeclaration.objects.count(), LedgerEntry.objects.count()) == before
