"""person_register and person_update: derived fields, one ledger entry each,
and every broken rule changes nothing and writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.org.models import Unit
from casework.people.models import Person
from casework.people.services import person_register, person_update
from tests.people.conftest import STANDARD_EXAMPLE, id_number, with_wrong_check


def snapshot() -> tuple[list[dict[str, Any]], int]:
    return [dict(row) for row in Person.objects.order_by("pk").values()], LedgerEntry.objects.count()


def test_register_derives_and_records(clerk: User, employer: Unit) -> None:
    person = person_register(
        by=clerk,
        role="administrator",
        unit=employer,
        name="张三",
        id_number="11010519491231002x",
        mobile="138 1234 5678",
        employer=employer,
        is_member=True,
        member_since=date(2010, 5, 1),
        is_migrant_worker=True,
        new_form_category="courier",
    )
    person.refresh_from_db()
    assert person.id_number == STANDARD_EXAMPLE
    assert (person.gender, person.birth_date) == ("female", date(1949, 12, 31))
    assert (person.name_initials, person.id_last4, person.mobile) == ("zs", "002X", "13812345678")
    entry = LedgerEntry.objects.get()
    assert (entry.action, entry.subject_type, entry.subject_id) == (
        "person.registered",
        "people.person",
        str(person.pk),
    )
    assert entry.actor == clerk and entry.actor_unit_code == "E001" and entry.subject_unit == employer
    assert entry.personal["id_number"] == STANDARD_EXAMPLE and entry.personal["name"] == "张三"
    assert entry.personal["mobile"] == "13812345678" and entry.personal["birth_date"] == "1949-12-31"
    payload = json.dumps(entry.payload, ensure_ascii=False)
    for secret in ("张三", STANDARD_EXAMPLE, "13812345678", "1949"):
        assert secret not in payload
    assert entry.payload["employer"] == "E001" and entry.payload["new_form_category"] == "courier"


def test_register_minimal(clerk: User) -> None:
    person = person_register(by=clerk, name="李四", id_number=id_number(seq=7))
    assert (person.gender, person.mobile, person.employer, person.is_member) == ("male", "", None, False)
    assert person.new_form_category == "none"


def test_duplicate_id_number_is_refused(clerk: User) -> None:
    person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        person_register(by=clerk, name="另一人", id_number="11010519491231002x")
    assert (caught.value.code, caught.value.field) == ("people.duplicate_id_number", "id_number")
    assert "身份证号" in str(caught.value.message)
    assert snapshot() == before


BAD_INPUTS: list[tuple[dict[str, Any], str, str]] = [
    ({"name": " "}, "people.name_required", "name"),
    ({"name": "张" * 51}, "people.name_too_long", "name"),
    ({"id_number": with_wrong_check(STANDARD_EXAMPLE)}, "people.id_number_check_digit", "id_number"),
    ({"id_number": "440524800101001"}, "people.id_number_legacy", "id_number"),
    ({"id_number": "11010519490230002X"}, "people.id_number_birth_date", "id_number"),
    ({"id_number": id_number(region="990105")}, "people.id_number_region", "id_number"),
    ({"mobile": "12345678901"}, "people.mobile_format", "mobile"),
    ({"gender": "male"}, "people.gender_mismatch", "gender"),
    ({"member_since": date(2010, 1, 1)}, "people.member_since_requires_member", "member_since"),
    ({"is_member": True, "member_since": date(1940, 1, 1)}, "people.member_since_before_birth", "member_since"),
    ({"new_form_category": "astronaut"}, "people.new_form_category_invalid", "new_form_category"),
]


@pytest.mark.parametrize(("override", "code", "field"), BAD_INPUTS)
def test_broken_rule_changes_nothing(clerk: User, override: dict[str, Any], code: str, field: str) -> None:
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        person_register(by=clerk, **{"name": "张三", "id_number": STANDARD_EXAMPLE, **override})
    assert (caught.value.code, caught.value.field) == (code, field)
    assert snapshot() == before


def test_member_since_in_future(clerk: User) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(RuleViolation) as caught:
        person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE, is_member=True, member_since=tomorrow)
    assert caught.value.code == "people.member_since_future"
    assert snapshot() == ([], 0)


def test_closed_employer_is_refused(clerk: User, make_unit: Callable[..., Unit]) -> None:
    closed = make_unit("C001", closed_on=date(2020, 1, 1))
    with pytest.raises(RuleViolation) as caught:
        person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE, employer=closed)
    assert caught.value.code == "people.employer_closed"
    assert snapshot() == ([], 0)


def test_unknown_field_is_a_programming_error(clerk: User) -> None:
    with pytest.raises(TypeError):
        person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE, birth_date=date(2000, 1, 1))


def test_update_changes_fields_and_records_one_entry(clerk: User, employer: Unit) -> None:
    person = person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE, mobile="13812345678")
    stamp = Person.objects.get().updated_at
    updated = person_update(person=person, by=clerk, name="张叁", mobile="13900001111", employer=employer)
    assert (updated.name, updated.mobile, updated.employer, updated.name_initials) == (
        "张叁",
        "13900001111",
        employer,
        "zs",
    )
    assert Person.objects.get().updated_at > stamp
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "person.updated" and LedgerEntry.objects.count() == 2
    assert entry.payload["changed"] == ["name", "mobile", "employer"]
    assert entry.payload["after"] == {"employer": "E001"} and entry.payload["before"] == {"employer": None}
    assert entry.personal["before"] == {"name": "张三", "mobile": "13812345678"}
    assert entry.personal["after"] == {"name": "张叁", "mobile": "13900001111"}
    assert "张" not in json.dumps(entry.payload, ensure_ascii=False)


def test_update_with_no_change_writes_nothing(clerk: User) -> None:
    person = person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE)
    before = snapshot()
    person_update(person=person, by=clerk, name="张三", id_number="11010519491231002x")
    assert snapshot() == before


def test_corrected_id_number_rederives(clerk: User) -> None:
    person = person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE)
    corrected = id_number(born=date(1950, 1, 2), seq=11)
    updated = person_update(person=person, by=clerk, id_number=corrected)
    assert (updated.gender, updated.birth_date, updated.id_last4) == ("male", date(1950, 1, 2), corrected[-4:])
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.payload["changed"] == ["id_number", "gender", "birth_date"]


def test_update_to_a_registered_number_changes_nothing(clerk: User) -> None:
    person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE)
    other = person_register(by=clerk, name="李四", id_number=id_number(seq=3))
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        person_update(person=other, by=clerk, id_number=STANDARD_EXAMPLE, name="李肆")
    assert caught.value.code == "people.duplicate_id_number"
    assert snapshot() == before


def test_update_broken_rule_changes_nothing(clerk: User) -> None:
    person = person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        person_update(person=person, by=clerk, name="张叁", mobile="555")
    assert caught.value.code == "people.mobile_format"
    assert snapshot() == before


def test_employer_closed_later_does_not_block_other_edits(clerk: User, make_unit: Callable[..., Unit]) -> None:
    unit = make_unit("C002")
    person = person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE, employer=unit)
    Unit.objects.filter(pk=unit.pk).update(closed_on=date(2024, 1, 1))
    assert person_update(person=person, by=clerk, mobile="13812345678").mobile == "13812345678"
    other = make_unit("C003", closed_on=date(2024, 1, 1))
    with pytest.raises(RuleViolation):
        person_update(person=person, by=clerk, employer=other)
