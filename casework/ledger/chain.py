"""The chain's arithmetic: canonical encoding, digests, hashes.

Kept apart from the ORM so that ``ledger_verify`` and an offline pack check
compute exactly what ``ledger_append`` computed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def personal_digest(salt: str, field: str, value: Any) -> str:
    """Salted digest of one personal field: the salt defeats guessing a short
    value (an ID number, a name) from its digest once the value is purged."""
    return hashlib.sha256(bytes.fromhex(salt) + canonical([field, value])).hexdigest()


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def hashed_form(entry: Any) -> dict[str, Any]:
    """What the hash covers: every column except the purgeable personal
    values, which are covered by their digests."""
    return {
        "seq": entry.seq,
        "recorded_at": timestamp(entry.recorded_at),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "actor_role": entry.actor_role,
        "actor_unit_id": entry.actor_unit_id,
        "actor_unit_code": entry.actor_unit_code,
        "actor_unit_path": entry.actor_unit_path,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "subject_unit_id": entry.subject_unit_id,
        "action": entry.action,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "payload": entry.payload,
        "evidence": entry.evidence,
        "personal_digests": entry.personal_digests,
    }


def entry_hash(entry: Any) -> str:
    return hashlib.sha256(entry.prev_hash.encode() + canonical(hashed_form(entry))).hexdigest()


def personal_fields(entry: Any) -> dict[str, Any]:
    """The personal values the digests cover: the reason and the ``personal`` dict."""
    return {**entry.personal, "reason": entry.reason}


def personal_mismatch(entry: Any) -> str | None:
    """Name of the first personal field whose digest no longer matches, or
    None. An entry whose salt was purged has nothing left to compare."""
    if not entry.personal_salt:
        return None
    fields = personal_fields(entry)
    if set(fields) != set(entry.personal_digests):
        return "personal_fields"
    for name in sorted(fields):
        if personal_digest(entry.personal_salt, name, fields[name]) != entry.personal_digests[name]:
            return name
    return None
