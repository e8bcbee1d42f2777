"""The inbox and the case page: scoped, actions from the table, errors on their field."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.ledger.models import LedgerEntry
from casework.people.models import Person
from casework.people.synthetic import SyntheticPeople
from tests.hardship.test_flow import submit


def more_cases(world, staff, count: int, seed: int) -> None:
    """``count`` more cases at the home visit, each of another worker of E1."""
    people = SyntheticPeople(seed)
    for _index in range(count):
        p = people.person(today=timezone.localdate())
        worker = Person.objects.create(
            name=p.name, id_number=p.id_number, gender="male", birth_date=p.birth_date, employer=world.units["E1"]
        )
        submit(world, staff, worker=worker)


def case_links(html: str) -> int:
    return len(re.findall(r'href="/cases/\d+/"', html))


def snapshot(case):
    case.refresh_from_db()
    return case.state, LedgerEntry.objects.count()


def test_the_inbox_shows_the_steps_my_role_takes_in_my_scope(client, world, staff, user_with):
    case = submit(world, staff)
    client.force_login(staff["caseworker"])
    html = client.get("/cases/inbox/").content.decode()
    assert f'href="/cases/{case.pk}/"' in html and "待入户调查" in html
    # The approver of the same street has nothing to do yet; a neighbour sees nothing.
    for other in (staff["street_approver"], user_with("street_caseworker", world.units["S2"])):
        client.force_login(other)
        assert f'href="/cases/{case.pk}/"' not in client.get("/cases/inbox/").content.decode()


def test_the_inbox_takes_the_same_queries_for_one_case_and_for_fifty(client, world, staff):
    submit(world, staff)
    client.force_login(staff["caseworker"])
    client.get("/cases/inbox/")  # warm the per-process caches (content types) first
    with CaptureQueriesContext(connection) as one:
        client.get("/cases/inbox/")
    more_cases(world, staff, 49, seed=11)
    with CaptureQueriesContext(connection) as fifty:
        html = client.get("/cases/inbox/").content.decode()
    assert case_links(html) == 50
    assert len(fifty.captured_queries) == len(one.captured_queries)


def test_the_inbox_pages_by_fifty_in_its_order(client, world, staff):
    """Past fifty tasks the page shows fifty and links the next page, which
    holds the rest; the two pages together are the API's order."""
    submit(world, staff)
    more_cases(world, staff, 50, seed=12)
    client.force_login(staff["caseworker"])
    first = client.get("/cases/inbox/").content.decode()
    second = client.get("/cases/inbox/?page=2").content.decode()
    assert case_links(first) == 50 and case_links(second) == 1
    assert 'href="?page=2"' in first
    api = client.get("/api/v1/tasks/?page_size=51").json()
    assert api["count"] == 51
    shown = re.findall(r'href="/cases/(\d+)/"', first + second)
    assert shown == [str(task["case"]["id"]) for task in api["results"]]


def test_a_case_outside_scope_is_absent(client, world, staff, user_with):
    case = submit(world, staff)
    client.force_login(user_with("street_caseworker", world.units["S2"]))
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/act/", {"action": "record_home_visit"}).status_code == 404
    assert client.get("/cases/999999/").status_code == 404


def test_a_step_taken_from_the_page(client, world, staff):
    case = submit(world, staff)
    client.force_login(staff["caseworker"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="data.visited_on"' in page and 'value="record_home_visit"' in page
    response = client.post(
        f"/cases/{case.pk}/act/",
        {"action": "record_home_visit", "data.visited_on": timezone.localdate().isoformat(), "data.report": "属实"},
    )
    assert response.status_code == 302
    assert HardshipCase.objects.get(pk=case.pk).state == State.UNIT_EVALUATION


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"data.visited_on": "", "data.report": "属实"}, "入户调查日期：必填。"),
        ({"data.visited_on": "2999-01-01", "data.report": "属实"}, "入户调查日期：不能晚于"),
        ({"data.visited_on": "2026-01-01", "data.report": " "}, "入户调查报告：必填。"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(client, world, staff, posted, message):
    case = submit(world, staff)
    before = snapshot(case)
    client.force_login(staff["caseworker"])
    response = client.post(f"/cases/{case.pk}/act/", {"action": "record_home_visit", **posted})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot(case) == before


def test_an_auditor_reads_the_case_and_its_trail_and_can_do_nothing(client, world, staff, user_with):
    case = submit(world, staff)
    auditor = user_with("auditor", world.units["D1"])
    client.force_login(auditor)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "hardship.submitted" in page and 'name="action"' not in page
    before = snapshot(case)
    response = client.post(
        f"/cases/{case.pk}/act/",
        {"action": "record_home_visit", "data.visited_on": "2026-01-01", "data.report": "x"},
    )
    assert response.status_code == 403
    assert snapshot(case) == before


def test_the_hardship_list_filters_and_keeps_its_query_count(client, world, staff, user_with):
    submit(world, staff)
    client.force_login(staff["district_approver"])
    client.get("/cases/hardship/")  # warm the per-process caches (content types) first
    with CaptureQueriesContext(connection) as one:
        html = client.get("/cases/hardship/").content.decode()
    assert case_links(html) == 1
    more_cases(world, staff, 49, seed=12)
    with CaptureQueriesContext(connection) as fifty:
        html = client.get("/cases/hardship/").content.decode()
    assert case_links(html) == 50
    assert len(fifty.captured_queries) == len(one.captured_queries)
    assert case_links(client.get("/cases/hardship/?state=filed").content.decode()) == 0
    assert case_links(client.get(f"/cases/hardship/?unit={world.units['S2'].pk}").content.decode()) == 0
    client.force_login(user_with("street_caseworker", world.units["S2"]))
    assert case_links(client.get("/cases/hardship/").content.decode()) == 0


def test_the_api_lists_keep_their_query_count(world, staff):
    from rest_framework.test import APIClient

    submit(world, staff)
    api = APIClient()
    api.force_authenticate(staff["district_approver"])
    inbox_api = APIClient()
    inbox_api.force_authenticate(staff["caseworker"])  # the home visits are theirs
    api.get("/api/v1/hardship/cases/"), inbox_api.get("/api/v1/tasks/")  # warm the per-process caches
    counts = []
    for extra in (0, 49):
        more_cases(world, staff, extra, seed=20)
        with CaptureQueriesContext(connection) as queries:
            body = api.get("/api/v1/hardship/cases/").json()
            tasks = inbox_api.get("/api/v1/tasks/").json()
        counts.append((body["count"], tasks["count"], len(queries.captured_queries)))
    assert counts[0][:2] == (1, 1) and counts[1][:2] == (50, 50)
    assert counts[0][2] == counts[1][2], counts
