"""The admin: retrying a failed delivery re-sends it (once, and not to a
paused subscriber); only with the permission; rotating a secret; the
subscriber form refuses other schemes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings

from casework.accounts.models import User
from notifications.models import Delivery, DeliveryStatus, OutboxMessage, WebhookSubscriber
from notifications.services import outbox_queue, webhook_subscriber_pause
from tests.notifications.conftest import unit_subject
from tests.notifications.test_email import FAILING

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

DELIVERIES = "/admin/notifications/delivery/"
SUBSCRIBERS = "/admin/notifications/webhooksubscriber/"


@pytest.fixture
def admin_user(client: Any) -> User:
    user = User.objects.create_superuser(username="root", email="root@example.org", password="admin-test-pass-2026")
    client.force_login(user)
    return user


def act(client: Any, url: str, action: str, *pks: int, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(url, {"action": action, "_selected_action": [str(pk) for pk in pks]}, follow=True)


@pytest.fixture
def failed_webhook(world, receiver, subscribe, announce) -> Delivery:
    subscribe(world.units["E1"], receiver.url())
    receiver.answers = [500]
    announce("hardship.payment_requested", unit_subject(world.units["E1"]), [], {"amount": "1"})
    return Delivery.objects.get(status=DeliveryStatus.FAILED)


def test_retry_resends_a_failed_webhook_delivery(
    client, admin_user, failed_webhook, receiver, django_capture_on_commit_callbacks
):
    listing = client.get(DELIVERIES)
    assert listing.status_code == 200 and receiver.url() in listing.content.decode()
    response = act(client, DELIVERIES, "retry", failed_webhook.pk, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "已重新排队1项投递。" in response.content.decode()
    assert receiver.count() == 2
    first, second = receiver.received
    assert first.header("X-Casework-Delivery") == second.header("X-Casework-Delivery")
    ok = Delivery.objects.get(status=DeliveryStatus.OK)
    assert (ok.outbox_event_id, ok.subscriber_id, ok.attempt) == (
        failed_webhook.outbox_event_id,
        failed_webhook.subscriber_id,
        2,
    )

    # Retrying it again: it has succeeded since, nothing is sent.
    response = act(client, DELIVERIES, "retry", failed_webhook.pk, capture=django_capture_on_commit_callbacks)
    assert "已重新排队0项投递。" in response.content.decode()
    assert receiver.count() == 2


def test_retry_does_not_send_to_a_paused_subscriber(
    client, admin_user, failed_webhook, receiver, django_capture_on_commit_callbacks
):
    webhook_subscriber_pause(subscriber=failed_webhook.subscriber, by=admin_user)
    act(client, DELIVERIES, "retry", failed_webhook.pk, capture=django_capture_on_commit_callbacks)
    assert receiver.count() == 1
    assert not Delivery.objects.filter(status=DeliveryStatus.OK).exists()


def test_retry_resends_a_failed_email(client, admin_user, mailoutbox, django_capture_on_commit_callbacks):
    user = User.objects.create_user(username="li", email="li@example.org")
    with override_settings(EMAIL_BACKEND=FAILING), django_capture_on_commit_callbacks(execute=True):
        outbox_queue(event="hardship.payment_requested", subject=("cases.case", "12"), recipients=[user])
    failed = Delivery.objects.get(status=DeliveryStatus.FAILED)
    assert mailoutbox == []
    act(client, DELIVERIES, "retry", failed.pk, capture=django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [["li@example.org"]]
    assert OutboxMessage.objects.get().delivered_at is not None
    act(client, DELIVERIES, "retry", failed.pk, capture=django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1


def test_retry_needs_the_permission(client, failed_webhook, receiver, django_capture_on_commit_callbacks):
    viewer = User.objects.create_user(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    client.force_login(viewer)
    assert client.get(DELIVERIES).status_code == 200
    act(client, DELIVERIES, "retry", failed_webhook.pk, capture=django_capture_on_commit_callbacks)
    assert receiver.count() == 1
    assert not Delivery.objects.filter(status=DeliveryStatus.OK).exists()


def test_rotate_secret_shows_a_new_one_once(
    client, admin_user, world, receiver, subscribe, django_capture_on_commit_callbacks
):
    subscriber = subscribe(world.units["E1"], receiver.url())
    old = subscriber.secret
    listing = client.get(SUBSCRIBERS).content.decode()
    assert old not in listing and subscriber.masked_secret in listing
    response = act(client, SUBSCRIBERS, "rotate_secret", subscriber.pk, capture=django_capture_on_commit_callbacks)
    subscriber.refresh_from_db()
    assert subscriber.secret != old
    assert subscriber.secret in response.content.decode()
    assert subscriber.secret not in client.get(SUBSCRIBERS).content.decode()  # shown that once only


@pytest.mark.parametrize("url", ["ftp://example.org/hook", "javascript:alert(1)"])
def test_the_subscriber_form_refuses_other_schemes(client, admin_user, world, owner, url):
    before = WebhookSubscriber.objects.count()
    response = client.post(
        f"{SUBSCRIBERS}add/",
        {"unit": world.units["E1"].pk, "url": url, "owner": owner.pk, "description": ""},
    )
    assert response.status_code == 200  # the form again, with its error
    assert WebhookSubscriber.objects.count() == before
    created = client.post(
        f"{SUBSCRIBERS}add/",
        {"unit": world.units["E1"].pk, "url": "https://example.org/hook", "owner": owner.pk, "description": ""},
        follow=True,
    )
    assert WebhookSubscriber.objects.count() == before + 1
    secret = WebhookSubscriber.objects.latest("pk").secret
    assert secret in created.content.decode()  # shown once, when created
