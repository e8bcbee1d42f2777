"""Fixtures of the notification tests: tasks run in-process, a real webhook
receiver, announcing an event in a committed transaction, subscribers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.db import transaction

from casework.accounts.models import User
from casework.celery import app
from casework.org.models import Unit
from notifications import publish
from notifications.models import OutboxMessage, WebhookSubscriber
from notifications.services import outbox_queue, webhook_subscriber_save
from tests.notifications.receiver import Receiver


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks run here and now, as without a broker, even where the
    environment names one (CI's Redis for the real-worker tests)."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    publish.reset()
    yield
    app.conf.task_always_eager = before
    publish.reset()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def announce(django_capture_on_commit_callbacks: Any) -> Callable[..., list[OutboxMessage]]:
    """``announce(event, subject, recipients, payload)``: ``outbox_queue`` in
    a transaction that commits, then what runs after commit (and what that
    queues in turn)."""

    def run(
        event: str, subject: tuple[str, str], recipients: Iterable[User] = (), payload: dict[str, Any] | None = None
    ) -> list[OutboxMessage]:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return outbox_queue(event=event, subject=subject, recipients=recipients, payload=payload)

    return run


@pytest.fixture
def owner(db: None) -> User:
    return User.objects.create_user(username="hook-owner", email="owner@example.org", display_name="赵敏")


@pytest.fixture
def subscribe(owner: User) -> Callable[..., WebhookSubscriber]:
    """``subscribe(unit, url)``: a subscriber saved through the service (its secret on ``.secret``)."""

    def make(unit: Unit, url: str, **fields: Any) -> WebhookSubscriber:
        subscriber = WebhookSubscriber(unit=unit, url=url, owner=fields.pop("owner", owner), **fields)
        webhook_subscriber_save(subscriber=subscriber, by=None)
        return subscriber

    return make


def unit_subject(unit: Unit) -> tuple[str, str]:
    """An event about a unit itself: it sits at the unit's own path."""
    return ("org.unit", str(unit.pk))
