"""Every role × every action × an object at, below, beside and above the
user's unit. The expected answers are written out here by hand, not read
from permissions/roles.py: this table is what the roles file must mean."""

from __future__ import annotations

import pytest

from casework.ledger.models import LedgerEntry
from casework.ledger.services import ledger_append
from casework.org.models import Membership, Unit
from casework.people.models import Person
from permissions.access import can, explain, scope
from permissions.roles import ACTIONS, ROLES
from permissions.targets import TARGETS
from tests.world import TODAY

# Where each role's user holds it, and which unit is at each position from there.
PLACEMENT = {"district": "D1", "street": "S1", "enterprise": "E1"}
POSITIONS = {
    "D1": {"own": "D1", "below": "E1", "outside": "S3"},
    "S1": {"own": "S1", "below": "E1", "outside": "S2", "above": "D1"},
    "E1": {"own": "E1", "outside": "E2", "above": "S1"},
}
READ_TREE = {"unit.view", "person.view", "settings.view", "outreach.view"}
SUBTREE = {"own", "below"}
# role: (level, positions its actions reach, actions — of those with an object type today)
EXPECTED: dict[str, tuple[str, set[str], set[str]]] = {
    "enterprise_chair": ("enterprise", {"own"}, READ_TREE | {"person.manage", "outreach.record"}),
    "street_caseworker": (
        "street",
        SUBTREE,
        READ_TREE | {"person.manage", "person.reveal", "budget.view", "outreach.record"},
    ),
    "street_approver": ("street", SUBTREE, READ_TREE | {"person.reveal", "grant.manage"}),
    "district_caseworker": ("district", SUBTREE, READ_TREE | {"person.manage", "person.reveal", "outreach.record"}),
    "district_approver": ("district", SUBTREE, READ_TREE | {"person.reveal", "grant.manage"}),
    "finance_officer": ("district", SUBTREE, READ_TREE | {"budget.view", "budget.manage"}),
    "legal_officer": (
        "district",
        SUBTREE,
        READ_TREE | {"person.manage", "person.reveal", "grant.manage", "outreach.record"},
    ),
    "lawyer": ("district", set(), {"person.view"}),  # only what is granted: see test_grants
    "honours_committee": ("district", set(), set()),
    "auditor": ("district", SUBTREE, READ_TREE | {"membership.view", "ledger.view", "budget.view"}),
    "administrator": (
        "district",
        SUBTREE,
        READ_TREE - {"outreach.view"}
        | {"unit.manage", "membership.view", "membership.manage", "person.manage", "settings.manage"},
    ),
}
# The object an action is asked about, by the action's noun.
OBJECT_ACTIONS = [
    "unit.view",
    "unit.manage",
    "membership.view",
    "membership.manage",
    "person.view",
    "person.manage",
    "person.reveal",
    "ledger.view",
    "grant.manage",
    "settings.view",
    "settings.manage",
    "budget.view",
    "budget.manage",
    "outreach.view",
    "outreach.record",
]


def the_object(world, action: str, code: str):
    noun = action.split(".")[0]
    if noun == "outreach":
        return _outreach_event(world, code)
    return {
        "unit": world.units,
        "membership": world.memberships,
        "person": world.people,
        "ledger": world.entries,
        "grant": world.people,
        "settings": world.settings,
        "budget": world.budget_lines,
    }[noun][code]


def _outreach_event(world, code: str):
    """An outreach event organised by the unit (made here: only this matrix needs one)."""
    from casework.accounts.models import User
    from casework.outreach.models import OutreachEvent

    holder = User.objects.get(username="holder")
    return OutreachEvent.objects.create(
        unit=world.units[code], held_on=TODAY, place="—", topic="—", form="lecture", audience=1, recorded_by=holder
    )


def test_the_table_covers_every_role_and_every_action_with_an_object_type():
    assert set(EXPECTED) == set(ROLES)
    assert set(OBJECT_ACTIONS) <= set(ACTIONS)
    # An action about a kind of object this matrix has not met yet must be added here.
    placed = {target.noun for target in TARGETS.values()} - {"case"}  # cases: test_case_matrix.py
    assert {a for a in ACTIONS if a.split(".")[0] in placed} <= set(OBJECT_ACTIONS)


CASES = [
    (role, action, position)
    for role, (level, _reach, _actions) in EXPECTED.items()
    for action in OBJECT_ACTIONS
    for position in POSITIONS[PLACEMENT[level]]
]


@pytest.mark.parametrize(("role", "action", "position"), CASES)
def test_matrix(world, user_with, role, action, position):
    level, reach, actions = EXPECTED[role]
    home = PLACEMENT[level]
    user = user_with(role, world.units[home])
    obj = the_object(world, action, POSITIONS[home][position])
    expected = action in actions and position in reach
    decision = explain(user, action, obj)
    assert decision.allowed is expected, (role, action, position, decision.rule)
    if not expected:
        assert decision.rule == ("access.outside_scope" if action in actions else "access.no_role")
    if action.endswith(".view"):
        model = type(obj)
        assert scope(user, model.objects.all()).filter(pk=obj.pk).exists() is expected


def test_roles_that_read_only_write_nothing():
    assert [code for code, role in ROLES.items() if role.read_only] == ["auditor"]


def test_trail_entries_about_no_unit_belong_to_the_top_of_the_tree(world, user_with):
    unplaced = ledger_append(action="test.account", subject=("accounts.user", "1"))
    top = user_with("auditor", world.units["D1"])
    street = user_with("auditor", world.units["S1"])
    assert can(top, "ledger.view", unplaced)
    assert not can(street, "ledger.view", unplaced)
    assert scope(top, LedgerEntry.objects.all()).filter(pk=unplaced.pk).exists()
    assert not scope(street, LedgerEntry.objects.all()).filter(pk=unplaced.pk).exists()


def test_scope_counts_are_exact_for_a_street(world, user_with):
    user = user_with("street_caseworker", world.units["S1"])
    assert set(scope(user, Unit.objects.all()).values_list("code", flat=True)) == {"S1", "E1"}
    assert set(scope(user, Person.objects.all()).values_list("employer__code", flat=True)) == {"S1", "E1"}
    assert not scope(user, Membership.objects.all()).exists()  # caseworkers do not read memberships


def test_several_memberships_add_up(world, user_with):
    user = user_with("enterprise_chair", world.units["E1"])
    Membership.objects.create(user=user, unit=world.units["E2"], role="enterprise_chair")
    assert set(scope(user, Unit.objects.all()).values_list("code", flat=True)) == {"E1", "E2"}
