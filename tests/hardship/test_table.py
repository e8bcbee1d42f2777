"""The hardship transition table is complete and consistent with the roles."""

from __future__ import annotations

from casework.cases.transitions import RETURN_TO_SENDER
from casework.hardship.choices import FILING_STATES, State
from casework.hardship.transitions import TABLE
from permissions.roles import ACTIONS, ROLES

TERMINAL = {State.REJECTED, State.WITHDRAWN, State.ARCHIVED}


def test_every_state_is_declared_and_only_terminal_states_have_no_way_out():
    assert TABLE.states == {s.value for s in State}
    for state in State:
        assert bool(TABLE.from_state(state)) is (state not in TERMINAL), state


def test_every_step_names_a_real_permission_held_by_its_roles():
    for t in TABLE.transitions:
        assert t.permission in ACTIONS and ACTIONS[t.permission].writes
        assert t.roles, t
        for role in t.roles:
            assert t.permission in ROLES[role].actions, (t.action, role)


def test_reviews_can_return_and_reject_and_filing_can_be_withdrawn():
    for state in (State.STREET_REVIEW, State.DISTRICT_APPROVAL):
        actions = {t.action: t for t in TABLE.from_state(state)}
        assert {"approve", "return", "reject"} <= set(actions)
        assert actions["return"].needs_reason and actions["reject"].needs_reason
    for state in FILING_STATES:
        assert any(t.action == "withdraw" and t.needs_reason for t in TABLE.from_state(state)), state
    (resubmit,) = TABLE.from_state(State.RETURNED)[:1]
    assert resubmit.next_state == RETURN_TO_SENDER


def test_filed_is_reached_only_by_district_approval():
    into_filed = [t for t in TABLE.transitions if t.next_state == State.FILED and t.state in FILING_STATES]
    assert [(t.state, t.action) for t in into_filed] == [(State.DISTRICT_APPROVAL, "approve")]
