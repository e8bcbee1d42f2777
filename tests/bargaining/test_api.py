"""The generic task API walks a bargaining case from the offer to an
agreement in force: each user finds the task in their inbox, reads its
actions and their schemas, uploads the outside party's letter where the
step needs it, and completes it. Errors name the field, in the one shape."""

from __future__ import annotations

from decimal import Decimal

from casework.bargaining.choices import State
from casework.bargaining.models import BargainingCase
from tests.api.helpers import as_user, is_error
from tests.bargaining.conftest import DRAFT, VOTE, ago, employer_seats, fresh, union_seats
from tests.cases.conftest import PDF, upload
from tests.hardship.conftest import open_task


def inbox_task(api, user, case):
    as_user(api, user)
    listed = api.get("/api/v1/tasks/").json()["results"]
    mine = [t for t in listed if t["case"]["id"] == case.pk]
    assert len(mine) == 1, listed
    return api.get(f"/api/v1/tasks/{mine[0]['id']}/").json()


def complete(api, user, case, action, reason="", **data):
    task = inbox_task(api, user, case)
    assert action in [a["name"] for a in task["actions"]], task["actions"]
    response = api.post(
        f"/api/v1/tasks/{task['id']}/complete/", {"action": action, "reason": reason, "data": data}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()


def upload_letter(api, user, case, name):
    as_user(api, user)
    response = api.post(
        f"/api/v1/cases/bargaining/{case.pk}/documents/",
        {"kind": "letter", "file": upload(name, PDF)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()


def test_the_task_api_walks_a_bargaining_case_to_an_agreement_in_force(world, team, api, media):
    as_user(api, team["chair"])
    response = api.post(
        "/api/v1/bargaining/cases/",
        {
            "unit": world.units["E1"].pk,
            "workers_covered": 320,
            "preparation": {"average_wage": "6200", "preparation_sources": "企业工资台账2025"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    case = BargainingCase.objects.get(pk=response.json()["id"])
    assert (case.average_wage, case.preparation_sources) == (Decimal("6200"), "企业工资台账2025")
    response = api.put(
        f"/api/v1/bargaining/cases/{case.pk}/sides/union/", {"seats": union_seats(world)[:2]}, format="json"
    )
    assert response.status_code == 400 and is_error(response.json(), "bargaining.too_few_seats")
    assert "union_seats" in response.json()["fields"]
    response = api.put(f"/api/v1/bargaining/cases/{case.pk}/sides/union/", {"seats": union_seats(world)}, format="json")
    assert response.status_code == 200 and len(response.json()["seats"]) == 3
    task = inbox_task(api, team["chair"], case)
    offer = next(a for a in task["actions"] if a["name"] == "serve_offer")
    assert set(offer["schema"]["required"]) == {"offered_by", "served_on"}
    assert task["due"] is not None
    upload_letter(api, team["chair"], case, "送达回证.pdf")
    complete(api, team["chair"], case, "serve_offer", offered_by="union", served_on=ago(3))

    # The employer's letter first, then the step that records it.
    task = inbox_task(api, team["caseworker"], case)
    response = api.post(
        f"/api/v1/tasks/{task['id']}/complete/",
        {"action": "record_acceptance", "data": {"replied_on": ago(1)}},
        format="json",
    )
    assert response.status_code == 400 and is_error(response.json(), "case.evidence_required")
    assert "documents" in response.json()["fields"]
    upload_letter(api, team["caseworker"], case, "回函.pdf")
    complete(api, team["caseworker"], case, "record_acceptance", replied_on=ago(1))

    as_user(api, team["chair"])
    seats = api.put(
        f"/api/v1/bargaining/cases/{case.pk}/sides/employer/", {"seats": employer_seats()}, format="json"
    ).json()["seats"]
    minutes = {"held_on": ago(1), "recorder": "书记员王", "minutes": "……", "chiefs_confirmed": True}
    response = api.post(
        f"/api/v1/bargaining/cases/{case.pk}/rounds/",
        {**minutes, "attendance": [s["id"] for s in seats]},
        format="json",
    )
    assert response.status_code == 201 and response.json()["rounds"][0]["attendance"] == [s["id"] for s in seats]
    complete(api, team["chair"], case, "agree_draft", **DRAFT)
    bad = {**VOTE, "present": 50, "yes": 30, "no": 20, "abstain": 0}
    task = inbox_task(api, team["chair"], case)
    response = api.post(
        f"/api/v1/tasks/{task['id']}/complete/", {"action": "congress_approve", "data": bad}, format="json"
    )
    assert response.status_code == 400 and is_error(response.json(), "bargaining.congress_not_passed")
    assert fresh(case).state == State.CONGRESS_VOTE
    complete(api, team["chair"], case, "congress_approve", **VOTE)
    complete(api, team["chair"], case, "sign", signed_on=ago(1))
    upload_letter(api, team["chair"], case, "报送回执.pdf")
    complete(api, team["chair"], case, "file", submitted_on=ago(0), received_on=ago(0))
    # Taken on expiry by the scan: never offered to a user.
    task = inbox_task(api, team["caseworker"], case)
    assert "no_objection" not in [a["name"] for a in task["actions"]]
    upload_letter(api, team["caseworker"], case, "审查意见.pdf")
    complete(api, team["caseworker"], case, "record_approval", approved_on=ago(0))
    body = complete(api, team["chair"], case, "publish", published_on=ago(0))
    assert body["state"] == State.PUBLISHED
    assert open_task(fresh(case)).flow_task.name == "published"
