"""Walking the chain fast: the entries read by windows of sequence
numbers, a window ahead of the check, and ranges of the chain checked in
worker processes. ``casework.ledger.verify`` says what the check is and
joins the ranges' results.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import multiprocessing
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import orjson
from django.db import connection

from casework.ledger import chain
from casework.ledger.models import LedgerEntry

# Payload keys of an entry that purged personal data (casework/audit/retention.py):
# the entries whose personal part it cleared, the documents whose files it deleted.
CLEARED, DOCUMENTS_PURGED = "cleared", "documents_purged"


def cited(evidence: Iterable[Any]) -> list[tuple[int, str]]:
    """(document id, SHA-256) of each file an entry's evidence cites by id."""
    return [
        (item["document"], str(item.get("sha256", "")))
        for item in evidence
        if isinstance(item, dict) and isinstance(item.get("document"), int)
    ]


# The columns the check reads, in this order: the hashed ones, then the
# personal part and the chain.
ROW_FIELDS = (
    *chain.HASHED_FIELDS,
    "reason",
    "personal",
    "personal_salt",
    "prev_hash",
    "hash",
)
JSON_FIELDS = frozenset({"payload", "evidence", "personal_digests", "personal"})
# On PostgreSQL the rows come as plain tuples from one cursor, JSON as its
# text (parsed by orjson) and the time already in the hash's spelling: the
# ORM's model instances cost most of the check's time at a city's ten
# million entries. Read by windows of sequence numbers: a bounded range of
# the primary key is read through its index even before the table was
# ever analysed (``seq > n ORDER BY seq LIMIT k`` was planned then as a
# scan and sort of the whole table for every batch).
_COLUMNS = ", ".join(
    "to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    if name == "recorded_at"
    else f"{name}::text"
    if name in JSON_FIELDS
    else name
    for name in ROW_FIELDS
)
_WINDOW_SQL = f"SELECT {_COLUMNS} FROM ledger_ledgerentry WHERE seq >= %s AND seq <= %s ORDER BY seq"  # noqa: S608 (our columns)
_NEXT_SQL = "SELECT min(seq) FROM ledger_ledgerentry WHERE seq > %s AND seq <= %s"


class Row(SimpleNamespace):
    """One entry as the slow path of the check reads it (attributes like a
    ``LedgerEntry``), its JSON parsed by orjson; ``exact()`` parses it again
    with the standard library, which keeps what orjson would round
    (integers beyond 64 bits)."""

    def exact(self) -> Row:
        return Row(**{**vars(self), **{name: self.exact_loads(text) for name, text in self.texts.items()}})


def _same(value: Any) -> Any:
    return value


def _row(values: tuple[Any, ...], loads: Callable[[Any], Any], exact_loads: Callable[[Any], Any]) -> Row:
    row = Row(**dict(zip(ROW_FIELDS, values, strict=True)))
    row.texts = {name: getattr(row, name) for name in JSON_FIELDS}
    row.exact_loads = exact_loads
    for name, text in row.texts.items():
        setattr(row, name, loads(text))
    return row


def _hash_matches(entry: Row) -> bool:
    return chain.entry_hash_matches(entry) or chain.entry_hash_matches(entry.exact())


def _personal_mismatch(entry: Row) -> str | None:
    mismatch = chain.personal_mismatch(entry)
    return chain.personal_mismatch(entry.exact()) if mismatch else mismatch


def _listed(payload: Any, key: str) -> set[int]:
    values = payload.get(key) if isinstance(payload, dict) else None
    return {v for v in values if isinstance(v, int)} if isinstance(values, list) else set()


_Batches = Generator[list[tuple[Any, ...]], None, None]


