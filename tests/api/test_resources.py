"""me/, units, people (masked) and the logged reveal."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from casework.ledger.models import LedgerEntry
from casework.org.models import Membership
from casework.people.idnumber import mask_id_number, mask_phone
from permissions.roles import ROLES
from tests.api.helpers import as_user, is_error, snapshot


def test_me_lists_current_memberships_and_the_actions_they_allow(api, world, user_with):
    user = user_with("street_approver", world.units["S1"])
    Membership.objects.create(user=user, unit=world.units["D1"], role="auditor")
    Membership.objects.create(  # ended yesterday: not listed, allows nothing
        user=user,
        unit=world.units["D2"],
        role="administrator",
        valid_from=timezone.now() - timedelta(days=30),
        valid_until=timezone.now() - timedelta(days=1),
    )
    body = as_user(api, user).get("/api/v1/me/").json()
    assert (body["id"], body["username"], body["display_name"]) == (user.pk, user.username, user.display_name)
    assert body["memberships"] == [
        {
            "unit": world.units["D1"].pk,
            "unit_name": "一区总工会",
            "unit_code": "D1",
            "role": "auditor",
            "role_label": "审计人员",
        },
        {
            "unit": world.units["S1"].pk,
            "unit_name": "一街道工会",
            "unit_code": "S1",
            "role": "street_approver",
            "role_label": "街道（园区）审批人",
        },
    ]
    assert body["actions"] == sorted(ROLES["street_approver"].actions | ROLES["auditor"].actions)
    assert "membership.manage" not in body["actions"]


def test_me_in_english(api, world, user_with):
    as_user(api, user_with("street_approver", world.units["S1"]))
    body = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["memberships"][0]["role_label"] == "Street (park) approver"


def test_units_are_the_callers_subtree_in_tree_order(api, world, user_with):
    as_user(api, user_with("street_caseworker", world.units["S1"]))
    results = api.get("/api/v1/units/").json()["results"]
    assert [u["code"] for u in results] == ["S1", "E1"]
    s1, e1 = world.units["S1"], world.units["E1"]
    assert results[1] == {
        "id": e1.pk,
        "code": "E1",
        "name": "一厂工会",
        "kind": e1.kind,
        "parent": s1.pk,
        "path": e1.path,
        "depth": e1.depth,
        "closed_on": None,
    }
    as_user(api, user_with("auditor", world.units["D1"]))
    assert [u["code"] for u in api.get("/api/v1/units/").json()["results"]] == ["D1", "S1", "E1", "S2", "E2"]


def test_units_filter_by_parent_and_text(api, world, user_with):
    as_user(api, user_with("auditor", world.units["D1"]))

    def codes(**params):
        return [u["code"] for u in api.get("/api/v1/units/", params).json()["results"]]

    assert codes(parent=world.units["D1"].pk) == ["S1", "S2"]
    assert codes(parent=world.units["D2"].pk) == []  # outside scope: nothing, not its children
    assert codes(q="e2") == ["E2"]
    assert codes(q="街道") == ["S1", "S2"]
    assert codes(q="三街道") == []
    assert codes(parent=-5) == [] and codes(parent="9" * 40) == []
    for bad in ("x", "1.5", "²", "", " 1"):
        response = api.get("/api/v1/units/", {"parent": bad})
        assert response.status_code == 400 and response.json()["fields"] == {"parent": ["parent：应为整数。"]}


def test_people_are_masked_with_a_birth_year_only(api, world, user_with):
    as_user(api, user_with("street_caseworker", world.units["S1"]))
    person = world.people["E1"]
    results = api.get("/api/v1/people/").json()["results"]
    assert {r["id"] for r in results} == {world.people["S1"].pk, person.pk}
    shown = next(r for r in results if r["id"] == person.pk)
    assert shown == {
        "id": person.pk,
        "name": person.name,
        "gender": person.gender,
        "birth_year": person.birth_date.year,
        "id_number": mask_id_number(person.id_number),
        "mobile": mask_phone(person.mobile),
        "employer": world.units["E1"].pk,
        "employer_name": "一厂工会",
        "is_member": person.is_member,
        "is_migrant_worker": person.is_migrant_worker,
        "new_form_category": person.new_form_category,
    }
    detail = api.get(f"/api/v1/people/{person.pk}/")
    assert detail.json() == shown
    text = detail.content.decode()
    assert person.id_number not in text and person.mobile not in text
    assert person.birth_date.isoformat() not in text


def test_people_search_applies_after_scope(api, world, user_with):
    as_user(api, user_with("street_caseworker", world.units["S1"]))
    inside, outside = world.people["E1"], world.people["S3"]
    found = api.get("/api/v1/people/", {"q": inside.id_number[-4:]}).json()["results"]
    assert [r["id"] for r in found] == [inside.pk]
    by_name = api.get("/api/v1/people/", {"q": outside.name}).json()["results"]
    assert outside.pk not in {r["id"] for r in by_name}
    assert api.get("/api/v1/people/", {"q": outside.id_number}).json()["count"] == 0


def test_a_reveal_returns_the_numbers_and_is_logged(api, world, user_with):
    user = user_with("street_caseworker", world.units["S1"])
    person = world.people["E1"]
    count = LedgerEntry.objects.count()
    response = as_user(api, user).post(f"/api/v1/people/{person.pk}/reveal/", {"reason": "发放核对"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"id_number": person.id_number, "mobile": person.mobile}
    assert LedgerEntry.objects.count() == count + 1
    entry = LedgerEntry.objects.latest("seq")
    assert (entry.action, entry.actor, entry.actor_role, entry.actor_unit, entry.reason) == (
        "person.revealed",
        user,
        "street_caseworker",
        world.units["S1"],
        "发放核对",
    )
    assert entry.subject_id == str(person.pk)


def test_a_reveal_without_a_reason_changes_nothing(api, world, user_with):
    as_user(api, user_with("street_caseworker", world.units["S1"]))
    before = snapshot()
    response = api.post(f"/api/v1/people/{world.people['E1'].pk}/reveal/", {"reason": " "}, format="json")
    assert response.status_code == 400 and is_error(response.json(), "invalid")
    assert "reason" in response.json()["fields"]
    assert snapshot() == before


def test_the_auditor_cannot_reveal(api, world, user_with):
    as_user(api, user_with("auditor", world.units["D1"]))
    before = snapshot()
    response = api.post(f"/api/v1/people/{world.people['E1'].pk}/reveal/", {"reason": "抽查"}, format="json")
    assert response.status_code == 403 and is_error(response.json(), "access.no_role")
    assert "id_number" not in response.json()
    assert snapshot() == before
