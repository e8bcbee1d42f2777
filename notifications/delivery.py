"""Delivering the outbox, idempotently. The Celery tasks (notifications/tasks.py)
call these; each can run twice, or twice at once, and sends at most once:

- ``event_dispatch``: one announced change → each recipient's message to
  its channels, and the webhook subscribers of the unit its subject is under.
- ``message_deliver``: one recipient's e-mail (in-app is the row itself).
  The message row is locked; ``delivered_at`` and the one successful
  ``Delivery`` row say it was sent.
- ``webhook_deliver``: one event to one subscriber, under the subscriber's
  row lock; a successful ``Delivery`` for the pair says it was sent.
- ``pending_sweep``: what was never sent (the broker was down at commit).

A failed attempt is a ``Delivery`` row with the error and, while attempts
remain, when the next one is due (``backoff``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from casework.org.models import PATH_SEGMENT_WIDTH
from notifications.channels import email_send, webhook_body, webhook_delivery_id, webhook_post
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    NotificationPreference,
    OutboxEvent,
    OutboxMessage,
    WebhookSubscriber,
)
from notifications.services import webhook_subscriber_pause

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500


@dataclass(frozen=True)
class Outcome:
    status: str  # sent, in_app, already, failed, paused, gone
    retry_in: int | None = None  # seconds, when another attempt is due


def backoff(attempt: int) -> int:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, …):
    base × 2^(attempt−1), capped."""
    seconds = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** (attempt - 1)
    return max(0, round(min(seconds, settings.NOTIFICATIONS_RETRY_MAX_SECONDS)))


def next_retry(attempt: int, retrying: bool) -> int | None:
    if not retrying or attempt >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        return None
    return backoff(attempt)


def subject_unit_path(subject_type: str, subject_id: str) -> str:
    """Where the subject sits in the unit tree ("" when it is not placed in it)."""
    from permissions.targets import target_of

    try:
        model = apps.get_model(subject_type)
        target = target_of(model)
        field = target.path_field or (f"{target.unit_field}__path" if target.unit_field else "path")
        found = model._default_manager.filter(pk=subject_id).values_list(field, flat=True).first()
    except (LookupError, ValueError, TypeError):
        return ""
    return found or ""


