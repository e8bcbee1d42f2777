"""The Celery application.

With ``CELERY_BROKER_URL`` set (production, CI) tasks go to a real broker and a
worker runs them. Without it (the demo) tasks run in-process, eagerly; callers
queue them with ``enqueue_on_commit`` so that either way a task only ever sees
committed rows.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

app = Celery("casework")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work lands here as the issues that need it arrive (deadline
# reminders and escalation, the nightly ledger check). Kept as data so beat and
# the tests read one schedule.
app.conf.beat_schedule = {
    # Hourly, so a due date that passed at 24:00 is told about within the hour.
    "deadlines-scan-hourly": {
        "task": "casework.deadlines.scan",
        "schedule": crontab(minute=5),
    },
    # Every minute: notifications the broker never got (it was down at commit).
    "notifications-deliver-pending": {
        "task": "notifications.deliver_pending",
        "schedule": 60.0,
    },
    # Retention terms of cases that ended (docs/retention.md).
    "retention-archive-nightly": {
        "task": "casework.audit.tasks.retention_archive_task",
        "schedule": crontab(hour=3, minute=10),
    },
    # The chain, the evidence files and the last head; the result is kept.
    "ledger-verify-nightly": {
        "task": "casework.audit.integrity_check_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
}


@app.task(name="casework.ping")
def ping(value: str) -> dict[str, Any]:
    """Answer with the value and the database vendor: proves a worker is alive and configured."""
    from django.db import connection

    return {"echo": value, "database": connection.vendor}


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` once the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task.delay(*args, **kwargs))
