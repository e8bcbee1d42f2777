"""Webhooks against a real HTTP server: who receives what, the signature,
one delivery id across attempts, at most once, backoff, the pause after
repeated failures and the resume that re-sends what was missed, redirects,
and the URLs a subscriber may have."""

from __future__ import annotations

import time
from typing import Any

import pytest
from celery.exceptions import Retry
from django.db import transaction
from django.test import override_settings

from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from notifications import signing
from notifications.channels import webhook_delivery_id
from notifications.delivery import backoff, event_dispatch, webhook_deliver
from notifications.models import Channel, Delivery, DeliveryStatus, OutboxEvent, OutboxMessage, WebhookSubscriber
from notifications.services import (
    outbox_queue,
    webhook_subscriber_pause,
    webhook_subscriber_resume,
    webhook_subscriber_rotate_secret,
    webhook_subscriber_save,
)
from notifications.tasks import deliver_webhook
from tests.hardship.test_flow import submit
from tests.notifications.conftest import unit_subject

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

PAYLOAD = {"number": "KN-2026-0001", "amount": "500.00"}


def delivered(subscriber: WebhookSubscriber) -> list[tuple[int, str]]:
    return list(Delivery.objects.filter(subscriber=subscriber).order_by("pk").values_list("outbox_event_id", "status"))


def test_the_subscribers_of_the_cases_unit_and_above_receive_it_the_neighbours_do_not(
    world, staff, receiver, subscribe, django_capture_on_commit_callbacks
):
    for code in ("D1", "S1", "E1", "S2", "E2", "D2", "S3"):
        subscribe(world.units[code], receiver.url(f"/{code}"))
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(world, staff)  # a worker of E1 (under S1, under D1)
    assert case.unit_id == world.units["E1"].pk
    for code in ("D1", "S1", "E1"):
        [request] = receiver.at(f"/{code}")
        body = request.json()
        assert body["event"] == "hardship.submitted"
        assert body["subject"]["type"] == "cases.case" and body["subject"]["id"] == str(case.pk)
    for code in ("S2", "E2", "D2", "S3"):
        assert receiver.at(f"/{code}") == []
    event = OutboxEvent.objects.get(event="hardship.submitted")
    assert event.unit_path == case.unit_path
    assert Delivery.objects.filter(channel=Channel.WEBHOOK, status=DeliveryStatus.OK).count() == 3


def test_the_body_is_signed_and_the_signature_verifies(world, receiver, subscribe, announce):
    subscriber = subscribe(world.units["S1"], receiver.url())
    announce("hardship.payment_requested", unit_subject(world.units["E1"]), [], PAYLOAD)
    [request] = receiver.received
    event = OutboxEvent.objects.get()
    header = request.header(signing.HEADER)
    stamp = int(header.split(",")[0].removeprefix("t="))
    assert signing.verify(subscriber.secret, request.body, header)
    assert not signing.verify("not-the-secret", request.body, header)
    assert not signing.verify(subscriber.secret, request.body + b" ", header)
    altered = request.body.replace(b"500.00", b"900.00")
    assert altered != request.body and not signing.verify(subscriber.secret, altered, header)
    # Old (replayed) timestamps are refused; within the tolerance it passes.
    assert not signing.verify(subscriber.secret, request.body, header, now=stamp + signing.DEFAULT_TOLERANCE + 1)
    assert signing.verify(subscriber.secret, request.body, header, now=stamp + signing.DEFAULT_TOLERANCE - 1)
    assert not signing.verify(subscriber.secret, request.body, header, now=stamp - signing.DEFAULT_TOLERANCE - 1)
    # What was signed is what the docs say: HMAC-SHA256 of "t." + body.
    assert header == f"t={stamp},v1={signing.signature(subscriber.secret, request.body, stamp)}"
    assert request.header("Content-Type") == "application/json; charset=utf-8"
    assert request.header("X-Casework-Event") == "hardship.payment_requested"
    body = request.json()
    assert body["id"] == str(event.uuid)
    assert body["payload"] == PAYLOAD
    assert body["title"] == "待审核发放：—，500.00元"  # a unit is not a case: no case number
    assert body["subject"] == {"type": "org.unit", "id": str(world.units["E1"].pk), "url": None}


@pytest.mark.parametrize(
    "header",
    [
        "",
        "v1=abc",
        "t=1,t=2,v1=abc",
        "t=abc,v1=abc",
        "t=١٢٣,v1=abc",  # non-ASCII digits
        "t={now},v1=ü",  # a non-ASCII signature
        "t={now}",
    ],
)
def test_malformed_signature_headers_are_refused_not_raised(header):
    now = int(time.time())
    assert signing.verify("secret", b"{}", header.format(now=now)) is False


