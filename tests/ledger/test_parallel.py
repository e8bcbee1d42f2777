"""The chain checked in ranges by several processes (PostgreSQL) gives what
one walk gives: the same verdict, count, head and first bad entry.

The worker processes read committed rows only, so these tests commit
(``transaction=True``); a low threshold splits a few hundred entries. The
check in ranges runs in a new process (``fresh_process``): this one may
hold other threads, and a process with threads is never forked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from casework.ledger import verify, walk
from casework.ledger.models import LedgerEntry
from casework.ledger.services import ledger_append_many, ledger_entry
from casework.ledger.verify import RANGES_PER_WORKER, ledger_ranges, ledger_verify
from tests.ledger.conftest import triggers_disabled
from tests.ledger.fresh_process import in_a_fresh_process
from tests.services import require_postgres

ENTRIES = 300
WORKERS = 2
# Chains at least this long are checked in ranges (in this test's processes).
MIN_ENTRIES = 50
# A document two entries cite (in different ranges), deleted by a purge the last entry records.
DOCUMENT = 987654
# Small windows, so that a range is read in several.
CHUNK = 16

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chain(monkeypatch) -> list[tuple[int, int]]:
    """ENTRIES committed entries, some with personal data, one with values
    orjson spells otherwise, two citing DOCUMENT, which the last one lists
    as purged; returns the ranges the parallel check uses."""
    require_postgres()
    monkeypatch.setattr(verify, "PARALLEL_MIN_ENTRIES", MIN_ENTRIES)
    entries = []
    for i in range(1, ENTRIES + 1):
        odd: dict[str, Any] = {"ratio": 1e-07, "big": 2**70} if i == 200 else {}
        purged = {"documents_purged": [DOCUMENT]} if i == ENTRIES else {}
        evidence: list[dict[str, Any]] = [{"name": f"scan{i}.pdf", "sha256": "ab" * 32}] if i % 5 == 0 else []
        if i in (100, 250):
            evidence.append({"name": "letter.pdf", "sha256": "cd" * 32, "document": DOCUMENT})
        entries.append(
            ledger_entry(
                action="person.registered" if i % 3 else "case.noted",
                subject=("people.person", str(i)),
                reason=f"第{i}条" if i % 2 else "",
                payload={"batch": i, "amount": "12.50", **odd, **purged},
                personal={"name": f"张{i}", "id_number": f"11010519491231{i:03d}X"} if i % 3 else {},
                evidence=evidence,
            )
        )
    ledger_append_many(entries)
    return ledger_ranges(ENTRIES, WORKERS * RANGES_PER_WORKER)


def both() -> tuple[dict[str, Any], dict[str, Any]]:
    """(parallel, sequential) results without their timings."""
    parallel = in_a_fresh_process(MIN_ENTRIES, "verify", str(CHUNK), str(WORKERS))
    sequential = ledger_verify(CHUNK, workers=1)
    assert (parallel["started"], parallel["result"]["workers"], sequential.workers) == ([WORKERS], WORKERS, 1)
    found = [parallel["result"], sequential.as_dict()]
    for result in found:
        del result["seconds"], result["workers"]
    return found[0], found[1]


def update(seq: int, **values: Any) -> None:
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=seq).update(**values)


def test_an_intact_chain_verifies_the_same_in_ranges(chain):
    assert len(chain) == WORKERS * RANGES_PER_WORKER and chain[-1][1] == ENTRIES
    parallel, sequential = both()
    assert parallel == sequential
    assert parallel["ok"] and parallel["entries"] == ENTRIES
    assert parallel["head"] == LedgerEntry.objects.get(seq=ENTRIES).hash


def test_a_tamper_in_the_second_range_is_the_same_first_bad_entry(chain):
    seq = chain[1][0] + 5
    update(seq, payload={"batch": seq, "amount": "99.50"})
    parallel, sequential = both()
    assert parallel == sequential
    assert (parallel["ok"], parallel["first_bad"], parallel["problem"]) == (False, seq, "hash")
    assert parallel["entries"] == seq - 1
    assert parallel["head"] == LedgerEntry.objects.get(seq=seq - 1).hash


def test_of_several_tampered_entries_the_lowest_is_named(chain):
    later, earlier = chain[5][0] + 2, chain[2][1] - 1
    update(later, payload={"batch": 0})
    update(earlier, reason="改过的理由")
    parallel, sequential = both()
    assert parallel == sequential
    assert (parallel["first_bad"], parallel["problem"]) == (earlier, "personal:reason")


@pytest.mark.parametrize("where", ["first of a range", "last of a range"])
def test_a_broken_link_at_a_range_boundary_is_caught(chain, where):
    lo, hi = chain[3]
    seq = lo if where == "first of a range" else hi
    update(seq, prev_hash="0" * 64)
    parallel, sequential = both()
    assert parallel == sequential
    assert (parallel["first_bad"], parallel["problem"]) == (seq, "prev_hash")


@pytest.mark.parametrize("which", [0, 1])
def test_an_entry_deleted_at_a_range_boundary_is_caught(chain, which):
    seq = chain[4][which]  # the first entry of a range, or its last
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=seq).delete()
    parallel, sequential = both()
    assert parallel == sequential
    assert (parallel["first_bad"], parallel["problem"], parallel["entries"]) == (seq, "missing", seq - 1)


def test_a_whole_range_deleted_names_its_first_entry(chain):
    lo, hi = chain[2]
    with triggers_disabled():
        LedgerEntry.objects.filter(seq__gte=lo, seq__lte=hi).delete()
    parallel, sequential = both()
    assert parallel == sequential
    assert (parallel["first_bad"], parallel["problem"]) == (lo, "missing")


def test_entries_swapped_across_a_boundary_are_caught(chain):
    hi = chain[1][1]
    with triggers_disabled(), transaction.atomic():
        LedgerEntry.objects.filter(seq=hi).update(seq=-1)
        LedgerEntry.objects.filter(seq=hi + 1).update(seq=hi)
        LedgerEntry.objects.filter(seq=-1).update(seq=hi + 1)
    parallel, sequential = both()
    assert parallel == sequential
    assert (parallel["first_bad"], parallel["problem"]) == (hi, "prev_hash")


def test_a_shorter_chain_verifies_to_the_same_head_and_files(chain):
    """Without its last entries the chain still links up, but the purge
    of the document is gone with them: its first citation is named."""
    last = chain[-2][0] + 3
    with triggers_disabled():
        LedgerEntry.objects.filter(seq__gt=last).delete()
    parallel, sequential = both()
    assert parallel == sequential
    assert (parallel["first_bad"], parallel["problem"], parallel["entries"]) == (100, "evidence_file", last)
    assert parallel["files_bad"] == [{"document": DOCUMENT, "sha256": "cd" * 32, "seq": 100, "problem": "missing"}]
    assert parallel["head"] == LedgerEntry.objects.get(seq=last).hash


def purge(seq: int) -> None:
    ledger_append_many([ledger_entry(action="retention.purged", subject=("x", "1"), payload={"cleared": [seq]})])


def test_cleared_entries_are_matched_with_a_purge_listed_in_another_range(chain):
    listed, stray = chain[0][0] + 3, chain[2][0] + 1  # entries with a personal part (seq % 3 != 0)
    for seq in (listed, stray):
        update(seq, reason="", personal={}, personal_salt="")
    purge(listed)
    parallel, sequential = both()
    assert parallel == sequential
    assert (parallel["first_bad"], parallel["problem"]) == (stray, "personal_cleared")
    purge(stray)
    parallel, sequential = both()
    assert parallel == sequential and parallel["ok"] and parallel["entries"] == ENTRIES + 2


def test_the_command_checks_in_ranges_with_the_same_result(chain):
    seq = chain[6][0] + 1
    update(seq, payload={"batch": 0})
    for workers, started in ((WORKERS, [WORKERS]), (1, [])):
        found = in_a_fresh_process(MIN_ENTRIES, "command", "--workers", str(workers))
        summary = found["summary"]
        assert (found["code"], found["started"]) == (1, started)
        assert (summary["first_bad"], summary["problem"], summary["entries"]) == (seq, "hash", seq - 1)


@pytest.mark.parametrize(
    "within",
    [
        "atomic",  # uncommitted rows: only this connection sees them
        "thread",  # forking a process with other threads is unsafe
        "daemon",  # a daemonic process (a Celery prefork worker's) cannot have children
    ],
)
def test_one_process_where_others_could_not_work(chain, within):
    """Where a plain process checks in WORKERS ranges at once (``both``)."""
    assert in_a_fresh_process(MIN_ENTRIES, "verify", str(CHUNK), str(WORKERS), within)["result"]["workers"] == 1


def test_one_process_where_others_would_not_help(chain):
    """A chain shorter than the threshold."""
    assert in_a_fresh_process(ENTRIES + 1, "verify", str(CHUNK), str(WORKERS))["result"]["workers"] == 1


@pytest.mark.django_db(transaction=False)
def test_reading_ahead_hands_over_errors_and_stops_with_its_reader():
    """The thread reading a window ahead: its error is raised to the check,
    and a check that stops early (a bad entry) leaves no thread behind."""
    import threading

    def failing(halt: threading.Event) -> Iterator[int]:
        yield 1
        raise RuntimeError("connection lost")

    reading = walk.read_ahead(failing)
    assert next(reading) == 1
    with pytest.raises(RuntimeError, match="connection lost"):
        next(reading)

    read: list[int] = []

    def endless(halt: threading.Event) -> Iterator[int]:
        while not halt.is_set():
            read.append(len(read))
            yield read[-1]

    reading = walk.read_ahead(endless)
    assert [next(reading) for _ in range(3)] == [0, 1, 2]
    reading.close()
    assert not any(thread.name == "ledger-verify-read" for thread in threading.enumerate())
    assert len(read) <= 6  # a window or two ahead, no more
