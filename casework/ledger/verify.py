"""Walking the chain: the check behind ``manage.py ledger_verify``.

What is checked and the result here; how the entries are read and
checked fast, and in ranges by worker processes, in ``casework.ledger.walk``.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import threading
import time
from collections.abc import Generator, Iterator
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Max, Min

from casework.ledger import chain
from casework.ledger.models import LedgerEntry
from casework.ledger.walk import CLEARED as CLEARED  # the payload keys a purge's entry lists:
from casework.ledger.walk import DOCUMENTS_PURGED as DOCUMENTS_PURGED  # named from here by audit
from casework.ledger.walk import Range, cited, ledger_ranges, range_check, ranges_in_processes

MISSING, CHANGED = "missing", "changed"
# Ids per IN (...) list: well under SQLite's limit of bound parameters.
CHUNK = 500


@dataclass
class VerifyResult:
    entries: int
    ok: bool
    first_bad: int | None
    problem: str
    head: str
    seconds: float
    files_checked: int = 0
    # [{"document", "sha256" (as the trail recorded it), "seq" (first entry naming it), "problem"}]
    files_bad: list[dict[str, Any]] = field(default_factory=list)
    # Processes that walked the chain: 1 when checked in this process.
    workers: int = 1

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def file_sha256(name: str) -> str | None:
    """SHA-256 of a stored file, read in chunks; None when it is gone."""
    try:
        with default_storage.open(name, "rb") as handle:
            digest = hashlib.sha256()
            for chunk in handle.chunks():
                digest.update(chunk)
            return digest.hexdigest()
    except FileNotFoundError:
        return None


def evidence_named(entry: Any) -> list[tuple[int, str]]:
    """(document id, SHA-256) of each file ``entry``'s evidence cites by id
    (the entry may be a row or a pack's entry read as attributes)."""
    return cited(entry.evidence)


def evidence_files_check(named: dict[int, tuple[str, int]]) -> list[dict[str, Any]]:
    """Re-hash each document the trail names (``{document id: (sha256 the
    trail recorded, first seq naming it)}``) and list those whose file is
    missing or no longer has that hash. The trail's hash is the reference,
    not the document row's copy, which an intruder could edit with the file."""
    from casework.cases.documents import CaseDocument  # the ledger sits below the cases app

    ids = sorted(named)
    names: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        names.update(CaseDocument.objects.filter(pk__in=ids[start : start + CHUNK]).values_list("pk", "file"))
    bad = []
    for document, (sha256, seq) in sorted(named.items(), key=lambda item: item[1][1]):
        found = file_sha256(names[document]) if document in names else None
        if found != sha256:
            problem = MISSING if found is None else CHANGED
            bad.append({"document": document, "sha256": sha256, "seq": seq, "problem": problem})
    return bad


# Parallel check (PostgreSQL): below this many entries one process is sooner
# than starting others; each worker process takes several ranges in turn,
# which evens out ranges that cost more (the people registered first carry
# six personal digests an entry).
PARALLEL_MIN_ENTRIES = 200_000
RANGES_PER_WORKER = 4
_workers_default: ContextVar[int | None] = ContextVar("ledger_verify_workers", default=None)


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _shared_view() -> bool:
    """Whether another connection sees the rows this one sees: PostgreSQL,
    outside any transaction (a test's transaction, an atomic block, rows
    not yet committed)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block and connection.get_autocommit()


def _processes(workers: int | None, last: int) -> int:
    """How many processes check the chain: the ``workers`` asked for (the
    CPUs by default), or one where others would not help or cannot work:
    a short chain, SQLite, rows other connections would not see
    (``_shared_view``), a daemonic process (a Celery prefork worker cannot
    have children) or one with other threads (forking it is unsafe)."""
    if workers is None:
        workers = _workers_default.get() or _cpu_count()
    if workers <= 1 or last < PARALLEL_MIN_ENTRIES or not _shared_view():
        return 1
    if multiprocessing.current_process().daemon or threading.active_count() > 1:
        return 1
    return workers if "fork" in multiprocessing.get_all_start_methods() else 1


def _parts(first: int, last: int, processes: int, chunk_size: int, files: bool) -> Generator[Range, None, None]:
    """The results of checking the chain's ranges, in order: one range in
    this process, or several in ``processes`` worker processes. An entry
    numbered below 1 (forged: the chain starts at 1) is where a walk from
    the lowest number stops, as it did when the check read every row."""
    if first < 1:
        yield Range(first_seq=first)
    elif processes > 1:
        ranges = ledger_ranges(last, processes * RANGES_PER_WORKER)
        yield from ranges_in_processes(ranges, processes, chunk_size, files)
    elif last > 0:
        yield range_check(1, last, chunk_size, files, ahead=_shared_view())


@contextlib.contextmanager
def ledger_verify_workers(workers: int | None) -> Iterator[None]:
    """``ledger_verify``'s default number of worker processes within the
    block (``manage.py ledger_verify --workers``); None for the CPUs."""
    token = _workers_default.set(workers)
    try:
        yield
    finally:
        _workers_default.reset(token)


def ledger_verify(chunk_size: int = 5000, *, files: bool = True, workers: int | None = None) -> VerifyResult:
    """Check every entry in sequence order: no gap, each ``prev_hash`` is the
    previous entry's hash, each hash recomputes, each personal digest matches,
    and a cleared personal part is empty. Stops at the first bad entry and
    names its sequence number (for a removed entry, the missing number).
    The chain is the entries up to the last one when the check starts.

    On PostgreSQL a long chain is cut into ranges checked by ``workers``
    processes at once (``_processes`` says when not); the ranges are joined
    in order (each one's first entry must follow the range before), so the
    result is the one a single walk gives, the first bad entry included.

    Then two checks over the whole chain: every entry whose personal part
    was cleared must be listed as cleared by a purge's entry
    (``personal_cleared``: the ledger's trigger lets exactly that UPDATE
    through, for the purge only); and, with ``files``, the evidence files
    the entries cite are re-hashed, except those a purge's entry lists as
    deleted (``evidence_file``, naming the first entry that cites a
    missing or changed one)."""
    started = time.monotonic()
    bounds = LedgerEntry.objects.aggregate(first=Min("seq"), last=Max("seq"))
    first = 1 if bounds["first"] is None else bounds["first"]
    last = bounds["last"] or 0
    processes = _processes(workers, last) if first >= 1 else 1
    parts = _parts(first, last, processes, chunk_size, files)
    expected_seq, prev_hash, count = 1, chain.GENESIS_HASH, 0
    first_bad: int | None = None
    problem = ""
    named: dict[int, tuple[str, int]] = {}
    cleared_found: set[int] = set()
    cleared_listed: set[int] = set()
    purged_documents: set[int] = set()
    with contextlib.closing(parts):
        for part in parts:
            if part.first_seq is None:  # no entry in the range
                continue
            if part.first_seq != expected_seq:
                first_bad, problem = expected_seq, "missing"
            elif part.first_prev != prev_hash:
                first_bad, problem = part.first_seq, "prev_hash"
            else:
                count += part.count
                if part.count:
                    expected_seq, prev_hash = part.last_seq + 1, part.last_hash
                cleared_found |= part.cleared_found
                cleared_listed |= part.cleared_listed
                purged_documents |= part.purged_documents
                for document, citation in part.named.items():
                    named.setdefault(document, citation)
                first_bad, problem = part.first_bad, part.problem
            if first_bad is not None:
                break
    stray = sorted(cleared_found - cleared_listed)
    if first_bad is None and stray:
        first_bad, problem = stray[0], "personal_cleared"
    for document in purged_documents:
        named.pop(document, None)
    files_bad = evidence_files_check(named) if files and first_bad is None else []
    if first_bad is None and files_bad:
        first_bad, problem = files_bad[0]["seq"], "evidence_file"
    return VerifyResult(
        entries=count,
        ok=first_bad is None,
        first_bad=first_bad,
        problem=problem,
        head=prev_hash,
        seconds=round(time.monotonic() - started, 3),
        files_checked=len(named),
        files_bad=files_bad,
        workers=processes,
    )