def test_the_delivery_id_is_the_same_for_every_attempt(world, receiver, subscribe, announce):
    subscriber = subscribe(world.units["E1"], receiver.url("/a"))
    other = subscribe(world.units["E1"], receiver.url("/b"))
    receiver.answers = [500]  # the first request (subscribers go in order: /a) fails
    announce("hardship.payment_requested", unit_subject(world.units["E1"]), [], PAYLOAD)
    event = OutboxEvent.objects.get()
    assert delivered(subscriber) == [(event.pk, DeliveryStatus.FAILED)]
    assert delivered(other) == [(event.pk, DeliveryStatus.OK)]
    assert webhook_deliver(event.pk, subscriber.pk, retrying=False).status == "sent"
    first, second = receiver.at("/a")
    expected = str(webhook_delivery_id(event, subscriber.pk))
    assert first.header("X-Casework-Delivery") == second.header("X-Casework-Delivery") == expected
    assert first.body == second.body
    ids = Delivery.objects.filter(subscriber=subscriber).values_list("delivery_id", flat=True)
    assert [str(i) for i in ids] == [expected, expected]
    # Each subscriber has its own.
    [theirs] = receiver.at("/b")
    assert theirs.header("X-Casework-Delivery") == str(webhook_delivery_id(event, other.pk)) != expected


def test_delivering_twice_sends_once(world, receiver, subscribe, announce):
    subscriber = subscribe(world.units["E1"], receiver.url())
    announce("hardship.payment_requested", unit_subject(world.units["E1"]), [], PAYLOAD)
    event = OutboxEvent.objects.get()
    assert webhook_deliver(event.pk, subscriber.pk, retrying=False).status == "already"
    assert deliver_webhook.delay(event.pk, subscriber.pk).get() == "already"
    assert event_dispatch(event.pk) == {"messages": 0, "webhooks": 0}
    assert receiver.count() == 1
    assert delivered(subscriber) == [(event.pk, DeliveryStatus.OK)]


@override_settings(NOTIFICATIONS_RETRY_BASE_SECONDS=10, NOTIFICATIONS_RETRY_MAX_SECONDS=60)
def test_backoff_doubles_and_is_capped():
    assert [backoff(attempt) for attempt in range(1, 8)] == [10, 20, 40, 60, 60, 60, 60]
    with override_settings(NOTIFICATIONS_RETRY_BASE_SECONDS=1.5, NOTIFICATIONS_RETRY_MAX_SECONDS=1000):
        assert [backoff(attempt) for attempt in range(1, 5)] == [2, 3, 6, 12]


@override_settings(
    NOTIFICATIONS_RETRY_BASE_SECONDS=10,
    NOTIFICATIONS_RETRY_MAX_SECONDS=60,
    NOTIFICATIONS_MAX_ATTEMPTS=5,
    NOTIFICATIONS_PAUSE_AFTER_FAILURES=100,
)
def test_failed_attempts_record_the_next_retry(world, receiver, subscribe):
    subscriber = subscribe(world.units["E1"], receiver.url())
    receiver.status = 503
    with transaction.atomic():
        outbox_queue(event="hardship.payment_requested", subject=unit_subject(world.units["E1"]), recipients=[])
    event = OutboxEvent.objects.get()
    outcomes = [webhook_deliver(event.pk, subscriber.pk, retrying=True) for _ in range(5)]
    assert [o.retry_in for o in outcomes] == [10, 20, 40, 60, None]  # none after the last attempt
    rows = list(Delivery.objects.order_by("pk").values_list("attempt", "status", "status_code", "retry_in", "error"))
    assert rows == [
        (1, "failed", 503, 10, "HTTP 503"),
        (2, "failed", 503, 20, "HTTP 503"),
        (3, "failed", 503, 40, "HTTP 503"),
        (4, "failed", 503, 60, "HTTP 503"),
        (5, "failed", 503, None, "HTTP 503"),
    ]
    assert receiver.count() == 5


