"""Wage bargaining figures, planted and checked exactly: the first and last
day of a period count, the days around them do not; a street's window never
holds another street's cases; an enterprise's renewed agreement counts once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from casework.bargaining.campaigns import Campaign
from casework.bargaining.models import BargainingCase
from casework.org.models import UnitKind
from casework.reports.figures import FIGURES, Window
from tests.reports.plant import YEAR, case_row, compute, groups, moment
from tests.web.helpers import make_unit


def case_at(unit, state, opened, **fields) -> BargainingCase:
    return case_row(BargainingCase, unit, state, opened_at=opened, **fields)


@pytest.fixture
def books(world, user_with):
    u = dict(world.units)
    for code, name, street in (("E3", "三厂工会", "S1"), ("E4", "四厂工会", "S1"), ("E6", "六厂工会", "S1")):
        u[code] = make_unit(code, name, UnitKind.ENTERPRISE, u[street])
    for code, name, street in (("E5", "五厂工会", "S2"), ("E7", "七厂工会", "S2"), ("E8", "八厂工会", "S1")):
        u[code] = make_unit(code, name, UnitKind.ENTERPRISE, u[street])
    u["E9"] = make_unit("E9", "九厂工会", UnitKind.ENTERPRISE, u["S3"])
    starter = user_with("district_caseworker", u["D1"])

    def campaign(district, name, served):
        return Campaign.objects.create(
            district=district, name=name, year=served.year, offer_served_on=served, created_by=starter
        )

    c2026 = campaign(u["D1"], "2026年集中要约", date(2026, 6, 1))
    c2025 = campaign(u["D1"], "2025年集中要约", date(2025, 12, 31))
    c_other = campaign(u["D2"], "二区集中要约", date(2026, 6, 1))
    r: dict[str, BargainingCase] = {}
    # E1: an agreement in force to 2026-05-31, renewed by one in force from 2026-05-20.
    r["old"] = case_at(
        u["E1"],
        "renewed",
        moment(2024, 3, 1),
        closed_at=moment(2026, 3, 1),
        workers_covered=100,
        effective_on=date(2024, 6, 1),
        expires_on=date(2026, 5, 31),
    )
    r["renewal"] = case_at(
        u["E1"],
        "published",
        moment(2026, 3, 1),
        term=2,
        previous=r["old"],
        workers_covered=120,
        offer_served_on=date(2026, 3, 5),
        signed_on=date(2026, 4, 20),
        effective_on=date(2026, 5, 20),
        expires_on=date(2029, 5, 19),
    )
    # Offered on the period's first day, signed on its last.
    r["first"] = case_at(
        u["E3"],
        "filing",
        moment(2025, 12, 20),
        workers_covered=40,
        offer_served_on=date(2026, 1, 1),
        signed_on=date(2026, 12, 31),
    )
    # Effective on the period's last day (offered and signed the year before).
    r["last"] = case_at(
        u["E4"],
        "effective",
        moment(2025, 10, 1),
        workers_covered=50,
        offer_served_on=date(2025, 10, 5),
        signed_on=date(2025, 12, 1),
        effective_on=date(2026, 12, 31),
        expires_on=date(2027, 12, 30),
    )
    # Offered and effective the day before the period; expired the day before its last.
    r["before"] = case_at(
        u["E5"],
        "expired",
        moment(2025, 12, 1),
        closed_at=moment(2026, 12, 31),
        workers_covered=30,
        offer_served_on=date(2025, 12, 31),
        signed_on=date(2025, 12, 31),
        effective_on=date(2025, 12, 31),
        expires_on=date(2026, 12, 30),
    )
    # Its next term, opened and offered the day after the period.
    r["after"] = case_at(
        u["E5"],
        "offer_served",
        moment(2027, 1, 1, 0),
        term=2,
        previous=r["before"],
        offer_served_on=date(2027, 1, 1),
    )
    # Ended one moment before the period (not its work), and at its first moment.
    r["ended_before"] = case_at(u["E3"], "closed", moment(2025, 1, 1), closed_at=moment(2025, 12, 31, 23, 59, 59))
    r["ended_first"] = case_at(u["E4"], "closed", moment(2025, 2, 1), closed_at=moment(2026, 1, 1, 0))
    # The campaign of 2026: answered and signed in S2, refused in S1, unanswered in S2.
    r["signed"] = case_at(
        u["E2"],
        "published",
        moment(2026, 6, 1),
        campaign=c2026,
        workers_covered=80,
        offer_served_on=date(2026, 6, 1),
        reply="accepted",
        replied_on=date(2026, 6, 10),
        signed_on=date(2026, 9, 1),
        effective_on=date(2026, 10, 1),
        expires_on=date(2028, 9, 30),
    )
    r["refused"] = case_at(
        u["E6"],
        "coordination",
        moment(2026, 6, 1),
        campaign=c2026,
        offer_served_on=date(2026, 6, 1),
        reply="refused",
        replied_on=date(2026, 6, 15),
    )
    r["silent"] = case_at(u["E7"], "offer_served", moment(2026, 6, 1), campaign=c2026, offer_served_on=date(2026, 6, 1))
    # The campaign of the day before the period.
    r["c2025"] = case_at(
        u["E8"],
        "negotiating",
        moment(2025, 12, 31),
        campaign=c2025,
        offer_served_on=date(2025, 12, 31),
        reply="accepted",
        replied_on=date(2026, 1, 5),
    )
    # The neighbouring district's.
    r["other"] = case_at(
        u["E9"],
        "published",
        moment(2026, 6, 1),
        campaign=c_other,
        workers_covered=900,
        offer_served_on=date(2026, 6, 1),
        reply="accepted",
        replied_on=date(2026, 6, 2),
        signed_on=date(2026, 7, 1),
        effective_on=date(2026, 8, 1),
        expires_on=date(2028, 7, 31),
    )
    return r


def test_cases_by_state_are_the_periods_work(books, world, auditor):
    by_state = compute("bargaining.by_state", auditor, world.units["D1"])
    assert by_state.value == 10  # not ended_before, after, other
    assert groups(by_state) == {
        "已续签": 1,
        "已公布，履行中": 2,
        "待报送劳动保障部门": 1,
        "已生效，待公布": 1,
        "已到期终止": 1,
        "劳动保障部门协调中": 1,
        "要约已送达，待书面回应": 1,
        "协商中": 1,
        "协商未成，已结束": 1,
    }
    assert set(FIGURES["bargaining.by_state"].records(Window(auditor, world.units["D1"], *YEAR))) == {
        books[k]
        for k in ("old", "renewal", "first", "last", "before", "ended_first", "signed", "refused", "silent", "c2025")
    }


def test_agreements_and_what_they_cover_at_the_periods_end(books, world, auditor):
    d1 = world.units["D1"]
    assert compute("bargaining.took_effect", auditor, d1).value == 3  # renewal, last, signed
    # In force on 2026-12-31: E1's renewal, E4's (from that day), E2's; E5's expired the day before.
    assert compute("bargaining.enterprises_covered", auditor, d1).value == 3
    assert compute("bargaining.workers_covered", auditor, d1).value == 250
    window = Window(auditor, d1, *YEAR)
    assert set(FIGURES["bargaining.enterprises_covered"].records(window)) == {
        books["renewal"],
        books["last"],
        books["signed"],
    }
    # A period ending 2026-12-30: E5's agreement still binds on its last day; E4's not yet.
    to_30 = (date(2026, 1, 1), date(2026, 12, 30))
    assert compute("bargaining.took_effect", auditor, d1, to_30).value == 2
    assert compute("bargaining.enterprises_covered", auditor, d1, to_30).value == 3
    assert compute("bargaining.workers_covered", auditor, d1, to_30).value == 230


def test_a_renewal_in_force_replaces_the_agreement_it_renews(books, world, auditor):
    d1 = world.units["D1"]
    # 2026-05-25: both of E1's agreements are in their terms; the renewal counts, once.
    overlap = (date(2026, 1, 1), date(2026, 5, 25))
    assert compute("bargaining.enterprises_covered", auditor, d1, overlap).value == 2  # E1, E5
    assert compute("bargaining.workers_covered", auditor, d1, overlap).value == 150
    # 2026-05-19: the renewal is not yet in effect; the old agreement binds.
    before = (date(2026, 1, 1), date(2026, 5, 19))
    assert compute("bargaining.workers_covered", auditor, d1, before).value == 130
    assert compute("bargaining.took_effect", auditor, d1, (date(2026, 5, 20), date(2026, 5, 20))).value == 1


def test_signing_rate(books, world, auditor):
    d1 = world.units["D1"]
    # Offered in 2026: E1 (renewal), E3 (first), E2, E6, E7; signed by its end: E1, E3, E2.
    assert compute("bargaining.signing_rate", auditor, d1).value == Decimal("0.6000")
    assert compute("bargaining.signing_rate", auditor, world.units["S1"]).value == Decimal("0.6667")  # E1, E3 of 3
    assert compute("bargaining.signing_rate", auditor, world.units["S2"]).value == Decimal("0.5000")  # E2 of 2
    # To 2026-04-19: E3 and E1 offered, neither signed yet (E1 signed the next day).
    spring = (date(2026, 1, 1), date(2026, 4, 19))
    assert compute("bargaining.signing_rate", auditor, d1, spring).value == Decimal("0.0000")
    assert compute("bargaining.signing_rate", auditor, d1, (date(2026, 1, 1), date(2026, 4, 20))).value == Decimal(
        "0.5000"
    )
    # Nothing offered: no rate.
    assert compute("bargaining.signing_rate", auditor, d1, (date(2027, 2, 1), date(2027, 2, 1))).value is None


def test_campaign_results(books, world, auditor):
    d1 = world.units["D1"]
    offered = compute("bargaining.campaign_offered", auditor, d1)
    answered = compute("bargaining.campaign_answered", auditor, d1)
    signed = compute("bargaining.campaign_signed", auditor, d1)
    assert (offered.value, answered.value, signed.value) == (3, 2, 1)
    assert groups(offered) == {"2026年集中要约": 3}
    assert groups(answered) == {"2026年集中要约": 2}
    assert groups(signed) == {"2026年集中要约": 1}
    # The campaign served the day before the period is the period 2025-12-31's alone.
    eve = (date(2025, 12, 31), date(2025, 12, 31))
    assert groups(compute("bargaining.campaign_offered", auditor, d1, eve)) == {"2025年集中要约": 1}
    assert compute("bargaining.campaign_answered", auditor, d1, eve).value == 0  # answered 2026-01-05
    # To 2026-06-14: E2 answered on 06-10; E6 on 06-15 not yet.
    assert compute("bargaining.campaign_answered", auditor, d1, (date(2026, 1, 1), date(2026, 6, 14))).value == 1


def test_a_streets_figures_hold_its_own_cases_only(books, world, user_with):
    s1, s2, d1 = world.units["S1"], world.units["S2"], world.units["D1"]
    street = user_with("auditor", s1)
    for unit in (s1, d1):  # asked for the whole district, a street's user still gets its own
        assert compute("bargaining.by_state", street, unit).value == 7
        assert compute("bargaining.took_effect", street, unit).value == 2
        assert compute("bargaining.enterprises_covered", street, unit).value == 2
        assert compute("bargaining.workers_covered", street, unit).value == 170
        assert compute("bargaining.signing_rate", street, unit).value == Decimal("0.6667")
        offered = compute("bargaining.campaign_offered", street, unit)
        assert groups(offered) == {"2026年集中要约": 1}
        assert compute("bargaining.campaign_signed", street, unit).value == 0
    # The other street's window holds nothing for it.
    for key in ("bargaining.by_state", "bargaining.took_effect", "bargaining.enterprises_covered"):
        assert compute(key, street, s2).value == 0
    assert compute("bargaining.workers_covered", street, s2).value == 0
    assert compute("bargaining.signing_rate", street, s2).value is None
    # The district's auditor sees the other street's own figures.
    auditor = user_with("auditor", d1)
    assert compute("bargaining.by_state", auditor, s2).value == 3
    assert compute("bargaining.workers_covered", auditor, s2).value == 80
    assert (
        compute("bargaining.campaign_offered", auditor, s2).value,
        compute("bargaining.campaign_signed", auditor, s2).value,
    ) == (2, 1)


def test_the_neighbouring_district_counts_its_own(books, world, user_with):
    d2 = world.units["D2"]
    auditor = user_with("auditor", d2)
    assert compute("bargaining.workers_covered", auditor, d2).value == 900
    assert groups(compute("bargaining.campaign_signed", auditor, d2)) == {"二区集中要约": 1}
    assert compute("bargaining.workers_covered", auditor, world.units["D1"]).value == 0
