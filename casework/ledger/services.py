"""Writing to the ledger: one function, called by services inside their transaction."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from casework.ledger import chain
from casework.ledger.models import LedgerEntry
from casework.org.models import Unit

# Any constant will do: it names the one advisory lock that serializes appends.
_CHAIN_LOCK_KEY = 0x4C454447  # "LEDG"

SYSTEM_ACTOR = "system"
# Rows per INSERT when many entries are appended at once.
BULK_BATCH = 500


def json_safe(value: Any) -> Any:
    """What the JSON column will give back, so the hash covers exactly that
    (Decimals and dates become strings, tuples lists)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def subject_of(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def _lock_chain() -> None:
    # PostgreSQL: a transaction-level advisory lock, released at commit, so two
    # appends never read the same head. SQLite serializes writers by itself
    # (IMMEDIATE transactions, see settings).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def ledger_entry(
    *,
    action: str,
    subject: models.Model | tuple[str, str],
    by: Any = None,
    role: str = "",
    unit: Unit | None = None,
    subject_unit: Unit | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
    personal: Mapping[str, Any] | None = None,
    evidence: Iterable[Mapping[str, Any]] = (),
) -> LedgerEntry:
    """One entry as ``ledger_append`` takes it, not yet in the chain (no
    sequence number, time or hash): ``ledger_append_many`` chains and saves it."""
    subject_type, subject_id = subject if isinstance(subject, tuple) else subject_of(subject)
    salt = secrets.token_hex(16)
    entry = LedgerEntry(
        actor=by,
        actor_name=by.get_username() if by is not None else SYSTEM_ACTOR,
        actor_role=role,
        actor_unit=unit,
        actor_unit_code=unit.code if unit else "",
        actor_unit_path=unit.path if unit else "",
        subject_type=subject_type,
        subject_id=str(subject_id),
        subject_unit=subject_unit,
        action=action,
        from_state=from_state,
        to_state=to_state,
        payload=json_safe(dict(payload or {})),
        evidence=json_safe([dict(item) for item in evidence]),
        reason=reason,
        personal=json_safe(dict(personal or {})),
        personal_salt=salt,
    )
    entry.personal_digests = {
        name: chain.personal_digest(salt, name, value) for name, value in chain.personal_fields(entry).items()
    }
    return entry


def ledger_append(
    *,
    action: str,
    subject: models.Model | tuple[str, str],
    by: Any = None,
    role: str = "",
    unit: Unit | None = None,
    subject_unit: Unit | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
    personal: Mapping[str, Any] | None = None,
    evidence: Iterable[Mapping[str, Any]] = (),
) -> LedgerEntry:
    """Append one entry to the decision trail and return it.

    ``by`` is the acting user (None for the system itself), acting as ``role``
    for ``unit``. ``payload`` holds non-personal data; anything personal (names,
    ID numbers, incomes, health) goes in ``personal`` and, like ``reason``,
    enters the hash only as a salted digest, so it can be purged later.
    ``evidence`` lists files as ``{"name": ..., "sha256": ...}``.
    Must run inside the caller's transaction: if the caller rolls back, the
    entry was never there and the sequence shows no gap.
    """
    entry = ledger_entry(
        action=action,
        subject=subject,
        by=by,
        role=role,
        unit=unit,
        subject_unit=subject_unit,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        payload=payload,
        personal=personal,
        evidence=evidence,
    )
    [appended] = ledger_append_many([entry])
    return appended


def ledger_append_many(entries: Sequence[LedgerEntry]) -> list[LedgerEntry]:
    """Append entries made by ``ledger_entry`` to the chain, in their order,
    under one lock and in one statement for many (a campaign opening five
    hundred cases): each gets the next sequence number, the time and its
    hash exactly as ``ledger_append`` would give it one by one."""
    entries = list(entries)
    if not entries:
        return []
    with transaction.atomic():
        _lock_chain()
        head = LedgerEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (head[0], head[1]) if head else (0, chain.GENESIS_HASH)
        for entry in entries:
            seq += 1
            entry.seq, entry.prev_hash, entry.recorded_at = seq, prev_hash, timezone.now()
            entry.hash = prev_hash = chain.entry_hash(entry)
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            LedgerEntry.objects.bulk_create(entries, batch_size=BULK_BATCH)
    return entries
