"""The dashboard's charts: the district's streets side by side, a street's
enterprises, month by month; each chart's table beside it; a street never
sees another street's numbers."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from casework.reports.charts import Chart, by_month, by_unit
from casework.reports.figures import FIGURES, Window
from tests.reports.plant import YEAR
from tests.reports.test_hardship_figures import books  # noqa: F401  # the planted records


def bars(chart) -> dict[str, object]:
    return {bar.label: bar.value for bar in chart.bars}


def drawn(chart: Chart | None) -> Chart:
    assert chart is not None
    return chart


def test_the_district_sees_its_streets_side_by_side(books, world, user_with):  # noqa: F811
    window = Window(user_with("auditor", world.units["D1"]), world.units["D1"], *YEAR)
    filed = by_unit(FIGURES["hardship.filed"], window)
    assert bars(filed) == {world.units["S1"].name: 2, world.units["S2"].name: 1}
    paid = drawn(by_unit(FIGURES["assistance.paid_by_type"], window))
    assert bars(paid) == {world.units["S1"].name: Decimal("600.50"), world.units["S2"].name: Decimal("400")}
    assert max(bar.length for bar in paid.bars) == 100


def test_month_by_month_with_empty_months(books, world, user_with):  # noqa: F811
    window = Window(user_with("auditor", world.units["D1"]), world.units["D1"], *YEAR)
    trend = drawn(by_month(FIGURES["hardship.filed"], window))
    assert len(trend.bars) == 12
    assert {b.label: b.value for b in trend.bars if b.value} == {"2026-01": 1, "2026-03": 1, "2026-12": 1}
    money = drawn(by_month(FIGURES["assistance.passed_down"], window))
    assert {b.label: b.value for b in money.bars if b.value} == {
        "2026-01": Decimal("5000"),
        "2026-12": Decimal("3000"),
    }


def test_a_street_sees_its_enterprises_and_nothing_of_its_neighbour(books, world, user_with, client):  # noqa: F811
    user = user_with("street_caseworker", world.units["S1"])
    window = Window(user, world.units["S1"], *YEAR)
    assert bars(by_unit(FIGURES["hardship.filed"], window)) == {world.units["E1"].name: 2}
    client.force_login(user)
    html = client.get(reverse("reports:dashboard"), {"from": "2026-01-01", "to": "2026-12-31"}).content.decode()
    assert world.units["E1"].name in html and world.units["S2"].name not in html and world.units["E2"].name not in html
    assert 'data-chart="hardship.filed"' in html and "<svg" in html and 'class="table chart-table"' in html
