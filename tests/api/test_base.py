"""The API's base: token auth, one error shape, pagination, scoped and masked
resources, the logged reveal, memberships for administrators."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from casework.hardship.models import HardshipCase
from casework.ledger.models import LedgerEntry
from casework.org.models import Membership, Unit
from casework.people.models import Person
from notifications.models import OutboxMessage

PASSWORD = "api-test-pass-2026"


@pytest.fixture
def api():
    return APIClient()


def login(api, user):
    api.force_authenticate(user)
    return api


def state():
    return (
        LedgerEntry.objects.count(),
        list(Membership.objects.order_by("pk").values_list("pk", "valid_until")),
        Person.objects.count(),
        HardshipCase.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_token_for_a_username_and_password(api, world, user_with):
    user = user_with("street_caseworker", world.units["S1"])
    user.set_password(PASSWORD)
    user.save()
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["username"] == user.username


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_bad_credentials_are_one_clear_error(api, world, user_with, password):
    user = user_with("street_caseworker", world.units["S1"])
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": password}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "message", "fields"}
    assert "password" in body["fields"]


def test_anonymous_gets_401_in_the_error_shape(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_me_lists_memberships_and_actions(api, world, user_with):
    user = user_with("street_approver", world.units["S1"])
    body = login(api, user).get("/api/v1/me/").json()
    assert body["memberships"] == [
        {
            "unit": world.units["S1"].pk,
            "unit_name": "一街道工会",
            "unit_code": "S1",
            "role": "street_approver",
            "role_label": "街道（园区）审批人",
        }
    ]
    assert "case.decide" in body["actions"] and "person.manage" not in body["actions"]


def test_lists_are_paginated_and_scoped(api, world, user_with):
    user = user_with("street_caseworker", world.units["S1"])
    body = login(api, user).get("/api/v1/units/?page_size=1").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2 and body["next"] and len(body["results"]) == 1
    codes = [u["code"] for u in api.get("/api/v1/units/").json()["results"]]
    assert codes == ["S1", "E1"]


def test_every_object_outside_scope_is_absent(api, world, user_with):
    user = login(api, user_with("street_caseworker", world.units["S1"]))
    inside = {"S1", "E1"}
    for code, unit in world.units.items():
        expected = 200 if code in inside else 404
        assert api.get(f"/api/v1/units/{unit.pk}/").status_code == expected, code
        assert api.get(f"/api/v1/people/{world.people[code].pk}/").status_code == expected, code
        if code not in inside:
            response = api.post(f"/api/v1/people/{world.people[code].pk}/reveal/", {"reason": "核实"}, format="json")
            assert response.status_code == 404
            assert response.json() == {"error": "not_found", "message": "未找到。", "fields": {}}
            assert (
                api.post(
                    f"/api/v1/memberships/{world.memberships[code].pk}/end/", {"reason": "x"}, format="json"
                ).status_code
                == 404
            )
    assert api.get("/api/v1/units/999999/").json()["error"] == "not_found"
    del user


def test_people_are_masked_and_searchable(api, world, user_with):
    login(api, user_with("street_caseworker", world.units["S1"]))
    person = world.people["E1"]
    results = api.get("/api/v1/people/").json()["results"]
    assert {r["id"] for r in results} == {world.people["S1"].pk, person.pk}
    shown = next(r for r in results if r["id"] == person.pk)
    assert shown["id_number"] != person.id_number and shown["id_number"].endswith(person.id_number[-4:])
    assert "*" in shown["mobile"] and "birth_date" not in shown
    found = api.get(f"/api/v1/people/?q={person.id_number[-4:]}").json()["results"]
    assert [r["id"] for r in found] == [person.pk]
    assert person.id_number not in api.get(f"/api/v1/people/{person.pk}/").content.decode()


def test_a_reveal_returns_the_numbers_and_is_logged(api, world, user_with):
    user = user_with("street_caseworker", world.units["S1"])
    person = world.people["E1"]
    response = login(api, user).post(f"/api/v1/people/{person.pk}/reveal/", {"reason": "发放核对"}, format="json")
    assert response.json() == {"id_number": person.id_number, "mobile": person.mobile}
    entry = LedgerEntry.objects.latest("seq")
    assert (entry.action, entry.actor, entry.reason, entry.actor_unit) == (
        "person.revealed",
        user,
        "发放核对",
        world.units["S1"],
    )


def test_a_reveal_without_reason_or_right_changes_nothing(api, world, user_with):
    person = world.people["E1"]
    caseworker, auditor = user_with("street_caseworker", world.units["S1"]), user_with("auditor", world.units["D1"])
    before = state()
    login(api, caseworker)
    response = api.post(f"/api/v1/people/{person.pk}/reveal/", {"reason": " "}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    login(api, auditor)
    response = api.post(f"/api/v1/people/{person.pk}/reveal/", {"reason": "抽查"}, format="json")
    assert response.status_code == 403 and response.json()["error"] == "access.no_role"
    assert state() == before


def test_an_administrator_grants_and_ends_memberships(api, world, user_with, django_user_model):
    admin = user_with("administrator", world.units["D1"])
    newcomer = django_user_model.objects.create_user(username="newcomer")
    login(api, admin)
    response = api.post(
        "/api/v1/memberships/",
        {"user": newcomer.pk, "unit": world.units["S1"].pk, "role": "street_caseworker"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    membership_id = response.json()["id"]
    granted = LedgerEntry.objects.latest("seq")
    assert granted.actor == admin and granted.actor_role == "administrator"
    response = api.post(f"/api/v1/memberships/{membership_id}/end/", {"reason": "调离"}, format="json")
    assert response.status_code == 200 and response.json()["valid_until"]
    # A unit in another district does not exist, as far as this administrator knows.
    response = api.post(
        "/api/v1/memberships/",
        {"user": newcomer.pk, "unit": world.units["S3"].pk, "role": "street_caseworker"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["fields"] == {"unit": ["单位：不存在。"]}


def test_the_auditor_writes_nothing_anywhere(api, world, staff, user_with, django_user_model):
    from casework.cases.selectors import case_open_task
    from tests.hardship.test_flow import submit

    case = submit(world, staff)
    task = case_open_task(case)
    assert task is not None
    auditor = user_with("auditor", world.units["D1"])
    other = django_user_model.objects.create_user(username="other")
    before = state()
    login(api, auditor)
    writes = [
        ("/api/v1/memberships/", {"user": other.pk, "unit": world.units["S1"].pk, "role": "street_caseworker"}),
        (f"/api/v1/memberships/{world.memberships['S1'].pk}/end/", {"reason": "x"}),
        (f"/api/v1/people/{world.people['E1'].pk}/reveal/", {"reason": "x"}),
        (f"/api/v1/tasks/{task.pk}/claim/", {}),
        (f"/api/v1/tasks/{task.pk}/complete/", {"action": "record_home_visit", "data": {}}),
        (
            "/api/v1/hardship/cases/",
            {
                "worker": world.people["E2"].pk,
                "category": "deep",
                "cause": "illness",
                "statement": "x",
                "consent": True,
            },
        ),
    ]
    for url, data in writes:
        response = api.post(url, data, format="json")
        assert response.status_code == 403, (url, response.json())
    for url in ("/api/v1/units/", "/api/v1/people/", f"/api/v1/units/{world.units['S1'].pk}/"):
        assert api.post(url, {}, format="json").status_code == 405
        assert api.delete(url).status_code == 405
    assert state() == before
    task.refresh_from_db()
    assert task.status == "NEW" and OutboxMessage.objects.filter(recipient=auditor).count() == 0


def test_the_schema_and_the_docs_are_served_without_a_cdn(client, world, user_with):
    client.force_login(user_with("auditor", world.units["D1"]))
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/people/{id}/reveal/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


def test_english_error_messages(api, world, user_with):
    login(api, user_with("auditor", world.units["D1"]))
    response = api.post(
        f"/api/v1/people/{world.people['E1'].pk}/reveal/", {"reason": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["message"] == "Your role cannot do this."
    assert Unit.objects.count() == 7