def batches(lo: int, hi: int, chunk_size: int, stops: tuple[Any, ...] = ()) -> _Batches:
    """The entries ``lo`` to ``hi`` in sequence order as tuples of
    ``ROW_FIELDS`` (PostgreSQL: JSON as text), ``chunk_size`` at a time;
    none more once any of ``stops`` (events, or None) is set."""
    if connection.vendor != "postgresql":
        entries = LedgerEntry.objects.filter(seq__gte=lo, seq__lte=hi).order_by("seq").values_list(*ROW_FIELDS)
        batch: list[tuple[Any, ...]] = []
        for values in entries.iterator(chunk_size=chunk_size):
            batch.append((values[0], chain.timestamp(values[1]), *values[2:]))
            if len(batch) == chunk_size:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    start: int | None = lo
    while start is not None and start <= hi and not any(stop is not None and stop.is_set() for stop in stops):
        end = min(start + chunk_size - 1, hi)
        with connection.cursor() as cursor:
            cursor.execute(_WINDOW_SQL, [start, end])
            rows = cursor.fetchall()
            if len(rows) <= end - start:  # a gap: go on from the next entry there is
                cursor.execute(_NEXT_SQL, [end, hi])
                start = cursor.fetchone()[0]
            else:
                start = end + 1
        if rows:
            yield rows


_END = object()


