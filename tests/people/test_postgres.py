"""PostgreSQL: the trigram index for name search, and racing registrations."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.people.models import Person
from casework.people.services import person_register
from tests.people.conftest import STANDARD_EXAMPLE
from tests.services import require_postgres


@pytest.mark.django_db
def test_name_search_has_a_trigram_index() -> None:
    require_postgres()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'people_person_name_trgm'")
        row = cursor.fetchone()
    assert row is not None and "gin_trgm_ops" in row[0]


@pytest.mark.django_db(transaction=True)
def test_racing_registrations_of_one_number_make_one_person() -> None:
    require_postgres()
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def register(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            person_register(by=None, name=f"张{i}", id_number=STANDARD_EXAMPLE)
            outcomes.append("created")
        except RuleViolation as exc:
            outcomes.append(exc.code)
        except BaseException as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["created", *["people.duplicate_id_number"] * 3]
    assert Person.objects.count() == 1
    assert LedgerEntry.objects.filter(action="person.registered").count() == 1
