"""Celery tasks of the outbox. They take ids, run the idempotent functions
of notifications/delivery.py, and retry a failed delivery with exponential
backoff while attempts remain. In eager mode (no broker: the demo) a failure
is not retried in-process; it stays failed for the admin's retry."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from casework.celery import app
from notifications.delivery import event_dispatch, message_deliver, pending_sweep, webhook_deliver


def _retrying() -> bool:
    return not app.conf.task_always_eager


@shared_task(name="notifications.dispatch", ignore_result=True)
def dispatch(event_id: int) -> dict[str, int]:
    """One announced change to its recipients' channels and its unit's webhooks."""
    return event_dispatch(event_id)


@shared_task(bind=True, name="notifications.deliver_message", ignore_result=True, max_retries=None)
def deliver_message(self: Any, message_id: int) -> str:
    """One recipient's e-mail, at most once."""
    outcome = message_deliver(message_id, retrying=_retrying())
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(bind=True, name="notifications.deliver_webhook", ignore_result=True, max_retries=None)
def deliver_webhook(self: Any, event_id: int, subscriber_id: int) -> str:
    """One event to one webhook subscriber, at most once."""
    outcome = webhook_deliver(event_id, subscriber_id, retrying=_retrying())
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="notifications.deliver_pending", ignore_result=True)
def deliver_pending() -> dict[str, int]:
    """Every minute (beat): send what was never sent."""
    return pending_sweep()
