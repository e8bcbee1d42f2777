"""The bargaining pages: the list, opening a case, naming a side and
recording a round on the case page. A refusal shows the message, keeps
what was typed and changes nothing; outside scope is absent."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.bargaining.models import BargainingCase
from casework.org.models import UnitKind
from tests.bargaining.conftest import ago, fresh, opened, state_of, to_negotiating
from tests.web.helpers import make_unit


def side_form(rows, **extra):
    body: dict[str, str] = {}
    for i, row in enumerate(rows):
        body |= {f"seat-{i}-{k}": v for k, v in row.items()}
    return body | extra


def test_the_list_shows_cases_in_scope_and_takes_the_same_queries_for_one_and_thirty(client, world, team, staff):
    case = opened(world, team)
    client.force_login(team["caseworker"])
    client.get("/bargaining/")  # warm per-process caches
    with CaptureQueriesContext(connection) as one:
        html = client.get("/bargaining/").content.decode()
    assert f'href="/cases/{case.pk}/"' in html and "准备协商" in html
    for i in range(29):
        unit = make_unit(f"E1{i:02d}", f"企业{i}", UnitKind.ENTERPRISE, world.units["S1"])
        BargainingCase.objects.get(pk=opened_at(unit, team).pk)
    with CaptureQueriesContext(connection) as thirty:
        html = client.get("/bargaining/").content.decode()
    assert len(re.findall(r'href="/cases/\d+/"', html)) == 30
    assert len(thirty.captured_queries) == len(one.captured_queries)
    client.force_login(staff["neighbour_chair"])
    assert f'href="/cases/{case.pk}/"' not in client.get("/bargaining/").content.decode()


def opened_at(unit, team):
    from casework.bargaining.services import bargaining_case_open

    return bargaining_case_open(unit=unit, workers_covered=50, by=team["caseworker"])


def test_opening_a_case_from_the_page(client, world, team):
    client.force_login(team["chair"])
    page = client.get("/bargaining/new/").content.decode()
    assert world.units["E1"].name in page and world.units["E2"].name not in page
    count = BargainingCase.objects.count()
    response = client.post(
        "/bargaining/new/", {"unit": world.units["E1"].pk, "workers_covered": "320", "average_wage": "6200"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "数据来源：必填" in html and 'value="6200"' in html
    assert BargainingCase.objects.count() == count
    response = client.post(
        "/bargaining/new/",
        {"unit": world.units["E1"].pk, "workers_covered": "320", "average_wage": "6200", "preparation_sources": "台账"},
    )
    case = BargainingCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.workers_covered, case.filed_by) == (320, team["chair"])
    assert "低于当地最低工资标准" not in client.get(f"/cases/{case.pk}/").content.decode()


def test_a_lowest_wage_under_the_local_minimum_is_pointed_out(client, world, team):
    from casework.bargaining.services import bargaining_case_open

    case = bargaining_case_open(
        unit=world.units["E1"],
        workers_covered=80,
        preparation={"lowest_wage": "2500", "preparation_sources": "工资台账"},
        by=team["chair"],
    )
    client.force_login(team["chair"])
    assert "低于当地最低工资标准2690" in client.get(f"/cases/{case.pk}/").content.decode()


def test_people_who_may_not_open_a_bargaining_are_refused(client, world, user_with, staff):
    for user in (user_with("auditor", world.units["D1"]), user_with("finance_officer", world.units["D1"])):
        client.force_login(user)
        assert client.get("/bargaining/new/").status_code == 403
    # A neighbouring chair's choice of someone else's enterprise is not in the list: refused, nothing made.
    client.force_login(staff["neighbour_chair"])
    response = client.post("/bargaining/new/", {"unit": world.units["E1"].pk, "workers_covered": "3"})
    assert response.status_code == 400 and BargainingCase.objects.count() == 0


def test_naming_a_side_on_the_case_page(client, world, team):
    case = opened(world, team)
    client.force_login(team["chair"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "确定职工方代表" in page and world.people["E1"].name in page  # the chair, as the expected chief
    before = state_of(case)
    two = [{"name": "张三", "role": "chief"}, {"name": "李四", "role": "member"}]
    response = client.post(f"/bargaining/{case.pk}/sides/employer/", side_form(two))
    assert response.status_code == 400
    html = response.content.decode()
    assert "每方至少3人" in html and 'value="李四"' in html
    assert state_of(case) == before
    three = [
        {"id_number": world.people["E1"].id_number, "role": "chief"},
        {"name": "职工甲", "role": "member"},
        {"name": "职工乙", "role": "member"},
    ]
    response = client.post(f"/bargaining/{case.pk}/sides/union/", side_form(three))
    assert response.status_code == 302
    assert [s.name for s in fresh(case).seats.all()] == [world.people["E1"].name, "职工甲", "职工乙"]


def test_recording_a_round_on_the_case_page(client, world, team):
    case = to_negotiating(world, team)
    client.force_login(team["chair"])
    assert "登记协商会议" in client.get(f"/cases/{case.pk}/").content.decode()
    seats = [str(pk) for pk in case.seats.values_list("pk", flat=True)]
    before = state_of(case)
    body = {"held_on": ago(1), "recorder": "厂长甲", "minutes": "……", "attendance": seats, "chiefs_confirmed": "on"}
    response = client.post(f"/bargaining/{case.pk}/rounds/", body)
    assert response.status_code == 400 and "中立人员" in response.content.decode()
    assert state_of(case) == before
    response = client.post(f"/bargaining/{case.pk}/rounds/", {**body, "recorder": "书记员王"})
    assert response.status_code == 302 and fresh(case).rounds.get().chiefs_confirmed is True


def test_the_case_page_of_another_street_is_absent(client, world, team, user_with):
    case = opened(world, team)
    client.force_login(user_with("street_caseworker", world.units["S2"]))
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/bargaining/{case.pk}/sides/union/", {}).status_code == 404
