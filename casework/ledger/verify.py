"""Walking the chain: the check behind ``manage.py ledger_verify``."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from types import SimpleNamespace
from typing import Any

import orjson
from django.core.files.storage import default_storage
from django.db import connection

from casework.ledger import chain
from casework.ledger.models import LedgerEntry

MISSING, CHANGED = "missing", "changed"
# Payload keys of an entry that purged personal data (casework/audit/retention.py):
# the entries whose personal part it cleared, the documents whose files it deleted.
CLEARED, DOCUMENTS_PURGED = "cleared", "documents_purged"
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
    return [
        (item["document"], str(item.get("sha256", "")))
        for item in entry.evidence
        if isinstance(item, dict) and isinstance(item.get("document"), int)
    ]


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


# The columns the check reads, in the order of ``_ROWS_SQL``.
ROW_FIELDS = (
    *chain.HASHED_FIELDS,
    "reason",
    "personal",
    "personal_salt",
    "prev_hash",
    "hash",
)
JSON_FIELDS = frozenset({"payload", "evidence", "personal_digests", "personal"})
# On PostgreSQL the rows come as text from one cursor, JSON parsed by orjson
# and the time already in the hash's spelling: the ORM's model instances cost
# most of the check's time at a city's ten million entries.
_ROWS_SQL = "SELECT {} FROM ledger_ledgerentry WHERE seq > %s ORDER BY seq LIMIT %s".format(  # noqa: S608 (our columns)
    ", ".join(
        "to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        if name == "recorded_at"
        else f"{name}::text"
        if name in JSON_FIELDS
        else name
        for name in ROW_FIELDS
    )
)


class Row(SimpleNamespace):
    """One entry as the check reads it (attributes like a ``LedgerEntry``),
    its JSON parsed by orjson; ``exact()`` parses it again with the standard
    library, which keeps what orjson would round (integers beyond 64 bits)."""

    def exact(self) -> Row:
        return Row(**{**vars(self), **{name: json.loads(text) for name, text in self.texts.items()}})


def ledger_rows(chunk_size: int) -> Iterator[Any]:
    """Every entry in sequence order, read ``chunk_size`` at a time by
    sequence number (keyset: no OFFSET, no long-open cursor)."""
    if connection.vendor != "postgresql":
        yield from LedgerEntry.objects.order_by("seq").iterator(chunk_size=chunk_size)
        return
    after = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(_ROWS_SQL, [after, chunk_size])
            rows = cursor.fetchall()
        for values in rows:
            row = Row(**dict(zip(ROW_FIELDS, values, strict=True)))
            row.texts = {name: getattr(row, name) for name in JSON_FIELDS}
            for name, text in row.texts.items():
                setattr(row, name, orjson.loads(text))
            yield row
        if len(rows) < chunk_size:
            return
        after = rows[-1][0]


def _hash_matches(entry: Any) -> bool:
    return chain.entry_hash_matches(entry) or (isinstance(entry, Row) and chain.entry_hash_matches(entry.exact()))


def _personal_mismatch(entry: Any) -> str | None:
    mismatch = chain.personal_mismatch(entry)
    return chain.personal_mismatch(entry.exact()) if mismatch and isinstance(entry, Row) else mismatch


def _listed(entry: LedgerEntry, key: str) -> set[int]:
    values = entry.payload.get(key) if isinstance(entry.payload, dict) else None
    return {v for v in values if isinstance(v, int)} if isinstance(values, list) else set()


def ledger_verify(chunk_size: int = 5000, *, files: bool = True) -> VerifyResult:
    """Check every entry in sequence order: no gap, each ``prev_hash`` is the
    previous entry's hash, each hash recomputes, each personal digest matches,
    and a cleared personal part is empty. Stops at the first bad entry and
    names its sequence number (for a removed entry, the missing number).

    Then two checks over the whole chain: every entry whose personal part
    was cleared must be listed as cleared by a purge's entry
    (``personal_cleared``: the ledger's trigger lets exactly that UPDATE
    through, for the purge only); and, with ``files``, the evidence files
    the entries cite are re-hashed, except those a purge's entry lists as
    deleted (``evidence_file``, naming the first entry that cites a
    missing or changed one)."""
    started = time.monotonic()
    expected_seq, prev_hash, count = 1, chain.GENESIS_HASH, 0
    first_bad: int | None = None
    problem = ""
    named: dict[int, tuple[str, int]] = {}
    cleared_found: set[int] = set()
    cleared_listed: set[int] = set()
    purged_documents: set[int] = set()
    for entry in ledger_rows(chunk_size):
        if entry.seq != expected_seq:
            first_bad, problem = expected_seq, "missing"
        elif entry.prev_hash != prev_hash:
            first_bad, problem = entry.seq, "prev_hash"
        elif not _hash_matches(entry):
            first_bad, problem = entry.seq, "hash"
        elif (mismatch := _personal_mismatch(entry)) is not None:
            first_bad, problem = entry.seq, f"personal:{mismatch}"
        if first_bad is not None:
            break
        if not entry.personal_salt:
            cleared_found.add(entry.seq)
        if entry.payload:
            cleared_listed |= _listed(entry, CLEARED)
            purged_documents |= _listed(entry, DOCUMENTS_PURGED)
        if files:
            for document, sha256 in evidence_named(entry):
                named.setdefault(document, (sha256, entry.seq))
        count += 1
        expected_seq += 1
        prev_hash = entry.hash
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
    )
