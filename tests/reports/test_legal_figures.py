"""Legal service and outreach figures, planted and checked exactly: the first
and last moment of a period count, those around it do not; days are
Shanghai days; a street's window never holds another street's records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from casework.legalaid.models import LegalAidCase
from casework.outreach.models import OutreachEvent
from casework.reports.figures import FIGURES, Window
from tests.reports.plant import YEAR, case_row, compute, groups, moment, person_at


def application(unit, state, opened, **fields) -> LegalAidCase:
    return case_row(
        LegalAidCase,
        unit,
        state,
        person=person_at(unit),
        opened_at=opened,
        opposing_party="某某有限公司",
        dispute="wages",
        facts="拖欠工资三个月",
        aid_form="arbitration",
        channel="written",
        basis="means",
        **fields,
    )


def archived(unit, opened: datetime, decided: date, closed: datetime, recovered: str) -> LegalAidCase:
    """Opened, decided (aid approved), archived with what was recovered."""
    return application(
        unit, "archived", opened, decided_on=decided, closed_at=closed, amount_recovered=Decimal(recovered)
    )


@pytest.fixture
def cases(world):
    u = world.units
    refused = {"refusal_reasons": "不符合援助条件"}
    return {
        # Opened at the period's first moment, decided a week later, archived at its last moment.
        "a1": archived(u["E1"], moment(2026, 1, 1, 0), date(2026, 1, 8), moment(2026, 12, 31, 23, 59, 59), "12000.50"),
        # Opened one moment before the period, approved on its first day.
        "a2": application(u["E1"], "in_progress", moment(2025, 12, 31, 23, 59, 59), decided_on=date(2026, 1, 1)),
        # Opened 2026-01-01 07:30 in Shanghai (still 2025-12-31 in UTC): four days, not five.
        "a3": application(u["E1"], "assignment", moment(2026, 1, 1, 7, 30), decided_on=date(2026, 1, 5)),
        # Urgent aid, confirmed on review; terminated the first moment after the period.
        "a7": application(
            u["E1"],
            "terminated",
            moment(2026, 3, 1),
            urgency="preservation",
            urgent_confirmed_on=date(2026, 3, 3),
            closed_at=moment(2027, 1, 1, 0),
        ),
        "a11": archived(u["E1"], moment(2026, 7, 1), date(2026, 7, 5), moment(2026, 8, 1), "3000"),
        # The first moment after the period.
        "a6": application(u["E1"], "applied", moment(2027, 1, 1, 0)),
        # The other street's: received at the last moment; refused; approved on the last day.
        "a4": application(u["E2"], "decision", moment(2026, 12, 31, 23, 59, 59)),
        "a5": application(
            u["E2"],
            "rejected",
            moment(2026, 6, 1),
            decided_on=date(2026, 6, 3),
            closed_at=moment(2026, 6, 20),
            **refused,
        ),
        "a12": application(u["E2"], "assignment", moment(2026, 12, 20, 10), decided_on=date(2026, 12, 31)),
        # Withdrawn at the period's first moment; archived one moment before it.
        "a10": application(u["E2"], "withdrawn", moment(2025, 12, 1), closed_at=moment(2026, 1, 1, 0)),
        "a8": archived(u["E2"], moment(2025, 11, 1), date(2025, 12, 31), moment(2025, 12, 31, 23, 59, 59), "999"),
        # The neighbouring district's.
        "a9": archived(u["S3"], moment(2026, 5, 1), date(2026, 5, 2), moment(2026, 6, 1), "5000"),
    }


@pytest.fixture
def events(world, user_with):
    u = world.units
    recorder = user_with("legal_officer", u["D1"])

    def held(unit, day, form, audience, **fields):
        return OutreachEvent.objects.create(
            unit=unit,
            held_on=day,
            place="职工之家",
            topic="劳动法宣传",
            form=form,
            audience=audience,
            recorded_by=recorder,
            **fields,
        )

    return {
        "first": held(u["E1"], date(2026, 1, 1), "lecture", 50),
        "last": held(u["S1"], date(2026, 12, 31), "booth", 30),
        "neighbour": held(u["E2"], date(2026, 6, 1), "lecture", 100),
        "district": held(u["D1"], date(2026, 3, 1), "online", 20),
        "before": held(u["E1"], date(2025, 12, 31), "lecture", 999),
        "after": held(u["E1"], date(2027, 1, 1), "lecture", 888),
        "withdrawn": held(
            u["E2"], date(2026, 7, 1), "training", 500, withdrawn_at=moment(2026, 7, 2), withdrawn_reason="重复登记"
        ),
        "other": held(u["S3"], date(2026, 5, 1), "lecture", 700),
    }


def test_the_districts_legal_aid_figures(cases, world, auditor):
    d1 = world.units["D1"]
    window = Window(auditor, d1, *YEAR)
    received = compute("legalaid.received", auditor, d1)
    assert received.value == 7
    assert set(FIGURES["legalaid.received"].records(window)) == {
        cases[k] for k in ("a1", "a3", "a7", "a11", "a4", "a5", "a12")
    }
    # Approved in 2026: a1, a2, a3, a11, a12; a7's urgent aid confirmed; a5 refused, a8 the day before.
    approved = compute("legalaid.approved", auditor, d1)
    assert approved.value == 6
    assert set(FIGURES["legalaid.approved"].records(window)) == {
        cases[k] for k in ("a1", "a2", "a3", "a7", "a11", "a12")
    }
    ended = compute("legalaid.ended", auditor, d1)
    assert ended.value == 4
    assert groups(ended) == {"已归档": 2, "不予援助": 1, "已撤回": 1}
    assert compute("legalaid.recovered", auditor, d1).value == Decimal("15000.50")
    # Decided in 2026: a1 7, a2 1, a3 4, a5 2, a11 4, a12 11 days: 29 / 6.
    assert compute("legalaid.days_to_decision", auditor, d1).value == Decimal("4.8")


def test_legal_aid_at_the_periods_edges(cases, world, auditor):
    d1 = world.units["D1"]
    first = (date(2026, 1, 1), date(2026, 1, 1))
    assert compute("legalaid.received", auditor, d1, first).value == 2  # a1 at 00:00, a3 at 07:30
    assert compute("legalaid.approved", auditor, d1, first).value == 1  # a2
    assert groups(compute("legalaid.ended", auditor, d1, first)) == {"已撤回": 1}
    assert compute("legalaid.days_to_decision", auditor, d1, first).value == Decimal("1.0")
    last = (date(2026, 12, 31), date(2026, 12, 31))
    assert compute("legalaid.received", auditor, d1, last).value == 1  # a4 at 23:59:59
    assert compute("legalaid.recovered", auditor, d1, last).value == Decimal("12000.50")
    eve = (date(2025, 12, 31), date(2025, 12, 31))
    assert compute("legalaid.received", auditor, d1, eve).value == 1  # a2
    assert compute("legalaid.recovered", auditor, d1, eve).value == Decimal("999")
    assert compute("legalaid.days_to_decision", auditor, d1, eve).value == Decimal("60.0")  # a8: 11-01 to 12-31
    morrow = (date(2027, 1, 1), date(2027, 1, 1))
    assert compute("legalaid.received", auditor, d1, morrow).value == 1  # a6
    assert groups(compute("legalaid.ended", auditor, d1, morrow)) == {"已终止援助": 1}  # a7
    # Nothing decided: no average.
    assert compute("legalaid.days_to_decision", auditor, d1, morrow).value is None


def test_the_districts_outreach_figures(events, world, auditor):
    d1 = world.units["D1"]
    held = compute("outreach.events", auditor, d1)
    assert held.value == 4
    assert groups(held) == {"专题讲座": 2, "咨询摊位": 1, "线上宣传": 1}
    audience = compute("outreach.audience", auditor, d1)
    assert audience.value == 200
    assert groups(audience) == {"专题讲座": 150, "咨询摊位": 30, "线上宣传": 20}
    assert compute("outreach.audience", auditor, d1, (date(2025, 12, 31), date(2025, 12, 31))).value == 999
    assert compute("outreach.audience", auditor, d1, (date(2026, 12, 31), date(2027, 1, 1))).value == 918
    window = Window(auditor, d1, *YEAR)
    assert set(FIGURES["outreach.events"].records(window)) == {
        events[k] for k in ("first", "last", "neighbour", "district")
    }


def test_a_streets_figures_hold_its_own_records_only(cases, events, world, user_with):
    s1, s2, d1 = world.units["S1"], world.units["S2"], world.units["D1"]
    street = user_with("auditor", s1)
    for unit in (s1, d1):  # asked for the whole district, a street's user still gets its own
        assert compute("legalaid.received", street, unit).value == 4  # a1, a3, a7, a11
        assert compute("legalaid.approved", street, unit).value == 5  # a1, a2, a3, a7, a11
        assert groups(compute("legalaid.ended", street, unit)) == {"已归档": 2}
        assert compute("legalaid.recovered", street, unit).value == Decimal("15000.50")
        assert compute("legalaid.days_to_decision", street, unit).value == Decimal("4.0")  # 16 / 4
        assert compute("outreach.events", street, unit).value == 2
        assert compute("outreach.audience", street, unit).value == 80
    for key in ("legalaid.received", "legalaid.approved", "legalaid.ended", "outreach.events"):
        assert compute(key, street, s2).value == 0
    assert compute("legalaid.recovered", street, s2).value == 0
    assert compute("outreach.audience", street, s2).value == 0
    assert compute("legalaid.days_to_decision", street, s2).value is None
    # The district's auditor sees the other street's own figures.
    auditor = user_with("auditor", d1)
    assert compute("legalaid.received", auditor, s2).value == 3  # a4, a5, a12
    assert compute("legalaid.days_to_decision", auditor, s2).value == Decimal("6.5")  # (2 + 11) / 2
    assert compute("outreach.audience", auditor, s2).value == 100


def test_the_neighbouring_district_counts_its_own(cases, events, world, user_with):
    d2 = world.units["D2"]
    auditor = user_with("auditor", d2)
    assert compute("legalaid.recovered", auditor, d2).value == Decimal("5000")
    assert compute("legalaid.days_to_decision", auditor, d2).value == Decimal("1.0")
    assert compute("outreach.audience", auditor, d2).value == 700
    assert compute("legalaid.received", auditor, world.units["D1"]).value == 0
