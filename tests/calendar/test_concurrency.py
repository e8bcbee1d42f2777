"""Two administrators entering the same new year at once (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.db import connection, transaction

from casework.calendar.models import CalendarYear, SpecialDay
from casework.calendar.services import calendar_year_enter
from casework.errors import Conflict
from casework.ledger.models import LedgerEntry
from tests.services import require_postgres


def _wait_until_a_backend_waits_for_a_lock(timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_second_of_two_simultaneous_entries_gets_a_conflict():
    require_postgres()
    first_entered, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                calendar_year_enter(year=2027, holidays={date(2027, 1, 1): "元旦"}, workdays={}, notice="甲", by=None)
                first_entered.set()
                release.wait(timeout=15)
        finally:
            connection.close()

    def second() -> None:
        first_entered.wait(timeout=15)
        try:
            calendar_year_enter(year=2027, holidays={date(2027, 1, 1): "元旦节"}, workdays={}, notice="乙", by=None)
            outcome["second"] = "entered"
        except Exception as exc:
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_entered.wait(timeout=15)
    blocked = _wait_until_a_backend_waits_for_a_lock()
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert blocked, "the second entry never waited for the first"
    error = outcome["second"]
    assert isinstance(error, Conflict) and error.code == "calendar.concurrent_entry", error
    assert CalendarYear.objects.get(year=2027).notice == "甲"
    assert SpecialDay.objects.get(date=date(2027, 1, 1)).name == "元旦"
    assert LedgerEntry.objects.filter(subject_type="calendar.calendaryear", subject_id="2027").count() == 1
