"""A district with its settings, the people who take each step, and a
helper to find a case's open task."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.district.models import DistrictSetting
from casework.hardship.services import tested_months

SETTINGS = {
    "hardship.minimum_living_standard": "1000",
    "hardship.relative_multiple": "2",
    "hardship.accident_cost_share": "0.8",
    "hardship.notice_working_days": "5",
    "hardship.home_visit_working_days": "5",
    "hardship.exit_months_above_standard": "6",
}


@pytest.fixture
def district(world):
    for key, value in SETTINGS.items():
        DistrictSetting.objects.create(
            district=world.units["D1"], key=key, value=value, effective_from=date(2020, 1, 1)
        )
    return world.units["D1"]


@pytest.fixture
def staff(world, user_with, district):
    return {
        "chair": user_with("enterprise_chair", world.units["E1"]),
        "caseworker": user_with("street_caseworker", world.units["S1"]),
        "street_approver": user_with("street_approver", world.units["S1"]),
        "district_approver": user_with("district_approver", world.units["D1"]),
        "neighbour_chair": user_with("enterprise_chair", world.units["E2"]),
    }


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
