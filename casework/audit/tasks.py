"""Celery tasks of the auditors' workspace: take ids or nothing, safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from casework.audit.retention import retention_archive


@shared_task(name="casework.audit.tasks.retention_archive_task")
def retention_archive_task() -> dict[str, Any]:
    """Record the retention term of every case that ended (nightly from beat);
    a second run writes nothing for terms already recorded."""
    return retention_archive().as_dict()