def path_and_above(path: str) -> list[str]:
    segment = PATH_SEGMENT_WIDTH + 1
    return [path[: 1 + segment * i] for i in range(1, (len(path) - 1) // segment + 1)]


def email_address(message: OutboxMessage, preference: NotificationPreference | None) -> str:
    """Where the message is e-mailed; "" when it is not (e-mail off, no address, inactive)."""
    recipient = message.recipient
    wanted = preference.email_enabled if preference is not None else True
    return recipient.email if wanted and recipient.email and recipient.is_active else ""


def _preferences(user_ids: set[int]) -> dict[int, NotificationPreference]:
    return {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}


def event_dispatch(event_id: int) -> dict[str, int]:
    """Fan one event out. Messages that need no e-mail are delivered here
    (in-app is the row); the others and each matching active subscriber get
    a task. Marked dispatched only once every task was sent."""
    from notifications.publish import publish
    from notifications.tasks import deliver_message, deliver_webhook

    occurrence = OutboxEvent.objects.filter(pk=event_id).first()
    if occurrence is None or occurrence.dispatched_at is not None:
        return {"messages": 0, "webhooks": 0}
    unit_path = occurrence.unit_path or subject_unit_path(occurrence.subject_type, occurrence.subject_id)
    messages = list(occurrence.messages.filter(delivered_at__isnull=True).select_related("recipient"))
    preferences = _preferences({m.recipient_id for m in messages})
    mailed = [m.pk for m in messages if email_address(m, preferences.get(m.recipient_id))]
    in_app = [m.pk for m in messages if m.pk not in set(mailed)]
    OutboxMessage.objects.filter(pk__in=in_app, delivered_at__isnull=True).update(delivered_at=timezone.now())
    for message_id in mailed:
        publish(deliver_message, message_id)
    subscribers: list[int] = []
    if unit_path:
        subscribers = list(
            WebhookSubscriber.objects.filter(active=True, unit__path__in=path_and_above(unit_path))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    for subscriber_id in subscribers:
        publish(deliver_webhook, occurrence.pk, subscriber_id)
    OutboxEvent.objects.filter(pk=occurrence.pk, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now(), unit_path=unit_path
    )
    return {"messages": len(messages), "webhooks": len(subscribers)}


def message_deliver(message_id: int, *, retrying: bool) -> Outcome:
    """E-mail one message if its recipient wants it, once; then mark it delivered."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return Outcome("gone")
        if message.delivered_at is not None:
            return Outcome("already")
        preference = NotificationPreference.objects.filter(user_id=message.recipient_id).first()
        address = email_address(message, preference)
        earlier = Delivery.objects.filter(message=message, channel=Channel.EMAIL)
        if address and not earlier.filter(status=DeliveryStatus.OK).exists():
            attempt = earlier.count() + 1
            language = preference.language if preference is not None else settings.LANGUAGE_CODE
            try:
                email_send(message=message, address=address, language=language)
            except Exception as error:
                retry_in = next_retry(attempt, retrying)
                Delivery.objects.create(
                    channel=Channel.EMAIL,
                    message=message,
                    target=address,
                    attempt=attempt,
                    status=DeliveryStatus.FAILED,
                    error=f"{type(error).__name__}: {error}"[:1000],
                    retry_in=retry_in,
                )
                logger.warning(
                    "notifications: e-mail of message %s failed (attempt %s): %s", message_id, attempt, error
                )
                return Outcome("failed", retry_in)
            Delivery.objects.create(
                channel=Channel.EMAIL, message=message, target=address, attempt=attempt, status=DeliveryStatus.OK
            )
        message.delivered_at = timezone.now()
        message.save(update_fields=["delivered_at"])
        return Outcome("sent" if address else "in_app")


def webhook_deliver(event_id: int, subscriber_id: int, *, retrying: bool) -> Outcome:
    """POST one event to one subscriber, once. A failure counts towards the
    subscriber's consecutive failures; at the limit it is paused and its
    owner told, and no retry follows (resuming re-sends)."""
    with transaction.atomic():
        subscriber = WebhookSubscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        occurrence = OutboxEvent.objects.filter(pk=event_id).first()
        if subscriber is None or occurrence is None:
            return Outcome("gone")
        earlier = Delivery.objects.filter(outbox_event=occurrence, subscriber=subscriber)
        if earlier.filter(status=DeliveryStatus.OK).exists():
            return Outcome("already")
        if not subscriber.active:
            return Outcome("paused")
        attempt = earlier.count() + 1
        delivery_id = webhook_delivery_id(occurrence, subscriber.pk)
        answer = webhook_post(
            url=subscriber.url,
            body=webhook_body(occurrence),
            secret=subscriber.secret,
            event=occurrence.event,
            delivery_id=delivery_id,
        )
        now = timezone.now()
        record: dict[str, Any] = {
            "channel": Channel.WEBHOOK,
            "outbox_event": occurrence,
            "subscriber": subscriber,
            "target": subscriber.url,
            "delivery_id": delivery_id,
            "attempt": attempt,
            "status_code": answer.status_code,
        }
        if answer.ok:
            Delivery.objects.create(status=DeliveryStatus.OK, **record)
            subscriber.consecutive_failures, subscriber.failing_since, subscriber.last_success_at = 0, None, now
            subscriber.save(update_fields=["consecutive_failures", "failing_since", "last_success_at"])
            return Outcome("sent")
        subscriber.consecutive_failures += 1
        subscriber.failing_since = subscriber.failing_since or now
        subscriber.save(update_fields=["consecutive_failures", "failing_since"])
        pause = subscriber.consecutive_failures >= settings.NOTIFICATIONS_PAUSE_AFTER_FAILURES
        retry_in = None if pause else next_retry(attempt, retrying)
        Delivery.objects.create(status=DeliveryStatus.FAILED, error=answer.error, retry_in=retry_in, **record)
        logger.warning(
            "notifications: webhook %s of event %s failed (attempt %s): %s",
            subscriber.pk,
            event_id,
            attempt,
            answer.error,
        )
        if pause:
            webhook_subscriber_pause(subscriber=subscriber, by=None)
            return Outcome("paused")
        return Outcome("failed", retry_in)


def pending_sweep(now: datetime | None = None) -> dict[str, int]:
    """Send again what was never sent: events not dispatched, and messages
    never attempted, older than NOTIFICATIONS_SWEEP_AFTER_SECONDS. Duplicates
    are harmless (every delivery is idempotent); retries in progress and
    given-up deliveries (they have Delivery rows) are left alone."""
    from notifications.publish import publish
    from notifications.tasks import deliver_message, dispatch

    cutoff = (now or timezone.now()) - timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS)
    events = list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for event_id in events:
        publish(dispatch, event_id)
    attempted = Delivery.objects.filter(message=OuterRef("pk"))
    messages = list(
        OutboxMessage.objects.filter(delivered_at__isnull=True, created_at__lte=cutoff)
        .filter(Q(outbox_event__isnull=True) | Q(outbox_event__dispatched_at__isnull=False))
        .exclude(Exists(attempted))
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for message_id in messages:
        publish(deliver_message, message_id)
    return {"events": len(events), "messages": len(messages)}
