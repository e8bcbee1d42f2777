"""Two deliveries of the same thing at once send it once (PostgreSQL: real
concurrent transactions; the row locks are what make it so)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from casework.accounts.models import User
from casework.org.models import UnitKind
from notifications.delivery import message_deliver, webhook_deliver
from notifications.models import Delivery, DeliveryStatus, OutboxEvent, OutboxMessage
from tests.services import require_postgres
from tests.web.helpers import make_unit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager")]


def twice_at_once(deliver: Callable[[], Any]) -> list[str]:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(deliver().status)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return sorted(outcomes)


def test_one_webhook_delivered_twice_at_once_is_sent_once(receiver, subscribe):
    require_postgres()
    unit = make_unit("C1", "并发区总工会", UnitKind.DISTRICT)
    subscriber = subscribe(unit, receiver.url())
    # The rows outbox_queue writes, without its after-commit dispatch.
    event = OutboxEvent.objects.create(
        event="hardship.payment_requested", subject_type="org.unit", subject_id=str(unit.pk)
    )
    receiver.delay = 0.5  # the first holds the subscriber's lock while the second arrives
    outcomes = twice_at_once(lambda: webhook_deliver(event.pk, subscriber.pk, retrying=False))
    assert outcomes == ["already", "sent"]
    assert receiver.count() == 1
    assert Delivery.objects.filter(status=DeliveryStatus.OK).count() == 1


def test_one_email_delivered_twice_at_once_is_sent_once(mailoutbox):
    require_postgres()
    user = User.objects.create_user(username="li", email="li@example.org")
    event = OutboxEvent.objects.create(event="hardship.payment_requested", subject_type="cases.case", subject_id="12")
    message = OutboxMessage.objects.create(
        event=event.event, subject_type="cases.case", subject_id="12", recipient=user, outbox_event=event
    )
    outcomes = twice_at_once(lambda: message_deliver(message.pk, retrying=False))
    assert outcomes == ["already", "sent"]
    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(status=DeliveryStatus.OK).count() == 1
