"""Rows planted for the figures' tests: made with the ORM (the figures read
rows, not services), each a known contribution to a known figure; the year
they are read over, Shanghai moments, and a figure computed for a window."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from viewflow.workflow.flow import Flow

from casework.cases.models import Case
from casework.hardship.models import HardshipCase
from casework.honours.models import Campaign, HonourNomination, HonourType
from casework.people.models import Person
from casework.people.synthetic import SyntheticPeople
from casework.reports.figures import FIGURES, Computed, Window, figure_compute
from flows.bargaining import BargainingFlow
from flows.hardship import HardshipFlow
from flows.honours import HonoursFlow
from flows.legalaid import LegalAidFlow

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
SHANGHAI = ZoneInfo("Asia/Shanghai")
PEOPLE = SyntheticPeople(2027)

# A case row's flow and case type, by its model (the flow's process class).
FLOWS: dict[type[Case], tuple[type[Flow], str]] = {
    flow.process_class: (flow, case_type)
    for flow, case_type in (
        (HardshipFlow, "hardship"),
        (BargainingFlow, "bargaining"),
        (LegalAidFlow, "legalaid"),
        (HonoursFlow, "honours"),
    )
}

C = TypeVar("C", bound=Case)


def moment(y: int, m: int, d: int, hh: int = 9, mm: int = 0, ss: int = 0) -> datetime:
    """A moment in Shanghai (9 in the morning unless told)."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def compute(key: str, user: Any, unit: Any, period: tuple[date, date] = YEAR) -> Computed:
    return figure_compute(FIGURES[key], Window(user, unit, *period))


def groups(computed: Computed) -> dict[str, object]:
    return {g.label: g.value for g in computed.groups}


def person_at(unit: Any) -> Person:
    p = PEOPLE.person(today=date(2026, 1, 1))
    return Person.objects.create(
        name=p.name, id_number=p.id_number, gender="male", birth_date=p.birth_date, employer=unit
    )


def case_row(model: type[C], unit: Any, state: str, **fields: Any) -> C:
    """A row of ``model`` in ``state`` at ``unit``, as its flow leaves it."""
    flow_class, case_type = FLOWS[model]
    row = model(
        flow_class=flow_class,  # viewflow's field takes the class
        case_type=case_type,
        state=state,
        unit=unit,
        unit_path=unit.path,
        **fields,
    )
    row.save(force_insert=True)  # what objects.create does, typed as the model (not as Case)
    return row


def hardship_record(unit: Any, state: str, **fields: Any) -> HardshipCase:
    return case_row(
        HardshipCase,
        unit,
        state,
        number=f"困2026-{HardshipCase.objects.count() + 1:06d}",
        person=person_at(unit),
        category="deep",
        cause="illness",
        statement="患病",
        **fields,
    )


def honours_campaign(district: Any, code: str, level: str, by: Any) -> Campaign:
    return Campaign.objects.create(
        district=district,
        honour_type=HonourType.objects.get(code=code),
        level=level,
        year=2026,
        name=f"{code}-{level}",
        nominations_close_on=date(2026, 3, 1),
        created_by=by,
    )


def nomination(unit: Any, of: Campaign, state: str, opened_at: datetime, **fields: Any) -> HonourNomination:
    """A nomination as the flow leaves it; a person's from the unit, or the unit itself for a Home."""
    return case_row(
        HonourNomination,
        unit,
        state,
        number=f"荐2026-{HonourNomination.objects.count() + 1:06d}",
        person=None if of.honour_type.for_units else person_at(unit),
        opened_at=opened_at,
        campaign=of,
        deeds="事迹突出",
        ownership="non_public",
        vote_body="congress",
        voted_on=opened_at.date(),
        vote_total=50,
        vote_present=45,
        vote_yes=40,
        **fields,
    )
