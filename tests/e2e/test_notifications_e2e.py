"""Notifications end to end: a real case step commits, a real Celery worker
(its own process, on Redis, reading the PostgreSQL test database) fans the
event out, and a local HTTP server receives the webhook and checks its
signature the way a subscriber would, with its own HMAC code.

The helpers here (the receiving server, the worker, waiting) are shared with
tests/notifications/test_broker_down.py.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone, translation

from casework.celery import ping
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from notifications import signing
from notifications.events import render_message
from notifications.models import Delivery, DeliveryStatus, OutboxEvent, OutboxMessage, WebhookSubscriber
from notifications.services import webhook_subscriber_save
from tests.hardship.test_flow import step, submit
from tests.services import redis_url, require_postgres

ROOT = Path(__file__).resolve().parents[2]
# What the worker puts in front of page links (its own settings build the body).
WORKER_BASE_URL = "http://casework.test"
TIMEOUT = 90.0  # seconds: a cold worker start plus the deliveries, on a slow machine


# The subscriber's side.


@dataclass
class Received:
    """One POST as the receiving server saw it."""

    path: str
    headers: dict[str, str]
    body: bytes
    valid: bool  # the signature matched the subscriber's secret, within five minutes
    answered: int  # the HTTP status the server answered with

    def json(self) -> Any:
        return json.loads(self.body)


def signature_ok(secret: str, body: bytes, header: str, *, now: float | None = None) -> bool:
    """A receiver's own check, written from the documented format (not with
    notifications.signing): ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "t." + body>``."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _eq, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    stamps = fields.get("t", [])
    if not secret or len(stamps) != 1 or not (stamps[0].isascii() and stamps[0].isdigit()):
        return False
    if abs((time.time() if now is None else now) - int(stamps[0])) > 300:
        return False
    expected = hmac.new(secret.encode(), stamps[0].encode() + b"." + body, hashlib.sha256).hexdigest().encode()
    return any(hmac.compare_digest(expected, given.encode()) for given in fields.get("v1", []))


@dataclass
class WebhookReceiver:
    """An HTTP server on 127.0.0.1 (a free port) that records every POST,
    answers 401 when its signature is wrong and otherwise ``status`` (the
    next ones from ``fail_first`` before that: a subscriber that is down)."""

    server: ThreadingHTTPServer
    secret: str = ""
    status: int = 204
    fail_first: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def posts(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def accepted(self) -> list[Received]:
        return [r for r in self.posts() if r.valid and 200 <= r.answered < 300]

    def record(self, handler: BaseHTTPRequestHandler) -> int:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        with self.lock:
            valid = signature_ok(self.secret, body, handler.headers.get("X-Casework-Signature", ""))
            answered = 401 if not valid else (self.fail_first.pop(0) if self.fail_first else self.status)
            self.received.append(Received(handler.path, dict(handler.headers.items()), body, valid, answered))
        return answered


@contextmanager
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver: WebhookReceiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            answered = receiver.record(self)
            self.send_response(answered)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = WebhookReceiver(server)
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# The worker.


@dataclass
class Worker:
    queue: str
    log: Path
    process: subprocess.Popen[bytes]

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def drain(self) -> None:
        """Wait until the worker has run everything queued before now (one
        solo process takes its queue in order: a ping sent now comes back
        after them)."""
        answer = ping.apply_async(args=("drain",), queue=self.queue).get(timeout=TIMEOUT)
        assert answer["echo"] == "drain"


@contextmanager
def celery_worker(tmp_path: Path, **extra_env: str) -> Iterator[Worker]:
    """``celery worker`` in its own process on a queue of its own, which is
    also its NOTIFICATIONS_QUEUE (the tasks it sends itself go there too),
    reading the test's PostgreSQL database. Set NOTIFICATIONS_QUEUE to
    ``worker.queue`` in the test process as well."""
    broker = redis_url()
    queue = f"test-notifications-{secrets.token_hex(4)}"
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "NOTIFICATIONS_QUEUE": queue,
        "DATABASE_URL": f"postgres://{s['USER']}{password}@{host}/{s['NAME']}",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DJANGO_SETTINGS_MODULE": "casework.settings",
        "CASEWORK_BASE_URL": WORKER_BASE_URL,
        # Recipients without an address get no e-mail; any other stays in the worker.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **extra_env,
    }
    log = tmp_path / f"{queue}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "casework",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(queue, log, process)
    try:
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def wait_until(condition: Callable[[], bool], what: str, worker: Worker, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited ({worker.process.returncode}) before {what}:\n{worker.tail()}")
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}; worker log:\n{worker.tail()}")


