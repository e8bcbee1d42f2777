"""ID guessing finds nothing: every object outside the caller's scope answers
the same 404 as one that does not exist, on details and on actions. And a
role without the action writes nothing anywhere."""

from __future__ import annotations

from casework.org.models import Membership
from tests.api.helpers import as_user, is_error, snapshot

ABSENT = {"error": "not_found", "message": "未找到。", "fields": {}}
S1_SUBTREE = {"S1", "E1"}


def test_a_street_caseworker_sees_only_its_subtree(api, world, user_with):
    as_user(api, user_with("street_caseworker", world.units["S1"]))
    before = snapshot()
    for code in world.units:
        unit, person = world.units[code], world.people[code]
        unit_detail = api.get(f"/api/v1/units/{unit.pk}/")
        person_detail = api.get(f"/api/v1/people/{person.pk}/")
        if code in S1_SUBTREE:
            assert unit_detail.status_code == person_detail.status_code == 200, code
            continue
        assert unit_detail.status_code == 404 and unit_detail.json() == ABSENT, code
        assert person_detail.status_code == 404 and person_detail.json() == ABSENT, code
        reveal = api.post(f"/api/v1/people/{person.pk}/reveal/", {"reason": "核实"}, format="json")
        assert reveal.status_code == 404 and reveal.json() == ABSENT, code
    assert snapshot() == before


def test_memberships_are_absent_without_membership_view(api, world, user_with):
    as_user(api, user_with("street_caseworker", world.units["S1"]))
    before = snapshot()
    assert api.get("/api/v1/memberships/").json() == {"count": 0, "next": None, "previous": None, "results": []}
    for code, membership in world.memberships.items():
        assert api.get(f"/api/v1/memberships/{membership.pk}/").json() == ABSENT, code
        ended = api.post(f"/api/v1/memberships/{membership.pk}/end/", {"reason": "调离"}, format="json")
        assert ended.status_code == 404 and ended.json() == ABSENT, code
    assert snapshot() == before


def test_a_street_administrator_manages_only_its_subtree(api, world, user_with):
    admin = user_with("administrator", world.units["S1"])
    as_user(api, admin)
    listed = {m["id"] for m in api.get("/api/v1/memberships/").json()["results"]}
    in_scope = {world.memberships[code].pk for code in S1_SUBTREE} | {admin.memberships.get().pk}
    assert listed == in_scope
    before = snapshot()
    for code, membership in world.memberships.items():
        detail = api.get(f"/api/v1/memberships/{membership.pk}/")
        if code in S1_SUBTREE:
            assert detail.status_code == 200 and detail.json()["unit"] == world.units[code].pk
            continue
        assert detail.status_code == 404 and detail.json() == ABSENT, code
        ended = api.post(f"/api/v1/memberships/{membership.pk}/end/", {"reason": "调离"}, format="json")
        assert ended.status_code == 404 and ended.json() == ABSENT, code
    assert snapshot() == before


def test_the_auditor_writes_nothing_anywhere(api, world, user_with, django_user_model):
    auditor = user_with("auditor", world.units["D1"])
    other = django_user_model.objects.create_user(username="other")
    as_user(api, auditor)
    # The auditor sees these (membership.view, person.view) but may change none.
    assert api.get(f"/api/v1/memberships/{world.memberships['S1'].pk}/").status_code == 200
    before = snapshot()
    writes = [
        ("/api/v1/memberships/", {"user": other.pk, "unit": world.units["S1"].pk, "role": "street_caseworker"}),
        (f"/api/v1/memberships/{world.memberships['S1'].pk}/end/", {"reason": "调离"}),
        (f"/api/v1/people/{world.people['E1'].pk}/reveal/", {"reason": "抽查"}),
    ]
    for url, data in writes:
        response = api.post(url, data, format="json")
        assert response.status_code == 403 and is_error(response.json(), "access.no_role"), url
    read_only = [
        "/api/v1/me/",
        "/api/v1/units/",
        f"/api/v1/units/{world.units['S1'].pk}/",
        "/api/v1/people/",
        f"/api/v1/people/{world.people['E1'].pk}/",
        f"/api/v1/memberships/{world.memberships['S1'].pk}/",
    ]
    for url in read_only:
        for method in (api.post, api.put, api.patch, api.delete):
            response = method(url, {}, format="json")
            assert response.status_code == 405 and is_error(response.json(), "method_not_allowed"), url
    assert snapshot() == before
    assert Membership.objects.filter(user=other).count() == 0
