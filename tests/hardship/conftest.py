"""Helpers of the hardship tests (the district and staff fixtures are in tests/world.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.hardship.services import tested_months


def deep_incomes(monthly: str = "2000") -> list[dict]:
    """The worker earns ``monthly`` in each of the twelve tested months."""
    return [{"member": 0, "month": f"{m:%Y-%m}", "amount": monthly} for m in tested_months(timezone.localdate())]


def open_task(case) -> Task:
    return Task.objects.get(process_id=case.pk, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED])


def past_notice() -> dict:
    """A notice of seven working-day weeks that ended last week."""
    today = timezone.localdate()
    return {
        "notice_from": (today - timedelta(days=30)).isoformat(),
        "notice_until": (today - timedelta(days=7)).isoformat(),
    }
