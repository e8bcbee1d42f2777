"""Two campaign lists drawn from the same budget line at the same moment
(PostgreSQL: real concurrent transactions): the line is locked, so the second
list sees what the first took and is refused; the line never goes below zero."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from casework.errors import RuleViolation
from casework.hardship.assistance import PaymentBatch
from casework.hardship.batches import BatchLine, payment_batch_request
from tests.calendar.test_concurrency import _wait_until_a_backend_waits_for_a_lock
from tests.services import require_postgres


@pytest.mark.django_db(transaction=True)
def test_two_lists_on_one_line_at_once_never_overspend(migration_rows, world, staff, money, records, user_with):
    require_postgres()
    colleague = user_with("street_caseworker", world.units["S1"])
    first_in, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                payment_batch_request(
                    campaign="送温暖",
                    budget_line=money["street"],
                    lines=[BatchLine(records[0].pk, "2000"), BatchLine(records[1].pk, "1000")],
                    by=staff["caseworker"],
                )
                first_in.set()
                release.wait(timeout=15)
            outcome["first"] = "requested"
        except Exception as exc:  # pragma: no cover - reported below
            outcome["first"] = exc
            first_in.set()
        finally:
            connection.close()

    def second() -> None:
        first_in.wait(timeout=15)
        try:
            payment_batch_request(
                campaign="高温慰问", budget_line=money["street"], lines=[BatchLine(records[2].pk, "2000")], by=colleague
            )
            outcome["second"] = "requested"
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
    assert outcome["first"] == "requested", outcome
    assert blocked, "the second list never waited for the first"
    error = outcome["second"]
    assert isinstance(error, RuleViolation) and error.code == "payment.insufficient_funds", error
    assert "1000" in str(error.message)
    assert list(PaymentBatch.objects.values_list("campaign", flat=True)) == ["送温暖"]
    assert money["street"].balance() == 1000
