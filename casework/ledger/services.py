"""Writing to the ledger: one function, called by services inside their transaction."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
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


@dataclass
class _PutOff:
    """What the outermost ``ledger_appends_last`` block holds: records put
    off (each with the savepoints open then), and the entries written where
    a savepoint opened since could roll them back alone, to be found again
    before the block ends."""

    records: list[tuple[tuple[str | None, ...], Callable[[], LedgerEntry]]] = field(default_factory=list)
    exposed: list[tuple[int, str]] = field(default_factory=list)


_put_off: ContextVar[_PutOff | None] = ContextVar("ledger_put_off", default=None)


@contextmanager
def ledger_appends_last(transaction_block: AbstractContextManager[object]) -> Iterator[None]:
    """Open ``transaction_block`` (a transaction or savepoint) with the
    chain's lock put as late in it as it can go.

    An append takes the chain's one lock and holds it until commit, so every
    statement after it in the same transaction keeps all other appends
    waiting. Inside this block ``ledger_later`` keeps a step's record (its
    append and what needs the entry) until the block ends, after the rest of
    the step's work (the flow moving on, the next due date), still inside
    ``transaction_block``.

    The trail keeps the order of events: what an enclosing block put off is
    written before this one opens its savepoint (so a step's checks see the
    steps before it), and any other append writes it first. Nested blocks
    leave their records to the outermost one; one left by an exception drops
    the records it added, as its savepoint drops their rows. A record that
    had to be written inside a savepoint opened after it was put off (a
    service of the step appending in its own ``atomic``) is looked for again
    at the end: if that savepoint rolled back alone, the whole block fails
    rather than leave a step without its entry."""
    ledger_later_flush()
    with transaction_block:
        put_off = _put_off.get()
        if put_off is not None:
            mark = len(put_off.records)
            try:
                yield
            except BaseException:
                del put_off.records[mark:]
                raise
            return
        put_off = _PutOff()
        token = _put_off.set(put_off)
        try:
            yield
            ledger_later_flush()
            _still_there(put_off.exposed)
        finally:
            _put_off.reset(token)


def ledger_later(record: Callable[[], LedgerEntry]) -> None:
    """Run ``record`` (which appends one entry and returns it) at the end of
    the enclosing ``ledger_appends_last`` block, or now outside one."""
    put_off = _put_off.get()
    if put_off is None:
        record()
    else:
        put_off.records.append((tuple(connection.savepoint_ids), record))


def ledger_later_flush() -> None:
    """Run the records put off so far, in order."""
    put_off = _put_off.get()
    if put_off is None or not put_off.records:
        return
    here = tuple(connection.savepoint_ids)
    records, put_off.records = put_off.records, []
    token = _put_off.set(None)  # a record's own append must not run the next one first
    try:
        for at, record in records:
            entry = record()
            if at[: len(here)] != here:  # inside a savepoint opened since: it could roll back alone
                put_off.exposed.append((entry.seq, entry.hash))
    finally:
        _put_off.reset(token)


def _still_there(entries: list[tuple[int, str]]) -> None:
    if not entries:
        return
    found = LedgerEntry.objects.filter(seq__in=[seq for seq, _hash in entries]).values_list("seq", "hash")
    if set(found) != set(entries):
        raise RuntimeError("a step's trail entry was rolled back with a savepoint of its own: the step is undone too")


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
    ledger_later_flush()  # entries put off by earlier steps go first
    # No savepoint of its own inside a caller's transaction (one round trip
    # less a step): a failure here fails the caller's whole step anyway.
    with transaction.atomic(savepoint=False):
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
