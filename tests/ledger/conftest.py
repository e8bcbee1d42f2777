from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.db import connection

from casework.ledger.models import LedgerEntry
from casework.ledger.services import ledger_append


@contextlib.contextmanager
def triggers_disabled() -> Iterator[None]:
    """Let a test tamper with the ledger the way an intruder with table
    rights would, by switching the append-only triggers off (PostgreSQL)."""
    if connection.vendor != "postgresql":
        yield
        return
    # "replica" mode skips ordinary triggers without an ALTER TABLE (which a
    # test transaction with pending deferred FK checks may not run).
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def five_entries(db) -> list[LedgerEntry]:
    return [
        ledger_append(
            action="person.registered",
            subject=("people.person", str(i)),
            from_state="",
            to_state="registered",
            reason=f"登记第{i}人",
            payload={"batch": i, "amount": "12.50"},
            personal={"name": f"张{i}", "id_number": f"11010519491231{i:03d}X"},
            evidence=[{"name": f"scan{i}.pdf", "sha256": "ab" * 32}],
        )
        for i in range(1, 6)
    ]
