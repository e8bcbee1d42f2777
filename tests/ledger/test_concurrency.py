"""Two writers at once never fork the chain (PostgreSQL: real concurrent transactions)."""

import threading

import pytest
from django.db import connection, transaction

from casework.ledger.models import LedgerEntry
from casework.ledger.services import ledger_append
from casework.ledger.verify import ledger_verify
from tests.services import require_postgres

PER_THREAD = 25


@pytest.mark.django_db(transaction=True)
def test_two_threads_append_without_forking_the_chain():
    require_postgres()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(PER_THREAD):
                with transaction.atomic():
                    ledger_append(action="concurrent", subject=("x.thread", name), payload={"i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    seqs = list(LedgerEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 2 * PER_THREAD + 1))
    assert LedgerEntry.objects.values("prev_hash").distinct().count() == 2 * PER_THREAD
    assert ledger_verify().ok
