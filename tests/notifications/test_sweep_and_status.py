"""The sweep (what the broker never got is sent once it is old enough, once)
and ``manage.py notifications_status``."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from casework.accounts.models import User
from notifications.delivery import event_dispatch, message_deliver, pending_sweep
from notifications.models import Delivery, DeliveryStatus, OutboxEvent, OutboxMessage
from notifications.services import outbox_queue, webhook_subscriber_resume
from tests.notifications.conftest import unit_subject
from tests.notifications.test_email import FAILING

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def queue_unsent(event: str, subject: tuple[str, str], recipients: list[User], ago: int = 0) -> OutboxEvent:
    """Queued in the test's transaction, whose after-commit publish never runs:
    as when the broker was down at commit. ``ago`` seconds old."""
    outbox_queue(event=event, subject=subject, recipients=recipients, payload={"amount": "1"})
    occurrence = OutboxEvent.objects.latest("pk")
    if ago:
        then = timezone.now() - timedelta(seconds=ago)
        OutboxEvent.objects.filter(pk=occurrence.pk).update(created_at=then)
        OutboxMessage.objects.filter(outbox_event=occurrence).update(created_at=then)
    return occurrence


@override_settings(NOTIFICATIONS_SWEEP_AFTER_SECONDS=30)
def test_the_sweep_sends_old_undispatched_events_once_and_leaves_fresh_ones(world, receiver, subscribe, mailoutbox):
    subscribe(world.units["S1"], receiver.url())
    user = User.objects.create_user(username="li", email="li@example.org")
    old = queue_unsent("hardship.payment_requested", unit_subject(world.units["E1"]), [user], ago=60)
    fresh = queue_unsent("hardship.payment_requested", unit_subject(world.units["E1"]), [user], ago=5)

    assert pending_sweep() == {"events": 1, "messages": 0}
    assert len(mailoutbox) == 1
    assert [r.json()["id"] for r in receiver.received] == [str(old.uuid)]
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.dispatched_at is not None and fresh.dispatched_at is None
    assert OutboxMessage.objects.get(outbox_event=fresh).delivered_at is None

    # Twice: nothing more.
    assert pending_sweep() == {"events": 0, "messages": 0}
    assert len(mailoutbox) == 1 and receiver.count() == 1

    # Once the fresh one is old enough, it goes too.
    assert pending_sweep(now=timezone.now() + timedelta(seconds=30)) == {"events": 1, "messages": 0}
    assert len(mailoutbox) == 2 and receiver.count() == 2
    assert Delivery.objects.filter(status=DeliveryStatus.OK).count() == 4  # two e-mails, two webhooks


@override_settings(NOTIFICATIONS_SWEEP_AFTER_SECONDS=30)
def test_the_sweep_sends_messages_never_attempted_and_leaves_failed_ones_to_their_retries(mailoutbox):
    never = User.objects.create_user(username="never", email="never@example.org")
    failing = User.objects.create_user(username="failing", email="failing@example.org")
    occurrence = queue_unsent("hardship.payment_requested", ("cases.case", "12"), [never, failing], ago=60)
    # Dispatched, but the e-mail tasks were lost; one of them was tried once and failed.
    OutboxEvent.objects.filter(pk=occurrence.pk).update(dispatched_at=timezone.now())
    tried = OutboxMessage.objects.get(recipient=failing)
    with override_settings(EMAIL_BACKEND=FAILING):
        assert message_deliver(tried.pk, retrying=True).status == "failed"
    young = queue_unsent("hardship.payment_requested", ("cases.case", "13"), [never], ago=0)
    OutboxEvent.objects.filter(pk=young.pk).update(dispatched_at=timezone.now())

    assert pending_sweep() == {"events": 0, "messages": 1}
    assert [m.to for m in mailoutbox] == [["never@example.org"]]
    assert OutboxMessage.objects.get(outbox_event=occurrence, recipient=never).delivered_at is not None
    assert OutboxMessage.objects.get(outbox_event=young).delivered_at is None
    tried.refresh_from_db()
    assert tried.delivered_at is None

    assert pending_sweep() == {"events": 0, "messages": 0}
    assert len(mailoutbox) == 1


@override_settings(NOTIFICATIONS_SWEEP_AFTER_SECONDS=30)
def test_the_sweep_leaves_messages_of_undispatched_events_to_their_event(mailoutbox):
    user = User.objects.create_user(username="li", email="li@example.org")
    queue_unsent("hardship.payment_requested", ("cases.case", "12"), [user], ago=60)
    # The event is swept (and mails its message); the message is not sent a second way.
    assert pending_sweep() == {"events": 1, "messages": 0}
    assert len(mailoutbox) == 1


def status() -> dict[str, Any]:
    out = io.StringIO()
    call_command("notifications_status", stdout=out)
    return json.loads(out.getvalue())


def counts(data: dict[str, Any]) -> dict[str, Any]:
    keys = ("pending", "pending_events", "failed", "failed_email", "failed_webhook", "paused_subscribers")
    return {key: data[key] for key in keys}


@override_settings(NOTIFICATIONS_PAUSE_AFTER_FAILURES=1)
def test_notifications_status_counts_pending_failed_and_paused(
    world, receiver, subscribe, owner, mailoutbox, django_capture_on_commit_callbacks
):
    zero = {"pending": 0, "pending_events": 0, "failed": 0, "failed_email": 0, "failed_webhook": 0}
    assert counts(status()) == {**zero, "paused_subscribers": 0}
    assert status()["oldest_pending_seconds"] is None

    mailed = User.objects.create_user(username="mailed", email="mailed@example.org")
    in_app = User.objects.create_user(username="in-app")
    occurrence = queue_unsent("hardship.payment_requested", ("cases.case", "12"), [mailed, in_app], ago=90)
    data = status()
    assert counts(data) == {**zero, "pending": 2, "pending_events": 1, "paused_subscribers": 0}
    assert data["oldest_pending_seconds"] >= 90

    with override_settings(EMAIL_BACKEND=FAILING):
        event_dispatch(occurrence.pk)  # the in-app one is delivered, the e-mail fails
    assert counts(status()) == {**zero, "failed": 1, "failed_email": 1, "paused_subscribers": 0}

    subscriber = subscribe(world.units["E1"], receiver.url())
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        outbox_queue(event="hardship.payment_requested", subject=unit_subject(world.units["E1"]), recipients=[])
    data = status()
    assert counts(data) == {**zero, "failed": 2, "failed_email": 1, "failed_webhook": 1, "paused_subscribers": 1}
    assert data["active_subscribers"] == 0

    # Both recover.
    message = OutboxMessage.objects.get(recipient=mailed)
    assert message_deliver(message.pk, retrying=False).status == "sent"
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        webhook_subscriber_resume(subscriber=subscriber, by=owner)
    data = status()
    assert counts(data) == {**zero, "paused_subscribers": 0}
    assert data["active_subscribers"] == 1
    assert (data["emails_last_24h"], data["webhooks_last_24h"]) == (2, 1)  # and the owner's "paused" e-mail
    assert data["delivered_last_24h"] == OutboxMessage.objects.count() == 3
