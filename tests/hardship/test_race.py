"""Two approvers complete the same task at the same moment (PostgreSQL: real
concurrent transactions): one succeeds, the other gets a clear conflict, the
ledger has one entry for the step."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from casework.cases.selectors import case_open_task
from casework.cases.tasks import task_complete
from casework.errors import Conflict
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.ledger.models import LedgerEntry
from casework.org.models import Membership
from tests.calendar.test_concurrency import _wait_until_a_backend_waits_for_a_lock
from tests.hardship.test_flow import walk_to_street_review
from tests.services import require_postgres


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_one_wins_one_is_told(migration_rows, world, staff, user_with):
    require_postgres()
    second_approver = user_with("street_approver", world.units["S1"])
    assert Membership.objects.filter(user=second_approver).exists()
    case = walk_to_street_review(world, staff)
    task = case_open_task(case)
    assert task is not None
    first_in, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                task_complete(task=task, action="approve", by=staff["street_approver"])
                first_in.set()
                release.wait(timeout=15)
            outcome["first"] = "approved"
        except Exception as exc:  # pragma: no cover - reported below
            outcome["first"] = exc
            first_in.set()
        finally:
            connection.close()

    def second() -> None:
        first_in.wait(timeout=15)
        try:
            task_complete(task=task, action="approve", by=second_approver)
            outcome["second"] = "approved"
        except Exception as exc:
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(timeout=15)
    blocked = _wait_until_a_backend_waits_for_a_lock()
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert outcome["first"] == "approved", outcome
    assert blocked, "the second approver never waited for the first"
    error = outcome["second"]
    assert isinstance(error, Conflict) and error.code == "task.already_done", error
    assert "刷新" in str(error.message)
    case.refresh_from_db()
    assert case.state == State.DISTRICT_APPROVAL
    approvals = LedgerEntry.objects.filter(subject_id=str(case.pk), action="hardship.approve")
    assert approvals.count() == 1 and approvals.get().actor == staff["street_approver"]
    assert HardshipCase.objects.count() == 1
