"""Rows planted for the figures' tests: made with the ORM (the figures read
rows, not services), each a known contribution to a known figure."""

from __future__ import annotations

from datetime import date
from typing import Any

from casework.hardship.models import HardshipCase
from casework.people.models import Person
from casework.people.synthetic import SyntheticPeople
from flows.hardship import HardshipFlow

PEOPLE = SyntheticPeople(2027)


def person_at(unit: Any) -> Person:
    p = PEOPLE.person(today=date(2026, 1, 1))
    return Person.objects.create(
        name=p.name, id_number=p.id_number, gender="male", birth_date=p.birth_date, employer=unit
    )


def hardship_record(unit: Any, state: str, **fields: Any) -> HardshipCase:
    return HardshipCase.objects.create(
        flow_class=HardshipFlow,  # type: ignore[misc]  # viewflow's field takes the class
        case_type="hardship",
        number=f"困2026-{HardshipCase.objects.count() + 1:06d}",
        state=state,
        unit=unit,
        unit_path=unit.path,
        person=person_at(unit),
        category="deep",
        cause="illness",
        statement="患病",
        **fields,
    )