def subscribe_to(receiver: WebhookReceiver, unit: Any, owner: Any) -> WebhookSubscriber:
    """A subscriber of ``unit`` posting to the receiver, which learns its secret (shown once)."""
    subscriber = WebhookSubscriber(unit=unit, url=f"{receiver.url}/hooks/casework", owner=owner, description="e2e")
    secret = webhook_subscriber_save(subscriber=subscriber, by=None)
    assert secret and secret == WebhookSubscriber.objects.get(pk=subscriber.pk).secret
    receiver.secret = secret
    return subscriber


def home_visit(case: HardshipCase, staff: dict[str, Any]) -> None:
    """The street caseworker's step after submission (task_complete)."""
    step(case, "record_home_visit", staff["caseworker"], visited_on=timezone.localdate().isoformat(), report="属实")


def ok_deliveries(event: OutboxEvent, subscriber: WebhookSubscriber) -> list[Delivery]:
    return list(Delivery.objects.filter(outbox_event=event, subscriber=subscriber, status=DeliveryStatus.OK))


def events_of(case: HardshipCase) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).order_by("pk"))


def post_to(receiver: WebhookReceiver, body: bytes, signature: str) -> int:
    """POST as a sender would; the status the receiver answered."""
    host, port = receiver.server.server_address[:2]
    client = http.client.HTTPConnection(str(host), int(port), timeout=5)
    try:
        client.request("POST", "/hooks", body=body, headers={signing.HEADER: signature})
        return client.getresponse().status
    finally:
        client.close()


# The tests.


