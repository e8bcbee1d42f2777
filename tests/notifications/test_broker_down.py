"""The broker is down when a change commits: the change goes through at once,
its notifications wait in the outbox, and once the broker is back the sweep
(``notifications.deliver_pending``) delivers them, exactly once.

The broker is "down" for the test process only: the Celery app is pointed at
a closed port (refused at once) or at a socket that accepts and never
answers (the publish waits NOTIFICATIONS_PUBLISH_TIMEOUT), and is never in
eager mode, whatever the suite runs with. The first test needs neither Redis
nor PostgreSQL; the second brings the broker back with a real worker.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from casework.celery import app
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from notifications import publish
from notifications.delivery import pending_sweep
from notifications.models import Delivery, DeliveryStatus, OutboxEvent, OutboxMessage
from tests.e2e.test_notifications_e2e import (
    celery_worker,
    events_of,
    home_visit,
    ok_deliveries,
    subscribe_to,
    wait_until,
    webhook_receiver,
)
from tests.hardship.test_flow import submit
from tests.services import redis_url, require_postgres

PUBLISH_TIMEOUT = 1.0  # NOTIFICATIONS_PUBLISH_TIMEOUT in these tests (seconds)
# How long a commit may take with the broker down: its own work plus one
# publish that gives up. Without the publish's limits it would hang on
# kombu's connection retries, far longer than this.
AT_MOST = PUBLISH_TIMEOUT * 5


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A TCP port that accepts connections (the kernel's backlog) and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


@pytest.fixture
def broker_down(monkeypatch, settings) -> Iterator[None]:
    """Publishing goes to a broker that is not there (a closed port). Celery
    reads CELERY_BROKER_URL from the environment before its configuration."""
    settings.NOTIFICATIONS_PUBLISH_TIMEOUT = PUBLISH_TIMEOUT
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    publish.reset()
    try:
        yield
    finally:
        monkeypatch.undo()
        app.conf.task_always_eager = eager
        publish.reset()


def commit_step(world, staff) -> tuple[HardshipCase, OutboxEvent, float]:
    """File a case and take its next step (task_complete), each committing
    with the broker down; the step's event and how long the step took."""
    case = submit(world, staff)
    started = time.monotonic()
    home_visit(case, staff)
    elapsed = time.monotonic() - started
    (_submitted, visited) = events_of(case)
    return HardshipCase.objects.get(pk=case.pk), visited, elapsed


def assert_waiting(event: OutboxEvent) -> None:
    event.refresh_from_db()
    assert event.dispatched_at is None and event.unit_path == ""
    messages = OutboxMessage.objects.filter(outbox_event=event)
    assert messages.exists() and not messages.filter(delivered_at__isnull=False).exists()
    assert not Delivery.objects.filter(outbox_event=event).exists()
    assert not Delivery.objects.filter(message__in=messages).exists()


@pytest.mark.parametrize("broker", ["refused", "silent"])
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_step_completes_at_once_and_its_notifications_wait(
    broker, broker_down, silent_port, monkeypatch, migration_rows, world, staff, caplog
):
    if broker == "silent":
        monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{silent_port}/0")
    caplog.set_level(logging.WARNING, logger="notifications.publish")

    case, event, elapsed = commit_step(world, staff)

    assert case.state == State.UNIT_EVALUATION  # the step went through
    assert elapsed < AT_MOST, f"the step took {elapsed:.1f}s with the broker {broker}"
    assert_waiting(event)
    failures = [r for r in caplog.records if r.name == "notifications.publish" and r.levelno == logging.WARNING]
    assert [r.getMessage() for r in failures] == [
        f"notifications: could not send notifications.dispatch({e.pk},); the sweep will" for e in events_of(case)
    ]
    # The sweep leaves them alone until they are NOTIFICATIONS_SWEEP_AFTER_SECONDS old.
    assert pending_sweep() == {"events": 0, "messages": 0}
    assert_waiting(event)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_when_the_broker_is_back_the_sweep_delivers_exactly_once(
    broker_down, monkeypatch, migration_rows, world, staff, settings, tmp_path
):
    require_postgres()
    broker = redis_url()
    with webhook_receiver() as receiver:
        subscriber = subscribe_to(receiver, world.units["D1"], staff["district_approver"])
        case, event, elapsed = commit_step(world, staff)
        assert case.state == State.UNIT_EVALUATION and elapsed < AT_MOST
        assert_waiting(event)
        events = events_of(case)
        assert len(events) == 2

        # The broker is back, with a worker.
        monkeypatch.setenv("CELERY_BROKER_URL", broker)
        publish.reset()
        with celery_worker(tmp_path) as worker:
            settings.NOTIFICATIONS_QUEUE = worker.queue
            later = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS + 1)
            assert pending_sweep() == {"events": 0, "messages": 0}  # not old enough yet
            assert pending_sweep(now=later) == {"events": 2, "messages": 0}
            pending_sweep(now=later)  # a second beat before the worker got to them: duplicates

            wait_until(
                lambda: all(ok_deliveries(e, subscriber) for e in events), "the swept events' deliveries", worker
            )
            worker.drain()

            posts = receiver.posts()
            assert [p.valid for p in posts] == [True, True]
            assert sorted(p.json()["id"] for p in posts) == sorted(str(e.uuid) for e in events)
            for e in events:
                e.refresh_from_db()
                assert e.dispatched_at is not None and e.unit_path == case.unit_path
                assert Delivery.objects.filter(outbox_event=e).count() == 1
                assert [d.status for d in ok_deliveries(e, subscriber)] == [DeliveryStatus.OK]
            messages = OutboxMessage.objects.filter(outbox_event__in=events)
            assert messages.count() >= 2 and not messages.filter(delivered_at__isnull=True).exists()

            # Nothing is left for the sweep: another run sends nothing.
            assert pending_sweep(now=later + timedelta(minutes=5)) == {"events": 0, "messages": 0}
            worker.drain()
            assert len(receiver.posts()) == 2
            assert Delivery.objects.filter(outbox_event__in=events).count() == 2
