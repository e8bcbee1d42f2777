"""Walking the chain: the check behind ``manage.py ledger_verify``."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from casework.ledger import chain
from casework.ledger.models import LedgerEntry


@dataclass
class VerifyResult:
    entries: int
    ok: bool
    first_bad: int | None
    problem: str
    head: str
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def ledger_verify(chunk_size: int = 5000) -> VerifyResult:
    """Check every entry in sequence order: no gap, each ``prev_hash`` is the
    previous entry's hash, each hash recomputes, each personal digest matches.
    Stops at the first bad entry and names its sequence number (for a removed
    entry, the missing number)."""
    started = time.monotonic()
    expected_seq, prev_hash, count = 1, chain.GENESIS_HASH, 0
    first_bad: int | None = None
    problem = ""
    for entry in LedgerEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            first_bad, problem = expected_seq, "missing"
        elif entry.prev_hash != prev_hash:
            first_bad, problem = entry.seq, "prev_hash"
        elif chain.entry_hash(entry) != entry.hash:
            first_bad, problem = entry.seq, "hash"
        elif (field := chain.personal_mismatch(entry)) is not None:
            first_bad, problem = entry.seq, f"personal:{field}"
        if first_bad is not None:
            break
        count += 1
        expected_seq += 1
        prev_hash = entry.hash
    return VerifyResult(
        entries=count,
        ok=first_bad is None,
        first_bad=first_bad,
        problem=problem,
        head=prev_hash,
        seconds=round(time.monotonic() - started, 3),
    )
