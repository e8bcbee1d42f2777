"""Yearly totals per organiser unit and per street: right, scoped, and a
fixed number of queries whatever the number of events."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.outreach.selectors import grand_total, outreach_events, totals_by_street, totals_by_unit
from casework.outreach.services import outreach_event_record, outreach_event_withdraw
from tests.outreach.conftest import entry


def record(world, people, code, who, held_on, audience, topic="普法"):
    return outreach_event_record(
        unit=world.units[code],
        data=entry(held_on=held_on, audience=audience, topic=topic),
        by=people[who],
        today=date(2026, 12, 31),
    )


def test_totals_per_unit_and_per_street(world, people):
    record(world, people, "D1", "legal", "2026-03-01", 100)
    record(world, people, "S1", "street", "2026-04-01", 30)
    record(world, people, "E1", "chair", "2026-05-01", 20)
    record(world, people, "E1", "chair", "2026-06-01", 5)
    record(world, people, "E2", "neighbour", "2026-06-01", 7)
    record(world, people, "E1", "chair", "2025-06-01", 999)  # another year
    outreach_event_withdraw(
        event=record(world, people, "S1", "street", "2026-07-01", 500), reason="重复", by=people["street"]
    )
    units = {t.code: (t.events, t.audience) for t in totals_by_unit(people["legal"], year=2026)}
    assert units == {"D1": (1, 100), "S1": (1, 30), "E1": (2, 25), "E2": (1, 7)}
    streets = {t.code: (t.events, t.audience) for t in totals_by_street(totals_by_unit(people["legal"], year=2026))}
    assert streets == {"D1": (1, 100), "S1": (3, 55), "S2": (1, 7)}
    assert grand_total(totals_by_unit(people["legal"], year=2026)) == (5, 162)
    # A subtree, and a street's own scope.
    assert {t.code for t in totals_by_unit(people["legal"], year=2026, unit=world.units["S1"].pk)} == {"S1", "E1"}
    assert {t.code for t in totals_by_unit(people["street"], year=2026)} == {"S1", "E1"}
    assert {t.code for t in totals_by_unit(people["chair"], year=2026)} == {"E1"}
    assert totals_by_unit(people["legal"], year=2026, unit=world.units["S3"].pk) == []


def test_event_filters(world, people):
    record(world, people, "S1", "street", "2026-04-01", 30, topic="工伤认定")
    record(world, people, "E2", "neighbour", "2026-04-01", 30, topic="劳动合同")
    record(world, people, "E1", "chair", "2025-04-01", 30, topic="工伤保险")
    legal = people["legal"]
    assert outreach_events(legal).count() == 3
    assert outreach_events(legal, year=2026).count() == 2
    assert [e.topic for e in outreach_events(legal, topic="工伤")] == ["工伤认定", "工伤保险"]
    assert [e.topic for e in outreach_events(legal, unit=world.units["S2"].pk)] == ["劳动合同"]
    assert not outreach_events(legal, unit=world.units["D2"].pk).exists()
    assert [e.topic for e in outreach_events(people["neighbour"])] == ["劳动合同"]


def count_queries(user, year):
    with CaptureQueriesContext(connection) as queries:
        totals = totals_by_unit(user, year=year)
        totals_by_street(totals)
    return len(queries)


def test_totals_take_the_same_queries_for_1_and_20_events(world, people):
    record(world, people, "E1", "chair", "2026-04-01", 3)
    one = count_queries(people["legal"], 2026)
    codes = ["D1", "S1", "E1", "S2", "E2"]
    who = {"D1": "legal", "S1": "street", "E1": "chair", "S2": "neighbour", "E2": "neighbour"}
    for n in range(19):
        code = codes[n % len(codes)]
        record(world, people, code, who[code], f"2026-05-{n + 1:02d}", n + 1)
    assert count_queries(people["legal"], 2026) == one <= 4
