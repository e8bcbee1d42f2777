"""Queueing notifications, inside the caller's transaction (a change that
rolls back never notifies anyone), and what users and administrators change:
read marks, preferences, webhook subscribers."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.ledger.services import json_safe, ledger_append
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    NotificationPreference,
    OutboxEvent,
    OutboxMessage,
    WebhookSubscriber,
    http_url,
    new_secret,
)

logger = logging.getLogger(__name__)
# Rows per INSERT when many events are queued at once.
BULK_BATCH = 500


@dataclass(frozen=True)
class Announcement:
    """One change to announce: what ``outbox_queue`` takes, for ``outbox_queue_many``."""

    event: str
    subject: tuple[str, str]
    recipients: Iterable[User]
    payload: dict[str, Any] | None = None


def outbox_queue(
    *, event: str, subject: tuple[str, str], recipients: Iterable[User], payload: dict[str, Any] | None = None
) -> list[OutboxMessage]:
    """Write the event and one outbox row per distinct, active recipient, and
    deliver them once the transaction commits. Must run inside the
    transaction of the change it announces."""
    return outbox_queue_many([Announcement(event, subject, recipients, payload)])


def outbox_queue_many(announcements: Iterable[Announcement]) -> list[OutboxMessage]:
    """``outbox_queue`` for many changes of one transaction (a campaign
    opening a case per enterprise): the events, then all their rows, in one
    statement each; each event is delivered on its own after commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_queue must run inside the transaction of the change it announces")
    wanted = [(a, json_safe(a.payload or {})) for a in announcements]
    occurrences = OutboxEvent.objects.bulk_create(
        [
            OutboxEvent(event=a.event, subject_type=a.subject[0], subject_id=a.subject[1], payload=data)
            for a, data in wanted
        ],
        batch_size=BULK_BATCH,
    )
    rows = []
    for (announcement, data), occurrence in zip(wanted, occurrences, strict=True):
        seen: set[int] = set()
        for user in announcement.recipients:
            if user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            rows.append(
                OutboxMessage(
                    event=announcement.event,
                    subject_type=announcement.subject[0],
                    subject_id=announcement.subject[1],
                    recipient=user,
                    payload=data,
                    outbox_event=occurrence,
                )
            )
    created = OutboxMessage.objects.bulk_create(rows, batch_size=BULK_BATCH)
    for occurrence in occurrences:
        transaction.on_commit(partial(dispatch_after_commit, occurrence.pk), robust=True)
    return created


def dispatch_after_commit(event_id: int) -> bool:
    """Send the delivery task of one event; never raises (the sweep sends what this could not)."""
    from notifications.publish import publish
    from notifications.tasks import dispatch

    return publish(dispatch, event_id, quiet=True)


# Read marks.


def notification_mark_read(*, message: OutboxMessage, by: User) -> OutboxMessage:
    """Mark one of ``by``'s own notifications read (once: a second mark keeps the first time)."""
    if message.recipient_id != by.pk:
        raise RuntimeError("a notification is marked read by its recipient only")
    if message.read_at is None:
        now = timezone.now()
        OutboxMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
        message.read_at = now
    return message


def notifications_mark_all_read(*, by: User) -> int:
    """Mark every unread notification of ``by`` read; returns how many."""
    return OutboxMessage.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())


# Preferences.