def read_ahead(produce: Callable[[threading.Event], Iterator[Any]]) -> Generator[Any, None, None]:
    """The items of ``produce(halt)``, read by another thread one ahead of
    the caller: the server prepares the next window while this process
    checks one. The thread has its own connection (Django's are per
    thread), closed when it ends; it stops at its next window once the
    caller stops asking (``halt``), and its errors are raised here."""
    ready: queue.Queue[Any] = queue.Queue(maxsize=1)
    halt = threading.Event()

    def offer(item: Any) -> None:
        while not halt.is_set():
            with contextlib.suppress(queue.Full):
                ready.put(item, timeout=0.1)
                return

    def read() -> None:
        try:
            for item in produce(halt):
                offer(item)
            offer(_END)
        except BaseException as error:  # handed to the caller, raised there
            offer(error)
        finally:
            connection.close()

    reader = threading.Thread(target=read, name="ledger-verify-read", daemon=True)
    reader.start()
    try:
        while (item := ready.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        halt.set()
        reader.join()


@dataclass
class Range:
    """What checking one range of sequence numbers found, for the join."""

    first_seq: int | None = None  # the range's first entry and its prev_hash,
    first_prev: str = ""  # which only the join can check (against the range before)
    count: int = 0  # good entries, in order, before the first bad one
    last_seq: int = 0
    last_hash: str = ""
    first_bad: int | None = None
    problem: str = ""
    cleared_found: set[int] = field(default_factory=set)
    cleared_listed: set[int] = field(default_factory=set)
    purged_documents: set[int] = field(default_factory=set)
    named: dict[int, tuple[str, int]] = field(default_factory=dict)


def range_check(lo: int, hi: int, chunk_size: int, files: bool, *, ahead: bool = False, stop: Any = None) -> Range:
    """Check the entries ``lo`` to ``hi`` as ``ledger_verify`` does, except
    the first one's sequence number and prev_hash (``Range.first_*``).

    The hash is recomputed from orjson's parse and encoding, and each
    personal digest likewise; only where that finds no match (a value
    orjson spells otherwise, or tampering) the entry is checked again the
    slow way, exactly as before (``_hash_matches``, ``_personal_mismatch``),
    so the fast path never accepts what those would refuse.

    With ``ahead`` the rows are read by another thread on its own
    connection, a window ahead of the check (``read_ahead``)."""
    pg = connection.vendor == "postgresql"
    loads: Callable[[Any], Any] = orjson.loads if pg else _same
    exact_loads: Callable[[Any], Any] = json.loads if pg else _same
    dumps, sort, sha256 = orjson.dumps, orjson.OPT_SORT_KEYS, hashlib.sha256
    found = Range()
    cleared_found, cleared_listed = found.cleared_found, found.cleared_listed
    purged_documents, named = found.purged_documents, found.named
    expected: int | None = None
    prev_hash, count = "", 0
    reading: _Batches
    if ahead:
        reading = read_ahead(lambda halt: batches(lo, hi, chunk_size, (stop, halt)))
    else:
        reading = batches(lo, hi, chunk_size, (stop,))
    with contextlib.closing(reading):
        for values in itertools.chain.from_iterable(reading):
            (
                seq,
                recorded_at,
                actor_id,
                actor_name,
                actor_role,
                actor_unit_id,
                actor_unit_code,
                actor_unit_path,
                subject_type,
                subject_id,
                subject_unit_id,
                action,
                from_state,
                to_state,
                payload,
                evidence,
                digests,
                reason,
                personal,
                salt,
                prev,
                stored_hash,
            ) = values
            if seq != expected:
                if expected is not None:
                    found.first_bad, found.problem = expected, "missing"
                    break
                found.first_seq, found.first_prev = seq, prev
            elif prev != prev_hash:
                found.first_bad, found.problem = seq, "prev_hash"
                break
            payload, evidence, digests, personal = loads(payload), loads(evidence), loads(digests), loads(personal)
            # chain.hashed_form, spelled out: a dict display is the fastest way to build it.
            form = {
                "seq": seq,
                "recorded_at": recorded_at,
                "actor_id": actor_id,
                "actor_name": actor_name,
                "actor_role": actor_role,
                "actor_unit_id": actor_unit_id,
                "actor_unit_code": actor_unit_code,
                "actor_unit_path": actor_unit_path,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "subject_unit_id": subject_unit_id,
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "payload": payload,
                "evidence": evidence,
                "personal_digests": digests,
            }
            try:
                hashed = sha256(prev.encode() + dumps(form, option=sort)).hexdigest() == stored_hash
            except TypeError:  # beyond orjson: an integer over 64 bits
                hashed = False
            if not hashed and not _hash_matches(_row(values, loads, exact_loads)):
                found.first_bad, found.problem = seq, "hash"
                break
            # chain.personal_mismatch, fast: every digest found, or the slow way.
            if salt:
                try:
                    fields = {**personal, "reason": reason}
                    personal_ok = fields.keys() == digests.keys()
                    salted = bytes.fromhex(salt)
                    for name, value in fields.items():
                        if not personal_ok:
                            break
                        personal_ok = sha256(salted + dumps([name, value], option=sort)).hexdigest() == digests[name]
                except (TypeError, ValueError, AttributeError, KeyError):
                    personal_ok = False
            else:
                personal_ok = not reason and not personal
            if not personal_ok and (mismatch := _personal_mismatch(_row(values, loads, exact_loads))) is not None:
                found.first_bad, found.problem = seq, f"personal:{mismatch}"
                break
            if not salt:
                cleared_found.add(seq)
            if payload and isinstance(payload, dict) and (CLEARED in payload or DOCUMENTS_PURGED in payload):
                cleared_listed |= _listed(payload, CLEARED)
                purged_documents |= _listed(payload, DOCUMENTS_PURGED)
            if files and evidence:
                for document, sha in cited(evidence):
                    named.setdefault(document, (sha, seq))
            count += 1
            expected = seq + 1
            prev_hash = stored_hash
    found.count, found.last_seq, found.last_hash = count, (expected or 1) - 1, prev_hash
    return found


# In a worker process: the parent's event that says its ranges are no longer wanted.
_stop: Any = None


def _worker_start(stop: Any) -> None:
    global _stop
    _stop = stop


def _range_task(task: tuple[int, int, int, bool]) -> Range:
    """One range in a worker process, on its own database connection."""
    try:
        return range_check(*task, ahead=True, stop=_stop)
    finally:
        connection.close()


def ledger_ranges(last: int, parts: int) -> list[tuple[int, int]]:
    """Sequence numbers 1 to ``last`` cut into ``parts`` ranges of (nearly) one size."""
    parts = max(1, min(parts, last))
    size, extra = divmod(last, parts)
    ranges, lo = [], 1
    for part in range(parts):
        hi = lo + size - 1 + (part < extra)
        ranges.append((lo, hi))
        lo = hi + 1
    return ranges


def ranges_in_processes(
    ranges: Iterable[tuple[int, int]], processes: int, chunk_size: int, files: bool
) -> Generator[Range, None, None]:
    """``range_check`` of each range by ``processes`` forked workers, the
    results in the ranges' order. Closing the generator stops the workers
    at their next window; a worker that dies fails the check
    (``BrokenProcessPool``), never hangs it."""
    tasks = [(lo, hi, chunk_size, files) for lo, hi in ranges]
    # A forked child must not share this process's connection (its socket):
    # close it here, each child opens its own.
    connection.close()
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_worker_start, initargs=(stop,)) as pool:
        futures = [pool.submit(_range_task, task) for task in tasks]
        try:
            for future in futures:
                yield future.result()
        finally:
            stop.set()
            for future in futures:
                future.cancel()
