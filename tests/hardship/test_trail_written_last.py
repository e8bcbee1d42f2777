"""A step's trail entry is written last in its transaction (the chain's lock
is held from then to commit), yet every check still sees the steps taken
before it in the same transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from casework.errors import NotAllowed
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.ledger.services import ledger_appends_last
from casework.org.models import Membership
from tests.hardship.test_flow import step, submit, trail


def test_the_entry_and_its_notice_come_after_the_flow_has_moved_on(world, staff):
    case = submit(world, staff)
    with CaptureQueriesContext(connection) as captured:
        step(case, "record_home_visit", staff["caseworker"], visited_on="2026-01-05", report="家中确有困难")
    statements = [q["sql"] for q in captured.captured_queries]

    def last(prefix: str) -> int:
        return max(i for i, sql in enumerate(statements) if sql.startswith(prefix))

    entry = last('INSERT INTO "ledger_ledgerentry"')
    assert entry > last('INSERT INTO "viewflow_task"')  # the next step's task
    assert entry > last('INSERT INTO "deadlines_taskdeadline"')  # and its due date
    assert last('INSERT INTO "notifications_outboxevent"') > entry
    assert trail(case)[-1] == ("hardship.record_home_visit", "home_visit", "unit_evaluation", "street_caseworker-2")


def test_four_eyes_sees_a_step_put_off_earlier_in_the_same_transaction(world, staff, user_with):
    case = submit(world, staff)
    step(case, "record_home_visit", staff["caseworker"], visited_on="2026-01-05", report="家中确有困难")
    step(
        case,
        "record_evaluation",
        staff["chair"],
        evaluated_on="2025-12-01",
        present=20,
        in_favour=18,
        notice_from="2025-12-02",
        notice_until="2025-12-09",
    )
    # A second chair of the enterprise who also approves for the street.
    both = user_with("enterprise_chair", world.units["E1"])
    Membership.objects.create(user=both, unit=world.units["S1"], role="street_approver")
    with ledger_appends_last(transaction.atomic()):
        step(case, "end_notice", both)  # its entry waits for the end of the block
        with pytest.raises(NotAllowed) as error:
            step(case, "approve", both)
    assert error.value.code == "four_eyes.own_preparation"
    assert HardshipCase.objects.get(pk=case.pk).state == State.STREET_REVIEW
    assert trail(case)[-1] == ("hardship.end_notice", "unit_notice", "street_review", both.username)
