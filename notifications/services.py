"""Queueing notifications: inside the caller's transaction, so a change that
rolls back never notifies anyone."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from casework.accounts.models import User
from casework.ledger.services import json_safe
from notifications.models import OutboxMessage


def outbox_queue(
    *, event: str, subject: tuple[str, str], recipients: Iterable[User], payload: dict[str, Any] | None = None
) -> list[OutboxMessage]:
    """Write one outbox row per distinct, active recipient. Must run inside
    the transaction of the change it announces."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_queue must run inside the transaction of the change it announces")
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            OutboxMessage(
                event=event,
                subject_type=subject[0],
                subject_id=subject[1],
                recipient=user,
                payload=json_safe(payload or {}),
            )
        )
    return OutboxMessage.objects.bulk_create(rows)
