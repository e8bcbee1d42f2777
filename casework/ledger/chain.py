"""The chain's arithmetic: canonical encoding, digests, hashes.

Kept apart from the ORM so that ``ledger_verify`` and an offline pack check
compute exactly what ``ledger_append`` computed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS_HASH = "0" * 64


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def personal_digest(salt: str, field: str, value: Any) -> str:
    """Salted digest of one personal field: the salt defeats guessing a short
    value (an ID number, a name) from its digest once the value is purged."""
    return _sha256(bytes.fromhex(salt), canonical([field, value]))


def _sha256(prefix: bytes, encoded: bytes) -> str:
    """Both hashes of the chain: SHA-256 of a prefix (the previous hash, or
    a personal field's salt) and a canonical encoding."""
    return hashlib.sha256(prefix + encoded).hexdigest()


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# What the hash covers: every column except the purgeable personal values,
# which are covered by their digests.
HASHED_FIELDS = (
    "seq",
    "recorded_at",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_unit_id",
    "actor_unit_code",
    "actor_unit_path",
    "subject_type",
    "subject_id",
    "subject_unit_id",
    "action",
    "from_state",
    "to_state",
    "payload",
    "evidence",
    "personal_digests",
)


def hashed_form(entry: Any) -> dict[str, Any]:
    """The entry's ``HASHED_FIELDS``, its time as a UTC string (already one
    when the check read it so from the database)."""
    form = {name: getattr(entry, name) for name in HASHED_FIELDS}
    if isinstance(entry.recorded_at, datetime):
        form["recorded_at"] = timestamp(entry.recorded_at)
    return form


def encodings(value: Any) -> Iterator[bytes]:
    """``canonical(value)``, fast first: orjson's sorted, compact UTF-8 is
    the same bytes for what the ledger stores, about ten times sooner; where
    it could differ (float exponents, integers beyond 64 bits) the checks
    fall back to ``canonical``, the definition."""
    try:
        fast: bytes | None = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # beyond orjson: an integer over 64 bits
        fast = None
    if fast is not None:
        yield fast
    yield canonical(value)


def entry_hash_matches(entry: Any) -> bool:
    """Whether the entry's stored hash recomputes (``entry_hash``)."""
    prefix = entry.prev_hash.encode()
    form = hashed_form(entry)
    return any(_sha256(prefix, encoded) == entry.hash for encoded in encodings(form))


def hash_of(prev_hash: str, form: dict[str, Any]) -> str:
    """The hash of an entry given its hashed form: what an offline check of
    an evidence pack recomputes without the database."""
    return _sha256(prev_hash.encode(), canonical(form))


def entry_hash(entry: Any) -> str:
    return hash_of(entry.prev_hash, hashed_form(entry))


def personal_fields(entry: Any) -> dict[str, Any]:
    """The personal values the digests cover: the reason and the ``personal`` dict."""
    return {**entry.personal, "reason": entry.reason}


def personal_mismatch(entry: Any) -> str | None:
    """Name of the first personal field whose digest no longer matches, or
    None. An entry whose salt was purged has nothing left to compare, and
    nothing left at all: a value written after the purge is caught."""
    if not entry.personal_salt:
        return "cleared_not_empty" if entry.reason or entry.personal else None
    fields = personal_fields(entry)
    if set(fields) != set(entry.personal_digests):
        return "personal_fields"
    salt = bytes.fromhex(entry.personal_salt)
    for name in sorted(fields):
        stored = entry.personal_digests[name]
        if not any(_sha256(salt, e) == stored for e in encodings([name, fields[name]])):
            return name
    return None
