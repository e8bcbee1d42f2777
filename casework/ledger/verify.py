"""Walking the chain: the check behind ``manage.py ledger_verify``."""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.files.storage import default_storage

from casework.ledger import chain
from casework.ledger.models import LedgerEntry

MISSING, CHANGED = "missing", "changed"


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


def evidence_files_check(named: dict[int, tuple[str, int]]) -> list[dict[str, Any]]:
    """Re-hash each document the trail names (``{document id: (sha256 the
    trail recorded, first seq naming it)}``) and list those whose file is
    missing or no longer has that hash. The trail's hash is the reference,
    not the document row's copy, which an intruder could edit with the file."""
    from casework.cases.documents import CaseDocument  # the ledger sits below the cases app

    rows = CaseDocument.objects.filter(pk__in=named).values_list("pk", "file", "purged_at")
    names = {pk: name for pk, name, purged_at in rows if purged_at is None}
    # A file deleted by a retention purge is gone on purpose (docs/retention.md).
    purged = {pk for pk, _name, purged_at in rows if purged_at is not None}
    bad = []
    for document, (sha256, seq) in sorted(named.items(), key=lambda item: item[1][1]):
        if document in purged:
            continue
        found = file_sha256(names[document]) if document in names else None
        if found != sha256:
            problem = MISSING if found is None else CHANGED
            bad.append({"document": document, "sha256": sha256, "seq": seq, "problem": problem})
    return bad


def ledger_verify(chunk_size: int = 5000, *, files: bool = True) -> VerifyResult:
    """Check every entry in sequence order: no gap, each ``prev_hash`` is the
    previous entry's hash, each hash recomputes, each personal digest matches.
    Stops at the first bad entry and names its sequence number (for a removed
    entry, the missing number). With ``files``, the evidence files the
    checked entries name are then re-hashed; a missing or changed file makes
    the result bad, naming the first entry that cites it (problem
    ``evidence_file``)."""
    started = time.monotonic()
    expected_seq, prev_hash, count = 1, chain.GENESIS_HASH, 0
    first_bad: int | None = None
    problem = ""
    named: dict[int, tuple[str, int]] = {}
    for entry in LedgerEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            first_bad, problem = expected_seq, "missing"
        elif entry.prev_hash != prev_hash:
            first_bad, problem = entry.seq, "prev_hash"
        elif chain.entry_hash(entry) != entry.hash:
            first_bad, problem = entry.seq, "hash"
        elif (mismatch := chain.personal_mismatch(entry)) is not None:
            first_bad, problem = entry.seq, f"personal:{mismatch}"
        if first_bad is not None:
            break
        if files:
            for item in entry.evidence:
                if isinstance(item, dict) and isinstance(item.get("document"), int):
                    named.setdefault(item["document"], (str(item.get("sha256", "")), entry.seq))
        count += 1
        expected_seq += 1
        prev_hash = entry.hash
    files_bad = evidence_files_check(named) if files else []
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