@override_settings(NOTIFICATIONS_RETRY_BASE_SECONDS=10, NOTIFICATIONS_PAUSE_AFTER_FAILURES=100)
def test_under_a_worker_the_task_asks_celery_to_retry_after_the_backoff(world, receiver, subscribe, monkeypatch):
    subscriber = subscribe(world.units["E1"], receiver.url())
    receiver.status = 500
    with transaction.atomic():
        outbox_queue(event="hardship.payment_requested", subject=unit_subject(world.units["E1"]), recipients=[])
    event = OutboxEvent.objects.get()
    monkeypatch.setattr("notifications.tasks._retrying", lambda: True)  # as under a worker
    with pytest.raises(Retry) as first:
        deliver_webhook.apply(args=(event.pk, subscriber.pk))
    with pytest.raises(Retry) as second:
        deliver_webhook.apply(args=(event.pk, subscriber.pk))
    assert (first.value.when, second.value.when) == (10, 20)
    assert receiver.count() == 2


def test_a_redirect_is_a_failure_and_is_not_followed(world, receiver, subscribe, announce):
    subscriber = subscribe(world.units["E1"], receiver.url())
    receiver.status = 302
    announce("hardship.payment_requested", unit_subject(world.units["E1"]), [], PAYLOAD)
    assert [r.path for r in receiver.received] == ["/hook"]  # /elsewhere was never asked
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.status_code, delivery.error) == (DeliveryStatus.FAILED, 302, "HTTP 302")
    subscriber.refresh_from_db()
    assert subscriber.consecutive_failures == 1 and subscriber.failing_since is not None


def test_an_unreachable_receiver_is_a_failure(world, receiver, subscribe, announce):
    url = receiver.url()
    receiver.stop()  # nothing listens there any more
    subscribe(world.units["E1"], url)
    announce("hardship.payment_requested", unit_subject(world.units["E1"]), [], PAYLOAD)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.status_code is None and delivery.error


@override_settings(NOTIFICATIONS_PAUSE_AFTER_FAILURES=3)
def test_repeated_failures_pause_the_subscriber_and_tell_its_owner(
    world, receiver, subscribe, announce, owner, mailoutbox
):
    unit = world.units["S1"]
    unit.name = "O'Neil & Co 街道工会"  # what a subject line must not HTML-escape
    unit.save(update_fields=["name"])
    subscriber = subscribe(unit, receiver.url())
    bystander = subscribe(world.units["S2"], receiver.url("/s2"))
    receiver.status = 500
    for _ in range(2):
        announce("hardship.payment_requested", unit_subject(world.units["E1"]), [], PAYLOAD)
    subscriber.refresh_from_db()
    assert subscriber.active and subscriber.consecutive_failures == 2
    assert not OutboxMessage.objects.filter(event="webhook.paused").exists()

    announce("hardship.payment_requested", unit_subject(world.units["E1"]), [], PAYLOAD)  # the third failure
    subscriber.refresh_from_db()
    assert not subscriber.active and subscriber.paused_at is not None and subscriber.consecutive_failures == 3
    entry = LedgerEntry.objects.get(action="notifications.webhook_paused")
    assert (entry.subject_type, entry.subject_id, entry.actor_id) == (
        "notifications.webhooksubscriber",
        str(subscriber.pk),
        None,
    )
    assert entry.payload["failures"] == 3
    [told] = OutboxMessage.objects.filter(event="webhook.paused")
    assert told.recipient_id == owner.pk
    assert told.payload == {"unit": unit.name, "host": receiver.host, "failures": 3}
    [mail] = mailoutbox
    assert mail.to == [owner.email]
    assert mail.subject == "【工会维权帮扶工作平台】Webhook 已暂停：O'Neil & Co 街道工会"
    assert f"发往{receiver.host}的 Webhook 连续3次发送失败，已自动暂停。" in mail.body
    assert [d.retry_in for d in Delivery.objects.filter(subscriber=subscriber).order_by("pk")] == [None, None, None]
    assert bystander.active  # only the failing one

    # Paused: the next event is not sent to it at all.
    before = receiver.count()
    announce("hardship.payment_requested", unit_subject(world.units["E1"]), [], PAYLOAD)
    assert receiver.count() == before
    assert Delivery.objects.filter(subscriber=subscriber).count() == 3
    last = OutboxEvent.objects.filter(event="hardship.payment_requested").latest("pk")
    assert webhook_deliver(last.pk, subscriber.pk, retrying=True).status == "paused"
    assert receiver.count() == before


