"""Helpers of the hardship tests (the district and staff fixtures are in tests/world.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.hardship.payments import allocation_make, budget_line_create
from casework.hardship.services import tested_months
from casework.people.models import Person
from casework.people.synthetic import SyntheticPeople


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


@pytest.fixture
def money(world, staff, user_with):
    year = timezone.localdate().year
    finance = user_with("finance_officer", world.units["D1"])
    district_line = budget_line_create(
        unit=world.units["D1"], year=year, assistance_type="living", name="生活救助", appropriated="10000", by=finance
    )
    street_line = budget_line_create(
        unit=world.units["S1"], year=year, assistance_type="living", name="生活救助", appropriated="0", by=finance
    )
    allocation_make(from_line=district_line, to_line=street_line, amount="4000", reason="2026年下拨", by=finance)
    return {"finance": finance, "district": district_line, "street": street_line, "year": year}


@pytest.fixture
def records(world, staff):
    """Three filed records of three workers of E1."""
    from tests.hardship.test_paths import filed  # the walk is a test module's; imported late to avoid a cycle

    synthetic = SyntheticPeople(11)
    cases = [filed(world, staff)]
    for _ in range(2):
        p = synthetic.person(today=timezone.localdate())
        worker = Person.objects.create(
            name=p.name, id_number=p.id_number, gender="male", birth_date=p.birth_date, employer=world.units["E1"]
        )
        cases.append(filed(world, staff, worker=worker))
    return cases
