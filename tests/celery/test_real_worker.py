"""A real Celery worker, in its own process, on a real Redis broker."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from casework.audit.integrity import integrity_check_nightly
from casework.audit.models import IntegrityCheck
from casework.celery import app, ping
from casework.ledger.services import ledger_append
from tests.services import redis_url, require_postgres

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker() -> Iterator[str]:
    """Start ``celery worker`` on a queue of its own; yield the queue name."""
    broker = redis_url()
    queue = f"test-{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DJANGO_SETTINGS_MODULE": "casework.settings",
    }
    if connection.vendor == "postgresql":
        # The worker must read the test database the test writes to.
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgres://{s['USER']}{password}@{host}/{s['NAME']}"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "casework", "worker", "--pool=solo", "-Q", queue, "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.redis
def test_worker_answers_a_task(worker):
    assert app.conf.task_always_eager is False
    result = ping.apply_async(args=("你好",), queue=worker)
    answer = result.get(timeout=60)
    assert answer["echo"] == "你好"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_verifies_the_ledger_it_reads_from_postgres(worker):
    require_postgres()
    for i in range(3):
        ledger_append(action="noted", subject=("test.thing", str(i)))
    summary = integrity_check_nightly.apply_async(queue=worker).get(timeout=60)
    assert summary["ok"] is True and summary["entries"] == 3
    kept = IntegrityCheck.objects.get(pk=int(str(summary["check"])))
    assert (kept.trigger, kept.ok, kept.head_seq) == ("nightly", True, 3)
