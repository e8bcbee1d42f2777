"""The generic task API alone carries a case from submission to filed: the
client reads each task's actions and the JSON Schema of their data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from casework.hardship.models import HardshipCase
from casework.ledger.models import LedgerEntry
from tests.hardship.conftest import deep_incomes

DETOURS = {"return", "reject", "withdraw"}


def value_for(name: str, spec: dict) -> object:
    """What a generic client fills in, from the schema alone."""
    today = timezone.localdate()
    if spec.get("format") == "date":
        if name.endswith("until"):
            return str(today - timedelta(days=7))
        if name.endswith("from"):
            return str(today - timedelta(days=30))
        return str(today - timedelta(days=31))
    if spec.get("type") == "integer":
        return 10
    if "oneOf" in spec:
        return spec["oneOf"][0]["const"]
    return "按要求填写"


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_case_walks_from_submission_to_filed_through_the_task_api(world, staff):
    chair = client_for(staff["chair"])
    response = chair.post(
        "/api/v1/hardship/cases/",
        {
            "worker": world.people["E1"].pk,
            "category": "deep",
            "cause": "illness",
            "statement": "患病致困",
            "consent": True,
            "incomes": deep_incomes("800"),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    case_id = response.json()["id"]
    people = [staff[k] for k in ("caseworker", "chair", "street_approver", "district_approver")]
    steps = 0
    while HardshipCase.objects.get(pk=case_id).state != "filed":
        steps += 1
        assert steps < 10, "the case did not reach filed"
        for user in people:
            api = client_for(user)
            tasks = [t for t in api.get("/api/v1/tasks/").json()["results"] if t["case"]["id"] == case_id]
            if not tasks:
                continue
            detail = api.get(f"/api/v1/tasks/{tasks[0]['id']}/").json()
            forward = [a for a in detail["actions"] if a["name"] not in DETOURS]
            if not forward:
                continue
            action = forward[0]
            props = action["schema"].get("properties", {})
            data = {
                name: value_for(name, spec)
                for name, spec in props.items()
                if name in action["schema"].get("required", [])
            }
            response = api.post(
                f"/api/v1/tasks/{detail['id']}/complete/",
                {"action": action["name"], "reason": "", "data": data},
                format="json",
            )
            assert response.status_code == 200, (action["name"], response.json())
            break
        else:
            pytest.fail("nobody had a step to take")
    case = client_for(staff["district_approver"]).get(f"/api/v1/hardship/cases/{case_id}/").json()
    assert case["state"] == "filed" and case["number"].startswith("困")
    assert [t["name"] for t in case["tasks"]] == ["filed"]
    trail = client_for(staff["chair"]).get(f"/api/v1/cases/hardship/{case_id}/trail/").json()["results"]
    assert trail[0]["action"] == "hardship.submitted" and trail[-1]["to_state"] == "filed"


def test_tasks_and_cases_outside_scope_are_absent(world, staff, user_with):
    from tests.hardship.test_flow import submit

    case = submit(world, staff)
    task_id = client_for(staff["caseworker"]).get("/api/v1/tasks/").json()["results"][0]["id"]
    neighbour = client_for(user_with("street_caseworker", world.units["S2"]))
    before = LedgerEntry.objects.count()
    assert neighbour.get(f"/api/v1/tasks/{task_id}/").status_code == 404
    assert neighbour.post(f"/api/v1/tasks/{task_id}/claim/").status_code == 404
    response = neighbour.post(f"/api/v1/tasks/{task_id}/complete/", {"action": "record_home_visit"}, format="json")
    assert response.status_code == 404
    assert neighbour.get(f"/api/v1/hardship/cases/{case.pk}/").status_code == 404
    assert neighbour.get(f"/api/v1/cases/hardship/{case.pk}/trail/").status_code == 404
    assert neighbour.get("/api/v1/hardship/cases/").json()["count"] == 0
    assert LedgerEntry.objects.count() == before


def test_a_refused_step_is_403_with_the_rule_and_a_bad_one_400_on_its_field(world, staff):
    from tests.hardship.test_flow import submit

    submit(world, staff)
    task_id = client_for(staff["caseworker"]).get("/api/v1/tasks/").json()["results"][0]["id"]
    before = LedgerEntry.objects.count()
    response = client_for(staff["street_approver"]).post(
        f"/api/v1/tasks/{task_id}/complete/", {"action": "record_home_visit", "data": {}}, format="json"
    )
    assert response.status_code == 403 and response.json()["error"] == "access.no_role"
    response = client_for(staff["caseworker"]).post(
        f"/api/v1/tasks/{task_id}/complete/",
        {"action": "record_home_visit", "data": {"visited_on": "2026-13-01"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "field_date_invalid" and "visited_on" in response.json()["fields"]
    assert LedgerEntry.objects.count() == before


def test_claiming_a_task(world, staff, user_with):
    from tests.hardship.test_flow import submit

    submit(world, staff)
    other = user_with("street_caseworker", world.units["S1"])
    task_id = client_for(staff["caseworker"]).get("/api/v1/tasks/").json()["results"][0]["id"]
    claimed = client_for(staff["caseworker"]).post(f"/api/v1/tasks/{task_id}/claim/")
    assert claimed.status_code == 200 and claimed.json()["assignee"] == staff["caseworker"].username
    response = client_for(other).post(
        f"/api/v1/tasks/{task_id}/complete/",
        {"action": "record_home_visit", "data": {"visited_on": str(timezone.localdate()), "report": "x"}},
        format="json",
    )
    assert response.status_code == 403 and response.json()["error"] == "task.claimed_by_other"


def test_the_case_list_filters(world, staff):
    from tests.hardship.test_flow import submit

    submit(world, staff)
    api = client_for(staff["district_approver"])
    assert api.get("/api/v1/hardship/cases/?state=home_visit").json()["count"] == 1
    assert api.get("/api/v1/hardship/cases/?state=filed").json()["count"] == 0
    assert api.get(f"/api/v1/hardship/cases/?unit={world.units['S1'].pk}").json()["count"] == 1
    assert api.get(f"/api/v1/hardship/cases/?unit={world.units['S2'].pk}").json()["count"] == 0
    assert api.get("/api/v1/hardship/cases/?category=relative").json()["count"] == 0
