"""Reads: a user's own notifications (nobody else's, whatever their roles),
the unread count of the bell, and the delivery state for operations."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from casework.accounts.models import User
from notifications.events import Rendered, case_numbers, render_message
from notifications.models import Channel, Delivery, DeliveryStatus, OutboxEvent, OutboxMessage, WebhookSubscriber


def notifications_of(user: User, *, unread: bool | None = None) -> QuerySet[OutboxMessage]:
    """The user's own notifications, newest first."""
    messages = OutboxMessage.objects.filter(recipient=user)
    if unread is True:
        messages = messages.filter(read_at__isnull=True)
    elif unread is False:
        messages = messages.filter(read_at__isnull=False)
    return messages.order_by("-created_at", "-pk")


def notification_of_or_404(user: User, pk: int) -> OutboxMessage:
    """One of the user's own notifications; anyone else's answers 404, the same as none."""
    message = OutboxMessage.objects.filter(pk=pk, recipient=user).first()
    if message is None:
        raise Http404
    return message


def unread_count(user: User) -> int:
    return OutboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()


def rendered(messages: Iterable[OutboxMessage]) -> list[tuple[OutboxMessage, Rendered]]:
    """Each message with its text in the active language; one query for the case numbers of all."""
    rows = list(messages)
    numbers = case_numbers((m.subject_type, m.subject_id) for m in rows)
    return [(m, render_message(m, numbers)) for m in rows]


def delivery_status(now: Any = None) -> dict[str, Any]:
    """What ``notifications_status`` prints: pending and failed work, paused
    subscribers, deliveries in the last 24 hours."""
    now = now or timezone.now()
    day_ago = now - timedelta(hours=24)
    undelivered = OutboxMessage.objects.filter(delivered_at__isnull=True)
    failed_attempt = Delivery.objects.filter(message=OuterRef("pk"), status=DeliveryStatus.FAILED)
    pending = undelivered.exclude(Exists(failed_attempt))
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    webhook_ok = Delivery.objects.filter(
        outbox_event=OuterRef("outbox_event"), subscriber=OuterRef("subscriber"), status=DeliveryStatus.OK
    )
    failed_webhooks = (
        Delivery.objects.filter(channel=Channel.WEBHOOK, status=DeliveryStatus.FAILED)
        .exclude(Exists(webhook_ok))
        .values("outbox_event", "subscriber")
        .distinct()
        .count()
    )
    failed_email = undelivered.filter(Exists(failed_attempt)).count()
    recent = Delivery.objects.filter(status=DeliveryStatus.OK, at__gte=day_ago)
    return {
        "pending": pending.count(),
        "pending_events": OutboxEvent.objects.filter(dispatched_at__isnull=True).count(),
        "oldest_pending_seconds": int((now - oldest).total_seconds()) if oldest else None,
        "failed": failed_email + failed_webhooks,
        "failed_email": failed_email,
        "failed_webhook": failed_webhooks,
        "paused_subscribers": WebhookSubscriber.objects.filter(active=False).count(),
        "active_subscribers": WebhookSubscriber.objects.filter(active=True).count(),
        "delivered_last_24h": OutboxMessage.objects.filter(delivered_at__gte=day_ago).count(),
        "emails_last_24h": recent.filter(channel=Channel.EMAIL).count(),
        "webhooks_last_24h": recent.filter(channel=Channel.WEBHOOK).count(),
    }