def preference_of(user: User) -> NotificationPreference:
    """The user's preferences, or the defaults (not saved) when they never set any."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)


def preference_set(*, user: User, email_enabled: bool, language: str, by: User) -> NotificationPreference:
    """Save how ``user`` is told: e-mail on or off, and the language of e-mails."""
    if by.pk != user.pk:
        raise RuntimeError("preferences are set by their user")
    if language not in dict(settings.LANGUAGES):
        raise RuleViolation(
            _("通知语言：只能是%(choices)s之一。") % {"choices": "、".join(str(n) for _c, n in settings.LANGUAGES)},
            code="notifications.language_unknown",
            field="language",
        )
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_enabled": email_enabled, "language": language}
    )
    return preference


# Webhook subscribers.


def check_webhook_url(url: str) -> str:
    url = url.strip()
    try:
        http_url(url)
    except ValidationError:
        raise RuleViolation(
            _("接收地址：只能是 http:// 或 https:// 开头的网址。"), code="webhook.url_invalid", field="url"
        ) from None
    return url


def webhook_subscriber_save(*, subscriber: WebhookSubscriber, by: User | None) -> str | None:
    """Create or change a subscriber (its URL checked: http or https only).
    Returns the new signing secret when it was created, the only time it is
    shown in full; None for a change."""
    subscriber.url = check_webhook_url(subscriber.url)
    created = subscriber.pk is None
    with transaction.atomic():
        if created:
            subscriber.secret = new_secret()
        subscriber.save()
        ledger_append(
            action="notifications.webhook_created" if created else "notifications.webhook_changed",
            subject=subscriber,
            subject_unit=subscriber.unit,
            by=by,
            payload={"host": urlsplit(subscriber.url).netloc, "owner": subscriber.owner_id},
        )
    return subscriber.secret if created else None


def webhook_subscriber_rotate_secret(*, subscriber: WebhookSubscriber, by: User | None) -> str:
    """Give the subscriber a new signing secret and return it (shown once)."""
    with transaction.atomic():
        fresh = WebhookSubscriber.objects.select_for_update().get(pk=subscriber.pk)
        fresh.secret = new_secret()
        fresh.save(update_fields=["secret"])
        ledger_append(action="notifications.webhook_secret_rotated", subject=fresh, subject_unit=fresh.unit, by=by)
    return fresh.secret


def webhook_subscriber_pause(*, subscriber: WebhookSubscriber, by: User | None, reason: str = "") -> WebhookSubscriber:
    """Stop sending to a subscriber. ``by`` None: paused automatically after
    too many consecutive failures, and its owner is told (``webhook.paused``).
    Must run inside a transaction when automatic (the caller's lock)."""
    with transaction.atomic():
        fresh = WebhookSubscriber.objects.select_for_update().select_related("unit").get(pk=subscriber.pk)
        if not fresh.active:
            return fresh
        fresh.active, fresh.paused_at = False, timezone.now()
        fresh.save(update_fields=["active", "paused_at"])
        ledger_append(
            action="notifications.webhook_paused",
            subject=fresh,
            subject_unit=fresh.unit,
            by=by,
            reason=reason,
            payload={"failures": fresh.consecutive_failures},
        )
        if by is None:
            outbox_queue(
                event="webhook.paused",
                subject=("notifications.webhooksubscriber", str(fresh.pk)),
                recipients=[fresh.owner],
                payload={
                    "unit": fresh.unit.name,
                    "host": urlsplit(fresh.url).netloc,
                    "failures": fresh.consecutive_failures,
                },
            )
    return fresh


def webhook_subscriber_resume(*, subscriber: WebhookSubscriber, by: User | None) -> int:
    """Send to a paused subscriber again: its failure count starts over, and
    every event under its unit since its failures began that it has not
    received is sent again (in order). Returns how many."""
    from notifications.publish import publish
    from notifications.tasks import deliver_webhook

    with transaction.atomic():
        fresh = WebhookSubscriber.objects.select_for_update().select_related("unit").get(pk=subscriber.pk)
        since = fresh.failing_since or fresh.paused_at
        fresh.active, fresh.paused_at = True, None
        fresh.consecutive_failures, fresh.failing_since = 0, None
        fresh.save(update_fields=["active", "paused_at", "consecutive_failures", "failing_since"])
        missed: list[int] = []
        if since is not None:
            received = Delivery.objects.filter(outbox_event=OuterRef("pk"), subscriber=fresh, status=DeliveryStatus.OK)
            # The events that failed were created before their first failed
            # attempt (``failing_since``): created since then or failed since then.
            failed = Delivery.objects.filter(
                outbox_event=OuterRef("pk"), subscriber=fresh, status=DeliveryStatus.FAILED, at__gte=since
            )
            missed = list(
                OutboxEvent.objects.filter(
                    Q(created_at__gte=since) | Q(Exists(failed)),
                    dispatched_at__isnull=False,
                    unit_path__startswith=fresh.unit.path,
                )
                .exclude(unit_path="")
                .exclude(Exists(received))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        ledger_append(
            action="notifications.webhook_resumed",
            subject=fresh,
            subject_unit=fresh.unit,
            by=by,
            payload={"resent": len(missed)},
        )
        for event_id in missed:
            transaction.on_commit(partial(publish, deliver_webhook, event_id, fresh.pk, quiet=True), robust=True)
    return len(missed)


def delivery_retry(*, delivery: Delivery, by: User | None) -> bool:
    """Try a failed delivery again (one more attempt, then the usual
    backoff while attempts remain). False when there is nothing to retry:
    it has succeeded since, or its subscriber is paused."""
    from notifications.publish import publish
    from notifications.tasks import deliver_message, deliver_webhook

    if delivery.status != DeliveryStatus.FAILED:
        return False
    if delivery.channel == Channel.EMAIL and delivery.message_id is not None:
        pending = OutboxMessage.objects.filter(pk=delivery.message_id, delivered_at__isnull=True).exists()
        if pending:
            transaction.on_commit(partial(publish, deliver_message, delivery.message_id, quiet=True), robust=True)
        return pending
    if delivery.subscriber_id is None or delivery.outbox_event_id is None:
        return False
    done = Delivery.objects.filter(
        outbox_event_id=delivery.outbox_event_id, subscriber_id=delivery.subscriber_id, status=DeliveryStatus.OK
    ).exists()
    active = WebhookSubscriber.objects.filter(pk=delivery.subscriber_id, active=True).exists()
    if done or not active:
        return False
    transaction.on_commit(
        partial(publish, deliver_webhook, delivery.outbox_event_id, delivery.subscriber_id, quiet=True), robust=True
    )
    return True
