"""Hardship and assistance figures, planted and checked exactly: a period's
first and last day count, the days around them do not; a street's window
never holds another street's records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from casework.hardship.assistance import Allocation, AssistancePayment, BudgetLine, PaymentState
from casework.reports.figures import FIGURES, Window
from tests.reports.plant import YEAR, compute, groups, hardship_record, moment


@pytest.fixture
def books(world, staff, user_with):
    u = world.units
    finance = user_with("finance_officer", u["D1"])
    r = {
        # Filed on the first and the last day, and the days around them.
        "first": hardship_record(u["E1"], "filed", filed_on=date(2026, 1, 1)),
        "last": hardship_record(u["E1"], "filed", filed_on=date(2026, 12, 31)),
        "before": hardship_record(u["E1"], "filed", filed_on=date(2025, 12, 31)),
        "after": hardship_record(u["E1"], "home_visit", filed_on=None),
        # Exited in the year, for two reasons; one exited the year before.
        "recovered": hardship_record(
            u["E1"], "exited", filed_on=date(2024, 5, 1), exited_on=date(2026, 6, 1), exit_reason="recovered"
        ),
        "died": hardship_record(
            u["E1"], "archived", filed_on=date(2025, 3, 1), exited_on=date(2026, 12, 31), exit_reason="death"
        ),
        "gone": hardship_record(
            u["E1"], "exited", filed_on=date(2023, 1, 1), exited_on=date(2025, 12, 31), exit_reason="recovered"
        ),
        # The neighbouring street's.
        "neighbour": hardship_record(u["E2"], "filed", filed_on=date(2026, 3, 1)),
    }
    district_line = BudgetLine.objects.create(unit=u["D1"], year=2026, assistance_type="living", name="生活")
    s1_line = BudgetLine.objects.create(unit=u["S1"], year=2026, assistance_type="living", name="生活")
    s2_line = BudgetLine.objects.create(unit=u["S2"], year=2026, assistance_type="holiday", name="送温暖")

    def pay(case, line, amount, paid_on, kind="living", state=PaymentState.APPROVED):
        return AssistancePayment.objects.create(
            case=case,
            assistance_type=kind,
            amount=Decimal(amount),
            budget_line=line,
            state=state,
            requested_by=staff["caseworker"],
            decided_by=finance,
            paid_on=paid_on,
        )

    pay(r["first"], district_line, "100.50", date(2026, 1, 1))
    pay(r["first"], s1_line, "200", date(2026, 12, 31))
    pay(r["last"], s1_line, "300", date(2026, 7, 1), kind="medical")
    pay(r["last"], s1_line, "999", date(2025, 12, 31))  # the year before
    pay(r["last"], s1_line, "888", None, state=PaymentState.REQUESTED)  # not paid
    pay(r["neighbour"], s2_line, "400", date(2026, 2, 1), kind="holiday")

    def allocate(to_line, amount, day):
        return Allocation.objects.create(
            from_line=district_line,
            to_line=to_line,
            amount=Decimal(amount),
            reason="下拨",
            allocated_by=finance,
            allocated_at=moment(day.year, day.month, day.day),
        )

    allocate(s1_line, "5000", date(2026, 1, 1))
    allocate(s2_line, "3000", date(2026, 12, 31))
    allocate(s2_line, "7000", date(2027, 1, 1))  # the next year
    return r


def test_the_districts_hardship_figures(books, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    d1 = world.units["D1"]
    assert compute("hardship.filed", auditor, d1).value == 3  # first, last, neighbour
    # On file at the year's end: first, last, neighbour, before (died left on the last day itself).
    assert compute("hardship.on_file", auditor, d1).value == 4
    exited = compute("hardship.exited", auditor, d1)
    assert exited.value == 2
    assert groups(exited) == {"已脱困（人均收入连续高于标准）": 1, "本人死亡": 1}
    # On file at some time in the year: first, last, before, recovered, died, neighbour = 6; 2 exited.
    assert compute("hardship.exit_share", auditor, d1).value == Decimal("0.3333")


def test_the_districts_assistance_figures(books, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    d1 = world.units["D1"]
    by_type = compute("assistance.paid_by_type", auditor, d1)
    assert by_type.value == Decimal("1000.50")
    assert groups(by_type) == {
        "生活救助": Decimal("300.50"),
        "医疗救助": Decimal("300"),
        "节日慰问（送温暖）": Decimal("400"),
    }
    by_unit = compute("assistance.paid_by_unit", auditor, d1)
    assert groups(by_unit) == {
        world.units["D1"].name: Decimal("100.50"),
        world.units["S1"].name: Decimal("500"),
        world.units["S2"].name: Decimal("400"),
    }
    passed = compute("assistance.passed_down", auditor, d1)
    assert passed.value == Decimal("8000")
    assert groups(passed) == {world.units["S1"].name: Decimal("5000"), world.units["S2"].name: Decimal("3000")}


def test_a_streets_figures_hold_its_own_records_only(books, world, user_with):
    s1 = world.units["S1"]
    auditor = user_with("auditor", s1)
    assert compute("hardship.filed", auditor, s1).value == 2
    # What its workers got, the district's payment to one of them included.
    paid = compute("assistance.paid_by_unit", auditor, s1)
    assert paid.value == Decimal("600.50")
    assert groups(paid) == {world.units["D1"].name: Decimal("100.50"), world.units["S1"].name: Decimal("500")}
    assert compute("assistance.passed_down", auditor, s1).value == 0  # S1 passes nothing further down
    # Asked for the whole district, a street's user still gets only what its scope holds.
    assert compute("hardship.filed", auditor, world.units["D1"]).value == 2
    assert compute("assistance.paid_by_type", auditor, world.units["D1"]).value == Decimal("600.50")


def test_a_one_day_period_at_each_edge(books, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    d1 = world.units["D1"]
    assert compute("hardship.filed", auditor, d1, (date(2026, 1, 1), date(2026, 1, 1))).value == 1
    assert compute("hardship.filed", auditor, d1, (date(2025, 12, 31), date(2025, 12, 31))).value == 1
    last = compute("assistance.paid_by_type", auditor, d1, (date(2026, 12, 31), date(2026, 12, 31)))
    assert last.value == Decimal("200")  # not the 999 paid the day before the year
    assert compute("assistance.passed_down", auditor, d1, (date(2027, 1, 1), date(2027, 1, 1))).value == Decimal("7000")


def test_records_behind_a_figure_are_exactly_those_it_counts(books, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    window = Window(auditor, world.units["D1"], *YEAR)
    spec = FIGURES["hardship.exited"]
    assert set(spec.records(window)) == {books["recovered"], books["died"]}
