"""A district's campaign (集中要约): one case per enterprise with the
district's offer served, its task and due date, a ledger entry each, the
chairs told; enterprises that already bargain skipped; every refusal
leaves nothing behind."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook
from viewflow.workflow.models import Task

from casework.bargaining.campaign_selection import Listed, listed_from_file
from casework.bargaining.campaign_selectors import campaign_summary
from casework.bargaining.choices import State
from casework.bargaining.models import BargainingCase
from casework.bargaining.services import bargaining_case_open, bargaining_side_set
from casework.calendar import add_days
from casework.district.models import DistrictSetting
from casework.errors import LineErrors, NotAllowed, RuleViolation
from casework.ledger.models import LedgerEntry
from casework.ledger.verify import ledger_verify
from notifications.events import render_message
from notifications.models import OutboxMessage
from tests.bargaining.campaign_fixtures import counts, enterprises, members, served, start
from tests.bargaining.conftest import fresh, letter, step, union_seats
from tests.hardship.conftest import open_task
from tests.services import require_postgres


@pytest.fixture
def district_caseworker(world, user_with, district):
    return user_with("district_caseworker", world.units["D1"])


def test_a_campaign_opens_a_case_per_enterprise_with_the_district_offer_served(
    world, district_caseworker, user_with, team
):
    extra = enterprises(world.units["S1"], 2, each=3)
    campaign = start(world, district_caseworker, offer_served_on=served(3))

    cases = list(BargainingCase.objects.filter(campaign=campaign).order_by("number"))
    assert [c.unit for c in cases] == [world.units["E1"], *extra, world.units["E2"]]  # tree order
    assert [c.number for c in cases] == [f"协{timezone.localdate().year}-{n:06d}" for n in range(1, 5)]
    assert [c.workers_covered for c in cases] == [1, 3, 3, 1]  # members registered with each
    served_on = timezone.localdate() - timedelta(days=3)
    for case in cases:
        assert (case.state, case.offered_by, case.offer_served_on) == (State.OFFER_SERVED, "union", served_on)
        assert case.filed_by == district_caseworker and case.unit_path == case.unit.path
        task = open_task(case)
        assert task.flow_task.name == "offer_served"
        # The employer's 20 days run from the day the offer was served (32).
        assert task.deadline.due == add_days(served_on, 20).date
    assert campaign.skipped == [] and campaign.selection["subtree"] == "D1"

    entries = list(LedgerEntry.objects.filter(action__startswith="bargaining.").order_by("seq"))
    assert [e.action for e in entries] == ["bargaining.campaign_started"] + ["bargaining.opened"] * 4
    assert entries[0].subject_type == "bargaining.campaign" and entries[0].payload["cases"] == 4
    assert {e.payload["campaign"] for e in entries[1:]} == {campaign.pk}
    assert all(e.actor == district_caseworker and e.actor_role == "district_caseworker" for e in entries)
    assert all(e.to_state == State.OFFER_SERVED for e in entries[1:])
    assert ledger_verify().ok

    # E1's chair (and the world's holder, a chair everywhere) are told, each about their own case.
    told = OutboxMessage.objects.filter(event="bargaining.campaign_opened", recipient=team["chair"])
    assert [m.subject_id for m in told] == [str(cases[0].pk)]
    rendered = render_message(told[0])
    assert cases[0].number in rendered.title and campaign.name in rendered.body
    assert rendered.link == f"/cases/{cases[0].pk}/"


def test_the_chair_names_the_side_and_the_staff_record_the_answer(world, district_caseworker, team):
    campaign = start(world, district_caseworker)
    case = BargainingCase.objects.get(campaign=campaign, unit=world.units["E1"])
    bargaining_side_set(case=case, side="union", seats=union_seats(world), by=team["chair"])
    step(case, "record_acceptance", team["caseworker"], documents=letter(), replied_on=served(1))
    assert fresh(case).state == State.NEGOTIATING
    assert open_task(case).flow_task.name == "negotiating"


def test_enterprises_already_bargaining_or_without_members_are_skipped_and_listed(world, district_caseworker, team):
    earlier = bargaining_case_open(unit=world.units["E1"], workers_covered=30, by=team["chair"])
    [empty] = enterprises(world.units["S2"], 1, each=0)
    campaign = start(world, district_caseworker)

    assert [(s["code"], s["reason"], s["number"]) for s in campaign.skipped] == [
        ("E1", "already_open", earlier.number),
        (empty.code, "no_workers", ""),
    ]
    assert list(campaign.cases.values_list("unit__code", flat=True)) == ["E2"]
    assert LedgerEntry.objects.get(action="bargaining.campaign_started").payload["skipped"] == [
        {"code": "E1", "reason": "already_open"},
        {"code": empty.code, "reason": "no_workers"},
    ]


def test_a_list_names_the_enterprises_and_may_give_the_workers_covered(world, district_caseworker):
    [a, b] = enterprises(world.units["S2"], 2, each=2)
    campaign = start(world, district_caseworker, listed=[Listed(2, b.code.lower(), "250"), Listed(3, a.code)])
    assert [(c.unit, c.workers_covered) for c in campaign.cases.order_by("number")] == [(b, 250), (a, 2)]
    assert campaign.selection == {"list": 2}


def test_a_range_takes_one_street_one_kind_and_a_minimum_of_members(world, district_caseworker):
    [_small, large] = enterprises(world.units["S1"], 2, each=1)
    members(large, 4)
    enterprises(world.units["S2"], 1, each=9)
    campaign = start(world, district_caseworker, subtree=world.units["S1"], min_workers=3)
    assert [c.unit for c in campaign.cases.all()] == [large]
    assert campaign.selection == {"subtree": "S1", "kinds": ["enterprise"], "min_workers": 3}


def refusals(world):
    other = world.units["E2"].code
    return {
        "not_a_district": ({"district": world.units["S1"]}, "bargaining.campaign_not_district", "district"),
        "no_name": ({"name": "  "}, "field_required", "name"),
        "served_tomorrow": (
            {"offer_served_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "field_date_future",
            "offer_served_on",
        ),
        "year_far": ({"year": 2019}, "bargaining.campaign_year", "year"),
        "outside_district": ({"subtree": world.units["S3"]}, "bargaining.campaign_outside_district", "subtree"),
        "bad_kind": ({"kinds": ["street"]}, "field_choice_invalid", "kinds"),
        "nobody_large_enough": ({"min_workers": 50}, "bargaining.campaign_no_enterprises", "subtree"),
        "list_and_range": (
            {"subtree": world.units["S1"], "listed": [Listed(2, other)]},
            "bargaining.campaign_two_selections",
            "units",
        ),
        "empty_list": ({"listed": []}, "bargaining.campaign_list_empty", "units"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "not_a_district",
        "no_name",
        "served_tomorrow",
        "year_far",
        "outside_district",
        "bad_kind",
        "nobody_large_enough",
        "list_and_range",
        "empty_list",
    ],
)
def test_a_broken_rule_refuses_the_whole_campaign_and_changes_nothing(world, district_caseworker, name):
    options, code, field = refusals(world)[name]
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        start(world, district_caseworker, **options)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert counts() == before


def test_a_list_with_bad_lines_is_refused_whole_naming_each_line(world, district_caseworker):
    before = counts()
    listed = [
        Listed(2, "E1"),
        Listed(3, "S3"),  # another district's street: unknown here
        Listed(4, "S1"),  # a street, not a grass-roots union
        Listed(5, "e1"),  # E1 again
        Listed(6, "E2", "0"),
        Listed(7, "NOPE"),
        Listed(8, ""),
    ]
    with pytest.raises(LineErrors) as refused:
        start(world, district_caseworker, listed=listed)
    assert [(line["line"], line["code"], line["field"]) for line in refused.value.lines] == [
        (3, "bargaining.unit_unknown", "code"),
        (4, "bargaining.unit_not_grass_roots", "code"),
        (5, "bargaining.unit_repeated", "code"),
        (6, "field_too_small", "workers_covered"),
        (7, "bargaining.unit_unknown", "code"),
        (8, "field_required", "code"),
    ]
    assert "3、4、5、6、7、8" in str(refused.value.message)
    assert counts() == before


def test_when_every_enterprise_already_bargains_the_campaign_is_refused(world, district_caseworker, team):
    start(world, district_caseworker)
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        start(world, district_caseworker, name="再来一次")
    assert (refused.value.code, refused.value.field) == ("bargaining.campaign_nothing_to_start", "subtree")
    assert counts() == before


def test_a_district_without_its_reply_period_refuses_before_writing(world, district_caseworker):
    DistrictSetting.objects.filter(key="bargaining.reply_days").delete()
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        start(world, district_caseworker)
    assert refused.value.code == "district.setting_missing"
    assert counts() == before


@pytest.mark.parametrize(
    ("role", "unit"),
    [("street_caseworker", "S1"), ("district_approver", "D1"), ("legal_officer", "D1"), ("district_caseworker", "D2")],
)
def test_only_the_districts_caseworkers_start_its_campaigns(world, district, user_with, role, unit):
    before = counts()
    with pytest.raises(NotAllowed):
        start(world, user_with(role, world.units[unit]))
    assert counts() == before


def test_the_summary_counts_states_overdue_answers_signatures_and_streets(world, district_caseworker):
    enterprises(world.units["S1"], 3, each=10)
    campaign = start(world, district_caseworker, offer_served_on=served(30))  # the 20 days are over
    cases = list(campaign.cases.order_by("number"))  # E1, three in S1, E2 in S2
    moves = {1: State.SIGNING, 2: State.FILING, 3: State.PUBLISHED, 4: State.EFFECTIVE}
    for index, state in moves.items():
        BargainingCase.objects.filter(pk=cases[index].pk).update(state=state)
    summary = campaign_summary(district_caseworker, campaign)

    assert summary.total == 5 and summary.replies_overdue == 1  # E1 still waits for its answer
    assert {row.state: row.cases for row in summary.by_state} == {
        State.OFFER_SERVED: 1,
        State.SIGNING: 1,
        State.FILING: 1,
        State.PUBLISHED: 1,
        State.EFFECTIVE: 1,
    }
    assert (summary.signed, summary.effective) == (3, 2)
    assert (summary.workers_covered, summary.workers_in_force) == (1 + 30 + 1, 10 + 1)
    assert str(summary.signing_rate) == "60.0"
    [s1, s2] = summary.streets
    assert (s1.unit, s1.cases, s1.signed, s1.effective, s1.workers_in_force) == (world.units["S1"], 4, 2, 1, 10)
    assert (s2.unit, s2.cases, s2.signed, s2.effective, str(s2.signing_rate)) == (world.units["S2"], 1, 1, 1, "100.0")


def test_an_enterprise_directly_under_the_district_counts_as_its_own_line(world, district_caseworker):
    [direct] = enterprises(world.units["D1"], 1, each=2)
    campaign = start(world, district_caseworker)
    streets = campaign_summary(district_caseworker, campaign).streets
    assert [(s.unit, s.cases) for s in streets] == [(world.units["S1"], 1), (world.units["S2"], 1), (None, 1)]
    assert campaign.cases.filter(unit=direct).exists()


@pytest.mark.postgres
def test_fifty_enterprises_start_on_postgresql_in_a_few_statements(world, district_caseworker):
    require_postgres()
    enterprises(world.units["S1"], 25, each=2)
    enterprises(world.units["S2"], 25, each=2)
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        campaign = start(world, district_caseworker)
        seconds = time.perf_counter() - began
    assert campaign.cases.count() == 52
    # The bulk path: statements do not grow with the enterprises (the
    # notifications, delivered in-process after commit here, do).
    inside = [q for q in queries.captured_queries if "outbox" not in q["sql"] and "preference" not in q["sql"]]
    assert len(inside) < 60, len(inside)
    assert seconds < 5
    assert Task.objects.filter(process__in=campaign.cases.all(), status="NEW").count() == 52
    assert LedgerEntry.objects.filter(action="bargaining.opened").count() == 52
    assert ledger_verify().ok


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.txt", b"E1\n", "只支持"),
        ("list.csv", "企业名称\n一厂\n".encode(), "单位代码"),
        ("list.csv", b"", "空的"),
        ("list.xlsx", b"not a workbook", "XLSX"),
    ],
)
def test_an_unreadable_list_file_names_the_file(name, content, message):
    with pytest.raises(RuleViolation) as refused:
        listed_from_file(content, name)
    assert refused.value.field == "file" and message in str(refused.value.message)


def test_a_list_file_is_read_with_its_row_numbers_and_whole_numbers():
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["序号", "单位代码（必填）", "覆盖职工人数"], [1, "E1", 120.0], [None, None, None], [3, 1001, None]):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    assert listed_from_file(out.getvalue(), "名单.xlsx") == [Listed(2, "E1", "120"), Listed(4, "1001", "")]
