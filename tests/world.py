"""Shared fixtures: a tree with neighbours and an upper level; a person, a
trail entry, a membership and a setting at every unit; a user per role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from casework.accounts.models import User
from casework.audit.demo import SETTINGS as AUDIT_SETTINGS
from casework.district.models import DistrictSetting
from casework.hardship.assistance import BudgetLine
from casework.hardship.payments import allocation_make, budget_line_create
from casework.honours.demo import SETTINGS as HONOURS_SETTINGS
from casework.ledger.models import LedgerEntry
from casework.ledger.services import ledger_append
from casework.org.models import Membership, Unit, UnitKind
from casework.people.models import Person
from casework.people.services import person_register
from casework.people.synthetic import SyntheticPeople
from tests.web.helpers import make_unit

TODAY = date(2026, 11, 25)


@dataclass
class World:
    """district D1 > street S1 > enterprise E1
                   > street S2 > enterprise E2
    district D2 (a neighbouring root) > street S3"""

    units: dict[str, Unit]
    people: dict[str, Person]
    entries: dict[str, LedgerEntry]
    memberships: dict[str, Membership]
    settings: dict[str, DistrictSetting]
    budget_lines: dict[str, BudgetLine]


@pytest.fixture
def world(db: None) -> World:
    d1 = make_unit("D1", "一区总工会", UnitKind.DISTRICT)
    d2 = make_unit("D2", "二区总工会", UnitKind.DISTRICT)
    s1 = make_unit("S1", "一街道工会", UnitKind.STREET, d1)
    s2 = make_unit("S2", "二街道工会", UnitKind.STREET, d1)
    s3 = make_unit("S3", "三街道工会", UnitKind.STREET, d2)
    e1 = make_unit("E1", "一厂工会", UnitKind.ENTERPRISE, s1)
    e2 = make_unit("E2", "二厂工会", UnitKind.ENTERPRISE, s2)
    units = {u.code: u for u in (d1, d2, s1, s2, s3, e1, e2)}
    synthetic = SyntheticPeople(7)
    people, entries, memberships, values, lines = {}, {}, {}, {}, {}
    holder = User.objects.create_user(username="holder")
    for code, unit in units.items():
        p = synthetic.person(today=TODAY)
        people[code] = person_register(
            by=None, name=p.name, id_number=p.id_number, mobile=p.mobile, employer=unit, is_member=True
        )
        entries[code] = ledger_append(action="test.event", subject=unit, subject_unit=unit)
        memberships[code] = Membership.objects.create(user=holder, unit=unit, role="enterprise_chair")
        # A setting row at every unit (real ones exist only at districts), to place it anywhere.
        values[code] = DistrictSetting.objects.create(
            district=unit, key="hardship.notice_working_days", value=5, effective_from=TODAY
        )
        lines[code] = BudgetLine.objects.create(unit=unit, year=TODAY.year, assistance_type="living", name="测试预算")
    return World(units, people, entries, memberships, values, lines)


@pytest.fixture
def user_with(db: None) -> Callable[..., User]:
    """``user_with(role, unit)``: a new user holding ``role`` at ``unit`` now."""
    count = 0

    def make(role: str, unit: Unit, **extra: object) -> User:
        nonlocal count
        count += 1
        user = User.objects.create_user(username=f"{role}-{count}", **extra)  # type: ignore[arg-type]
        Membership.objects.create(user=user, unit=unit, role=role)
        return user

    return make


DISTRICT_SETTINGS = {
    "hardship.minimum_living_standard": "1000",
    "hardship.relative_multiple": "2",
    "hardship.accident_cost_share": "0.8",
    "hardship.notice_working_days": "5",
    "hardship.home_visit_working_days": "5",
    "deadlines.reminder_working_days": "2",
    "deadlines.escalation_working_days": "3",
    "deadlines.second_escalation_working_days": "10",
    "hardship.evaluation_working_days": "10",
    "hardship.notice_close_working_days": "2",
    "hardship.street_review_working_days": "10",
    "hardship.district_approval_working_days": "10",
    "hardship.correction_working_days": "10",
    "hardship.annual_review_working_days": "20",
    "hardship.records_sync_working_days": "30",
    "hardship.exit_months_above_standard": "6",
    "hardship.ceiling.living": "3000",
    "hardship.ceiling.medical": "5000",
    "bargaining.reply_days": "20",
    "bargaining.coordination_days": "30",
    "bargaining.filing_days": "10",
    "bargaining.review_days": "15",
    "bargaining.renewal_months": "3",
    "bargaining.preparation_working_days": "20",
    "bargaining.negotiation_days": "60",
    "bargaining.congress_days": "30",
    "bargaining.signing_days": "5",
    "bargaining.publish_working_days": "5",
    "bargaining.local_minimum_wage": "2690",
    "legalaid.completeness_working_days": "2",
    "legalaid.decision_days": "7",
    "legalaid.objection_window_days": "15",
    "legalaid.objection_days": "5",
    "legalaid.assignment_days": "3",
    "legalaid.closure_review_working_days": "10",
    "legalaid.subsidy_working_days": "15",
    **HONOURS_SETTINGS,
    **AUDIT_SETTINGS,
}


@pytest.fixture
def district(world):
    for key, value in DISTRICT_SETTINGS.items():
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


@pytest.fixture
def api() -> APIClient:
    """A REST client; ``tests.api.helpers.as_user`` signs it in."""
    return APIClient()