@override_settings(NOTIFICATIONS_PAUSE_AFTER_FAILURES=2)
def test_resume_resends_every_missed_event_once_in_order(
    world, receiver, subscribe, announce, owner, django_capture_on_commit_callbacks
):
    subscriber = subscribe(world.units["D1"], receiver.url())
    subject = unit_subject(world.units["E1"])
    receiver.status = 500
    announce("hardship.payment_requested", subject, [], {"n": 1})
    announce("hardship.payment_requested", subject, [], {"n": 2})  # paused here
    announce("hardship.payment_requested", subject, [], {"n": 3})  # while paused
    announce("hardship.payment_requested", subject, [], {"n": 4})
    announce("hardship.payment_requested", unit_subject(world.units["D2"]), [], {"n": 99})  # not under D1
    subscriber.refresh_from_db()
    assert not subscriber.active
    assert receiver.count() == 2

    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        resent = webhook_subscriber_resume(subscriber=subscriber, by=owner)
    assert resent == 4
    assert [r.json()["payload"]["n"] for r in receiver.received[2:]] == [1, 2, 3, 4]
    subscriber.refresh_from_db()
    assert subscriber.active and subscriber.consecutive_failures == 0 and subscriber.failing_since is None
    entry = LedgerEntry.objects.get(action="notifications.webhook_resumed")
    assert entry.payload["resent"] == 4 and entry.actor_id == owner.pk
    ours = OutboxEvent.objects.filter(payload__n__in=[1, 2, 3, 4]).order_by("pk")
    for event in ours:
        assert Delivery.objects.filter(outbox_event=event, subscriber=subscriber, status="ok").count() == 1

    # Once: delivering or resuming again sends nothing more.
    for event in ours:
        assert webhook_deliver(event.pk, subscriber.pk, retrying=False).status == "already"
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_subscriber_resume(subscriber=subscriber, by=owner) == 0
    assert receiver.count() == 6


def test_a_subscriber_paused_by_hand_gets_nothing_and_nobody_is_told(world, receiver, subscribe, announce, owner):
    subscriber = subscribe(world.units["E1"], receiver.url())
    webhook_subscriber_pause(subscriber=subscriber, by=owner, reason="接收方维护")
    announce("hardship.payment_requested", unit_subject(world.units["E1"]), [], PAYLOAD)
    assert receiver.count() == 0
    assert not OutboxMessage.objects.filter(event="webhook.paused").exists()
    assert LedgerEntry.objects.get(action="notifications.webhook_paused").actor_id == owner.pk


@pytest.mark.parametrize(
    "url", ["ftp://example.org/hook", "javascript:alert(1)", "file:///etc/passwd", "example.org/hook", ""]
)
def test_a_bad_url_is_refused_and_nothing_changes(world, owner, subscribe, url):
    def state() -> tuple[Any, ...]:
        return (
            list(WebhookSubscriber.objects.order_by("pk").values_list("pk", "url", "secret")),
            LedgerEntry.objects.count(),
        )

    existing = subscribe(world.units["E1"], "https://example.org/hook")
    before = state()
    with pytest.raises(RuleViolation) as error:
        webhook_subscriber_save(subscriber=WebhookSubscriber(unit=world.units["E1"], url=url, owner=owner), by=owner)
    assert (error.value.field, error.value.code) == ("url", "webhook.url_invalid")
    assert "接收地址" in str(error.value.message)
    assert state() == before
    existing.url = url
    with pytest.raises(RuleViolation) as changed:
        webhook_subscriber_save(subscriber=existing, by=owner)
    assert changed.value.field == "url"
    assert state() == before


def test_a_new_subscriber_gets_a_secret_shown_once_and_a_rotated_one_differs(world, owner, receiver, announce):
    subscriber = WebhookSubscriber(unit=world.units["E1"], url=receiver.url(), owner=owner)
    secret = webhook_subscriber_save(subscriber=subscriber, by=owner)
    assert secret and len(secret) == 64 and subscriber.masked_secret == f"{secret[:4]}…"
    assert webhook_subscriber_save(subscriber=subscriber, by=owner) is None  # a change shows nothing
    rotated = webhook_subscriber_rotate_secret(subscriber=subscriber, by=owner)
    assert rotated != secret
    subscriber.refresh_from_db()
    assert subscriber.secret == rotated
    announce("hardship.payment_requested", unit_subject(world.units["E1"]), [], PAYLOAD)
    [request] = receiver.received
    header = request.header(signing.HEADER)
    assert signing.verify(rotated, request.body, header)
    assert not signing.verify(secret, request.body, header)
    actions = list(
        LedgerEntry.objects.filter(subject_type="notifications.webhooksubscriber")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "notifications.webhook_created",
        "notifications.webhook_changed",
        "notifications.webhook_secret_rotated",
    ]
    assert secret not in str(
        LedgerEntry.objects.filter(subject_type="notifications.webhooksubscriber").values_list("payload", flat=True)
    )
