"""household_member_add: rules, fen-exact income, one ledger entry."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.people.models import HouseholdMember, Person
from casework.people.services import household_member_add, person_register
from tests.people.conftest import STANDARD_EXAMPLE, id_number, with_wrong_check


@pytest.fixture
def person(clerk: User) -> Person:
    return person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE)


def state() -> tuple[list[dict[str, Any]], int]:
    return [dict(row) for row in HouseholdMember.objects.values()], LedgerEntry.objects.count()


def test_add_member(clerk: User, person: Person) -> None:
    child = id_number(seq=22)
    member = household_member_add(
        person=person, by=clerk, name="张小三", relation="child", id_number=child.lower(), monthly_income="1234.5"
    )
    member.refresh_from_db()
    assert member.id_number == child and member.monthly_income == Decimal("1234.50")
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "household_member.added"
    assert (entry.subject_type, entry.subject_id) == ("people.person", str(person.pk))
    assert entry.payload == {"household_member": member.pk, "relation": "child"}
    assert entry.personal == {"name": "张小三", "id_number": child, "monthly_income": "1234.50"}
    assert "张小三" in str(member) and child not in str(member)


def test_id_number_is_optional(clerk: User, person: Person) -> None:
    member = household_member_add(person=person, by=clerk, name="王五", relation="spouse")
    assert member.id_number == "" and member.monthly_income == Decimal("0.00")
    # Two members without numbers do not collide.
    household_member_add(person=person, by=clerk, name="张老", relation="parent")
    assert person.household.count() == 2


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"name": ""}, "people.name_required", "name"),
        ({"relation": "cousin"}, "people.relation_invalid", "relation"),
        ({"id_number": with_wrong_check(id_number(seq=22))}, "people.id_number_check_digit", "id_number"),
        ({"monthly_income": "-0.01"}, "people.income_negative", "monthly_income"),
        ({"monthly_income": "10.001"}, "people.income_precision", "monthly_income"),
        ({"monthly_income": "abc"}, "people.income_invalid", "monthly_income"),
        ({"monthly_income": "NaN"}, "people.income_invalid", "monthly_income"),
        ({"monthly_income": "10000000000"}, "people.income_too_large", "monthly_income"),
        ({"id_number": STANDARD_EXAMPLE}, "people.household_member_is_self", "id_number"),
    ],
)
def test_broken_rule_changes_nothing(
    clerk: User, person: Person, fields: dict[str, Any], code: str, field: str
) -> None:
    before = state()
    with pytest.raises(RuleViolation) as caught:
        household_member_add(person=person, by=clerk, **{"name": "张小三", "relation": "child", **fields})
    assert (caught.value.code, caught.value.field) == (code, field)
    assert state() == before


def test_same_member_twice_is_refused(clerk: User, person: Person) -> None:
    child = id_number(seq=22)
    household_member_add(person=person, by=clerk, name="张小三", relation="child", id_number=child)
    before = state()
    with pytest.raises(RuleViolation) as caught:
        household_member_add(person=person, by=clerk, name="张小三", relation="child", id_number=child)
    assert caught.value.code == "people.household_member_duplicate"
    assert state() == before


def test_float_income_is_refused(clerk: User, person: Person) -> None:
    with pytest.raises(TypeError):
        household_member_add(person=person, by=clerk, name="张小三", relation="child", monthly_income=0.1)  # type: ignore[arg-type]
    assert state()[0] == []
