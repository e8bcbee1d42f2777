"""The matrix for cases: every role × every case action × a case at, below,
beside and above the user's unit. Expected answers written out by hand."""

from __future__ import annotations

import pytest

from casework.cases.models import Case
from casework.district.models import DistrictSetting
from casework.hardship.choices import State
from flows.hardship import HardshipFlow
from permissions.access import explain, scope
from permissions.roles import ACTIONS
from tests.permissions.test_matrix import PLACEMENT, POSITIONS
from tests.world import TODAY

CASE_ACTIONS = [a for a in ACTIONS if a.startswith(("case.", "payment.", "legalaid.", "honours."))]
SUBTREE = {"own", "below"}
# role: (level, positions its case actions reach, its case actions)
EXPECTED: dict[str, tuple[str, set[str], set[str]]] = {
    "enterprise_chair": ("enterprise", {"own"}, {"case.view", "case.file"}),
    "street_caseworker": ("street", SUBTREE, {"case.view", "case.file", "case.prepare"}),
    "street_approver": ("street", SUBTREE, {"case.view", "case.decide", "case.reassign"}),
    "district_caseworker": ("district", SUBTREE, {"case.view", "case.file", "case.prepare"}),
    "district_approver": ("district", SUBTREE, {"case.view", "case.decide", "case.reassign"}),
    "finance_officer": ("district", SUBTREE, {"case.view", "payment.decide"}),
    "legal_officer": (
        "district",
        SUBTREE,
        {"case.view", "case.file", "case.prepare", "case.decide", "case.reassign", "legalaid.assign"},
    ),
    "lawyer": ("district", set(), {"case.view", "case.work"}),  # granted cases only
    "honours_committee": ("district", set(), {"case.view", "honours.vote"}),  # granted campaigns only
    "auditor": ("district", SUBTREE, {"case.view"}),
    "administrator": ("district", set(), set()),  # manages units and people, decides no case
}


def test_the_table_covers_every_case_action():
    assert set(CASE_ACTIONS) == {
        "case.view",
        "case.file",
        "case.prepare",
        "case.decide",
        "case.work",
        "case.reassign",
        "payment.decide",
        "legalaid.assign",
        "honours.vote",
    }


@pytest.fixture
def cases(world) -> dict[str, Case]:
    """A hardship case waiting for its home visit at every unit (each
    district says how long a home visit may take)."""
    for district in ("D1", "D2"):
        DistrictSetting.objects.create(
            district=world.units[district], key="hardship.home_visit_working_days", value=5, effective_from=TODAY
        )
    return {
        code: HardshipFlow.start.run(
            case_type="hardship",
            state=State.HOME_VISIT,
            unit=unit,
            unit_path=unit.path,
            category="deep",
            cause="illness",
            statement="—",
        )
        for code, unit in world.units.items()
    }


@pytest.mark.parametrize(
    ("role", "action", "position"),
    [
        (role, action, position)
        for role, (level, _reach, _actions) in EXPECTED.items()
        for action in CASE_ACTIONS
        for position in POSITIONS[PLACEMENT[level]]
    ],
)
def test_case_matrix(world, user_with, cases, role, action, position):
    level, reach, actions = EXPECTED[role]
    home = PLACEMENT[level]
    user = user_with(role, world.units[home])
    case = cases[POSITIONS[home][position]]
    expected = action in actions and position in reach
    decision = explain(user, action, case)
    assert decision.allowed is expected, (role, action, position, decision.rule)
    if not expected:
        assert decision.rule == ("access.outside_scope" if action in actions else "access.no_role")
    if action == "case.view":
        assert scope(user, Case.objects.all()).filter(pk=case.pk).exists() is expected