def test_the_receiver_refuses_a_wrong_signature() -> None:
    """The check the tests rely on is real: a body signed with another
    secret, changed after signing, or signed an hour ago gets 401."""
    with webhook_receiver() as receiver:
        receiver.secret = "the-subscribers-secret"
        body = b'{"event":"x"}'
        hour_ago = int(time.time()) - 3600
        assert post_to(receiver, body, signing.sign("another-secret", body)) == 401
        assert post_to(receiver, body + b" ", signing.sign(receiver.secret, body)) == 401
        assert post_to(receiver, body, signing.sign(receiver.secret, body, timestamp=hour_ago)) == 401
        assert post_to(receiver, body, f"t={int(time.time())},v1=\u00e9") == 401  # not even hex
        assert post_to(receiver, body, signing.sign(receiver.secret, body)) == 204
        assert [r.valid for r in receiver.posts()] == [False, False, False, False, True]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_case_step_reaches_the_districts_webhook_signed_once_through_a_real_worker(
    migration_rows, world, staff, settings, tmp_path
):
    require_postgres()
    with webhook_receiver() as receiver, celery_worker(tmp_path) as worker:
        settings.NOTIFICATIONS_QUEUE = worker.queue
        subscriber = subscribe_to(receiver, world.units["D1"], staff["district_approver"])

        case = submit(world, staff)  # hardship.submitted, in the filing's transaction
        home_visit(case, staff)  # hardship.record_home_visit, in task_complete's transaction
        case.refresh_from_db()
        assert case.state == State.UNIT_EVALUATION
        submitted, visited = events_of(case)
        assert (submitted.event, visited.event) == ("hardship.submitted", "hardship.record_home_visit")

        wait_until(
            lambda: all(ok_deliveries(e, subscriber) for e in (submitted, visited)),
            "one successful webhook delivery of each event",
            worker,
        )
        worker.drain()  # anything a duplicate would have queued has run by now

        # Exactly one POST per event, each signed with the subscriber's secret.
        posts = receiver.posts()
        assert [p.valid for p in posts] == [True, True], [p.body for p in posts]
        assert sorted(p.json()["id"] for p in posts) == sorted([str(submitted.uuid), str(visited.uuid)])
        (post,) = [p for p in posts if p.json()["id"] == str(visited.uuid)]
        assert signing.verify(subscriber.secret, post.body, post.headers["X-Casework-Signature"])

        (delivery,) = ok_deliveries(visited, subscriber)
        assert (delivery.attempt, delivery.status_code, delivery.target) == (1, 204, subscriber.url)
        assert Delivery.objects.filter(outbox_event=visited).count() == 1  # no failed attempt either

        # What the subscriber received.
        assert post.path == "/hooks/casework"
        assert post.headers["Content-Type"] == "application/json; charset=utf-8"
        assert post.headers["User-Agent"] == "Casework-Webhook/1"
        assert post.headers["X-Casework-Event"] == "hardship.record_home_visit"
        assert post.headers["X-Casework-Delivery"] == str(delivery.delivery_id)
        body = post.json()
        assert set(body) == {"id", "event", "created_at", "subject", "payload", "title", "body"}
        assert body["event"] == "hardship.record_home_visit"
        assert body["subject"] == {
            "type": "cases.case",
            "id": str(case.pk),
            "url": f"{WORKER_BASE_URL}/cases/{case.pk}/",
        }
        assert (
            body["payload"]["from_state"] == State.HOME_VISIT and body["payload"]["to_state"] == State.UNIT_EVALUATION
        )
        with translation.override("zh-hans"):
            text = render_message(visited)
        assert (body["title"], body["body"]) == (text.title, text.body)
        assert body["title"].startswith(f"#{case.pk}：")  # no number before filing: the case's id

        # The outbox is done: the event dispatched under the case's unit, every recipient's message delivered.
        visited.refresh_from_db()
        assert visited.dispatched_at is not None and visited.unit_path == case.unit_path
        messages = OutboxMessage.objects.filter(outbox_event=visited)
        assert messages.exists() and not messages.filter(delivered_at__isnull=True).exists()
        subscriber.refresh_from_db()
        assert subscriber.last_success_at is not None and subscriber.consecutive_failures == 0


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_subscriber_that_fails_first_gets_the_event_on_the_workers_retry(
    migration_rows, world, staff, settings, tmp_path
):
    """503 on the first POST: the worker retries after the backoff
    (NOTIFICATIONS_RETRY_BASE_SECONDS, 1 s here) with the same delivery id, and
    the second POST is accepted: two Delivery rows, one of them ok."""
    require_postgres()
    with webhook_receiver() as receiver, celery_worker(tmp_path, NOTIFICATIONS_RETRY_BASE_SECONDS="1") as worker:
        settings.NOTIFICATIONS_QUEUE = worker.queue
        case = submit(world, staff)
        (submitted,) = events_of(case)
        wait_until(lambda: OutboxEvent.objects.get(pk=submitted.pk).dispatched_at is not None, "the filing", worker)
        # Subscribed after the filing was dispatched: only the next step reaches it.
        subscriber = subscribe_to(receiver, world.units["S1"], staff["street_approver"])
        receiver.fail_first = [503]
        started = timezone.now()
        home_visit(case, staff)
        (_submitted, visited) = events_of(case)

        wait_until(lambda: bool(ok_deliveries(visited, subscriber)), "the retried delivery", worker)
        worker.drain()

        posts = [p for p in receiver.posts() if p.json()["id"] == str(visited.uuid)]
        assert [(p.valid, p.answered) for p in posts] == [(True, 503), (True, 204)]
        assert posts[0].headers["X-Casework-Delivery"] == posts[1].headers["X-Casework-Delivery"]
        attempts = list(Delivery.objects.filter(outbox_event=visited, subscriber=subscriber).order_by("attempt"))
        assert [(d.attempt, d.status, d.status_code, d.retry_in) for d in attempts] == [
            (1, DeliveryStatus.FAILED, 503, 1),
            (2, DeliveryStatus.OK, 204, None),
        ]
        assert attempts[1].at - attempts[0].at >= timedelta(seconds=1)
        assert attempts[0].error == "HTTP 503"
        subscriber.refresh_from_db()
        assert subscriber.consecutive_failures == 0 and subscriber.active
        assert subscriber.last_success_at is not None and subscriber.last_success_at >= started
