"""Honours figures, planted and checked exactly: a nomination made at the
first moment of the year counts, one a minute before does not; the days of
recommendation and award count on the period's first and last day only; a
street's window never holds another street's nominations."""

from __future__ import annotations

from datetime import date

import pytest

from casework.reports.figures import FIGURES, Window
from tests.reports.plant import YEAR, compute, groups, honours_campaign, moment, nomination


@pytest.fixture
def nominations(world, user_with):
    u = world.units
    by = user_with("district_caseworker", u["D1"])
    district = honours_campaign(u["D1"], "model_worker", "district", by)
    province = honours_campaign(u["D1"], "model_worker", "province", by)
    advanced = honours_campaign(u["D1"], "advanced_worker", "province", by)
    homes = honours_campaign(u["D1"], "model_workers_home", "city", by)
    neighbour = honours_campaign(u["D2"], "model_worker", "district", by)
    return {
        # Made at the year's first moment, awarded on its last day.
        "first": nomination(u["E1"], district, "published", moment(2026, 1, 1, 0), awarded_on=date(2026, 12, 31)),
        # Made at the last minute, recommended upward on the last day.
        "last": nomination(
            u["E1"], province, "recommended", moment(2026, 12, 31, 23, 59), recommended_on=date(2026, 12, 31)
        ),
        # Made a minute before the year; awarded on its first day, revoked later (still awarded that day).
        "before": nomination(
            u["E1"],
            district,
            "revoked",
            moment(2025, 12, 31, 23, 59),
            awarded_on=date(2026, 1, 1),
            revoked_on=date(2026, 6, 1),
        ),
        # Recommended the day before the year, awarded by the province the day after it.
        "outside": nomination(
            u["E1"],
            advanced,
            "published",
            moment(2025, 10, 1),
            recommended_on=date(2025, 12, 31),
            awarded_on=date(2027, 1, 1),
        ),
        # A Home nominated the year before, recommended on the first day, named by the city on the last.
        "home": nomination(
            u["E1"],
            homes,
            "home_active",
            moment(2025, 11, 1),
            recommended_on=date(2026, 1, 1),
            awarded_on=date(2026, 12, 31),
        ),
        # A Home nominated in the year, recommended the day after it.
        "home_late": nomination(u["E1"], homes, "recommended", moment(2026, 5, 1), recommended_on=date(2027, 1, 1)),
        # The neighbouring street's.
        "street2": nomination(u["E2"], district, "published", moment(2026, 6, 1), awarded_on=date(2026, 6, 30)),
        "street2_home": nomination(u["E2"], homes, "recommended", moment(2026, 4, 1), recommended_on=date(2026, 7, 1)),
        # The neighbouring district's.
        "district2": nomination(u["S3"], neighbour, "published", moment(2026, 5, 1), awarded_on=date(2026, 6, 1)),
    }


def test_the_districts_nominations_by_type_and_by_level(nominations, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    d1 = world.units["D1"]
    by_type = compute("honours.nominated_by_type", auditor, d1)
    assert by_type.value == 5  # first, last, home_late, street2, street2_home
    assert groups(by_type) == {"劳动模范": 3, "模范职工之家": 2}
    by_level = compute("honours.nominated_by_level", auditor, d1)
    assert by_level.value == 5
    assert groups(by_level) == {"区级": 2, "省级": 1, "市级": 2}


def test_the_districts_recommendations_and_awards(nominations, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    d1 = world.units["D1"]
    recommended = compute("honours.recommended_by_type", auditor, d1)
    assert recommended.value == 3  # last, home, street2_home
    assert groups(recommended) == {"劳动模范": 1, "模范职工之家": 2}
    awarded = compute("honours.awarded_by_type", auditor, d1)
    assert awarded.value == 4  # first, before (revoked since), home, street2
    assert groups(awarded) == {"劳动模范": 3, "模范职工之家": 1}
    assert groups(compute("honours.awarded_by_level", auditor, d1)) == {"区级": 3, "市级": 1}
    homes = compute("honours.homes_recommended", auditor, d1)
    assert (homes.value, groups(homes)) == (2, {"市级": 2})
    named = compute("honours.homes_awarded", auditor, d1)
    assert (named.value, groups(named)) == (1, {"市级": 1})


def test_a_streets_figures_hold_its_own_nominations_only(nominations, world, user_with):
    s1 = world.units["S1"]
    auditor = user_with("auditor", s1)
    for unit in (s1, world.units["D1"]):  # asked for the district, a street's user still gets its own
        assert compute("honours.nominated_by_type", auditor, unit).value == 3  # first, last, home_late
        assert compute("honours.recommended_by_type", auditor, unit).value == 2  # last, home
        assert compute("honours.awarded_by_type", auditor, unit).value == 3  # first, before, home
        assert compute("honours.homes_recommended", auditor, unit).value == 1
    # The other street's user sees nothing of the first street's.
    other = user_with("auditor", world.units["S2"])
    assert compute("honours.nominated_by_type", other, s1).value == 0
    assert groups(compute("honours.nominated_by_type", other, world.units["S2"])) == {"劳动模范": 1, "模范职工之家": 1}


def test_the_neighbouring_district_counts_its_own(nominations, world, user_with):
    auditor = user_with("auditor", world.units["D2"])
    assert compute("honours.awarded_by_type", auditor, world.units["D2"]).value == 1
    assert compute("honours.awarded_by_type", auditor, world.units["D1"]).value == 0


def test_a_one_day_period_at_each_edge(nominations, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    d1 = world.units["D1"]
    first, eve = (date(2026, 1, 1),) * 2, (date(2025, 12, 31),) * 2
    assert compute("honours.nominated_by_type", auditor, d1, first).value == 1  # made at 00:00
    assert compute("honours.nominated_by_type", auditor, d1, eve).value == 1  # made at 23:59
    assert compute("honours.recommended_by_type", auditor, d1, eve).value == 1  # outside
    assert compute("honours.awarded_by_type", auditor, d1, first).value == 1  # before
    next_day = (date(2027, 1, 1),) * 2
    assert compute("honours.awarded_by_type", auditor, d1, next_day).value == 1  # outside
    assert compute("honours.homes_recommended", auditor, d1, next_day).value == 1  # home_late


def test_records_behind_a_figure_are_exactly_those_it_counts(nominations, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    window = Window(auditor, world.units["D1"], *YEAR)
    n = nominations
    assert set(FIGURES["honours.awarded_by_type"].records(window)) == {
        n["first"],
        n["before"],
        n["home"],
        n["street2"],
    }
    assert set(FIGURES["honours.homes_recommended"].records(window)) == {n["home"], n["street2_home"]}
