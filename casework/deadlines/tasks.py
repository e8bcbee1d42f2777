"""Celery tasks of due dates: the scan, hourly from beat."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from casework.deadlines.scan import deadlines_scan


@shared_task(name="casework.deadlines.scan")
def deadlines_scan_task() -> dict[str, Any]:
    """Reminders, due-today and overdue notices, escalations: each once per task."""
    return deadlines_scan()
