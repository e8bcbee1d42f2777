"""Administrators grant and end memberships through the API; each change is
one ledger entry naming who, in which role, at which unit."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from casework.ledger.models import LedgerEntry
from casework.org.models import Membership
from tests.api.helpers import as_user, is_error, snapshot


def grant(api, user, unit, role="street_caseworker", **extra):
    data = {"user": user.pk, "unit": unit.pk, "role": role, **extra}
    return api.post("/api/v1/memberships/", data, format="json")


def test_an_administrator_grants_a_membership(api, world, user_with, django_user_model):
    admin = user_with("administrator", world.units["D1"])
    newcomer = django_user_model.objects.create_user(username="newcomer")
    count = LedgerEntry.objects.count()
    until = timezone.now() + timedelta(days=365)
    response = grant(as_user(api, admin), newcomer, world.units["S1"], valid_until=until.isoformat())
    assert response.status_code == 201, response.json()
    membership = Membership.objects.get(user=newcomer)
    assert response.json() == {
        "id": membership.pk,
        "user": newcomer.pk,
        "username": "newcomer",
        "unit": world.units["S1"].pk,
        "unit_name": "一街道工会",
        "role": "street_caseworker",
        "valid_from": response.json()["valid_from"],
        "valid_until": response.json()["valid_until"],
    }
    assert membership.valid_until == until
    assert LedgerEntry.objects.count() == count + 1
    entry = LedgerEntry.objects.latest("seq")
    assert (entry.action, entry.actor, entry.actor_role, entry.actor_unit) == (
        "membership.granted",
        admin,
        "administrator",
        world.units["D1"],
    )
    # The newcomer's me/ shows it at once.
    me = as_user(api, newcomer).get("/api/v1/me/").json()
    assert [(m["unit_code"], m["role"]) for m in me["memberships"]] == [("S1", "street_caseworker")]


def test_an_administrator_ends_a_membership_with_a_reason(api, world, user_with):
    admin = user_with("administrator", world.units["D1"])
    membership = world.memberships["E1"]
    count = LedgerEntry.objects.count()
    response = as_user(api, admin).post(f"/api/v1/memberships/{membership.pk}/end/", {"reason": "调离"}, format="json")
    assert response.status_code == 200 and response.json()["id"] == membership.pk
    membership.refresh_from_db()
    assert membership.valid_until is not None and membership.valid_until <= timezone.now()
    assert LedgerEntry.objects.count() == count + 1
    entry = LedgerEntry.objects.latest("seq")
    assert (entry.action, entry.actor, entry.actor_role, entry.reason) == (
        "membership.ended",
        admin,
        "administrator",
        "调离",
    )
    # Ending it again breaks a rule: 400 with the rule's code, nothing changed.
    before = snapshot()
    again = api.post(f"/api/v1/memberships/{membership.pk}/end/", {"reason": "调离"}, format="json")
    assert again.status_code == 400 and is_error(again.json(), "membership.already_ended")
    assert snapshot() == before


def test_ending_needs_a_reason(api, world, user_with):
    as_user(api, user_with("administrator", world.units["D1"]))
    before = snapshot()
    response = api.post(f"/api/v1/memberships/{world.memberships['E1'].pk}/end/", {"reason": ""}, format="json")
    assert response.status_code == 400 and response.json()["fields"] == {"reason": ["理由：必填，请说明原因。"]}
    assert snapshot() == before


def test_a_unit_outside_scope_is_refused_as_if_it_did_not_exist(api, world, user_with, django_user_model):
    as_user(api, user_with("administrator", world.units["S1"]))
    newcomer = django_user_model.objects.create_user(username="newcomer")
    before = snapshot()
    outside = grant(api, newcomer, world.units["S2"])
    data = {"user": newcomer.pk, "unit": 987654321, "role": "street_caseworker"}
    absent = api.post("/api/v1/memberships/", data, format="json")
    assert outside.status_code == absent.status_code == 400
    assert outside.json() == absent.json()
    assert absent.json()["fields"] == {"unit": ["单位：不存在。"]} and is_error(absent.json(), "not_found")
    assert snapshot() == before


def test_a_rule_of_the_service_is_400_naming_the_field(api, world, user_with, django_user_model):
    as_user(api, user_with("administrator", world.units["D1"]))
    newcomer = django_user_model.objects.create_user(username="newcomer")
    before = snapshot()
    # A street role cannot be held at an enterprise.
    response = grant(api, newcomer, world.units["E1"], role="street_caseworker")
    assert response.status_code == 400
    body = response.json()
    assert body["error"].startswith("membership.") and set(body["fields"]) == {"role"}
    assert snapshot() == before


def test_a_role_without_membership_manage_is_refused(api, world, user_with, django_user_model):
    newcomer = django_user_model.objects.create_user(username="newcomer")
    for role, unit in (("auditor", "D1"), ("street_caseworker", "S1"), ("district_approver", "D1")):
        as_user(api, user_with(role, world.units[unit]))
        before = snapshot()
        response = grant(api, newcomer, world.units["S1"])
        assert response.status_code == 403 and is_error(response.json(), "access.no_role"), role
        assert snapshot() == before
