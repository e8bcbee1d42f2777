"""The check's fast path and its reading by windows of sequence numbers
(SQLite and PostgreSQL alike)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from casework.ledger import walk
from casework.ledger.models import LedgerEntry
from casework.ledger.services import ledger_append
from casework.ledger.verify import ledger_verify
from tests.ledger.conftest import triggers_disabled


def test_the_fast_path_recomputes_what_the_chain_computed(five_entries, monkeypatch):
    """Every hash and digest of ordinary entries is found by orjson's
    encoding, without the slow way (which exists for values orjson spells
    otherwise): the hashed form spelled out in the check is ``chain``'s."""
    slow: list[int] = []

    def spied(real: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def spy(entry: Any) -> Any:
            slow.append(entry.seq)
            return real(entry)

        return spy

    for name in ("_hash_matches", "_personal_mismatch"):
        monkeypatch.setattr(walk, name, spied(getattr(walk, name)))
    result = ledger_verify()
    assert result.ok and result.entries == 5
    assert slow == []


@pytest.mark.parametrize("chunk", [1, 2, 3, 10])
@pytest.mark.parametrize("deleted", [(1,), (2,), (3, 4), (5,)])
def test_windows_across_gaps_name_the_first_missing_entry(five_entries, chunk, deleted):
    with triggers_disabled():
        LedgerEntry.objects.filter(seq__in=deleted).delete()
    result = ledger_verify(chunk)
    if deleted == (5,):  # the newest gone: a shorter chain (only a kept head reveals it)
        assert (result.ok, result.entries) == (True, 4)
    else:
        assert (result.ok, result.first_bad, result.problem, result.entries) == (
            False,
            deleted[0],
            "missing",
            deleted[0] - 1,
        )


@pytest.mark.django_db
def test_a_far_forged_sequence_number_is_a_gap_not_a_long_walk():
    for i in range(3):
        ledger_append(action="noted", subject=("test.thing", str(i)))
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=3).update(seq=10**15)
    result = ledger_verify(2)
    assert (result.ok, result.first_bad, result.problem, result.entries) == (False, 3, "missing", 2)


@pytest.mark.parametrize("chunk", [1, 2, 5000])
def test_a_tamper_is_found_whatever_the_window(five_entries, chunk):
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=4).update(personal={"name": "李四", "id_number": "11010519491231004X"})
    result = ledger_verify(chunk)
    assert (result.first_bad, result.problem, result.entries) == (4, "personal:name", 3)


def test_an_entry_numbered_before_the_first_is_caught(five_entries):
    """The chain starts at 1: a row numbered 0 (or less) is where a walk
    from the lowest number stops, as the check always reported on SQLite."""
    with triggers_disabled():
        forged = LedgerEntry.objects.get(seq=2)
        forged.seq, forged.hash = 0, "f" * 64
        forged.save(force_insert=True)
    result = ledger_verify()
    assert (result.ok, result.first_bad, result.problem, result.entries) == (False, 1, "missing", 0)
