"""Object grants: one object for one user, with a reason and an optional
expiry, made and revoked only through the services, each in the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.errors import NotAllowed, RuleViolation
from casework.ledger.models import LedgerEntry
from casework.people.models import Person
from permissions.access import can, explain, scope
from permissions.models import ObjectGrant
from permissions.services import object_access_grant, object_access_revoke


def state() -> tuple[list[tuple], int]:
    rows = list(
        ObjectGrant.everything.order_by("pk").values_list("pk", "user_id", "object_pk", "valid_until", "reason")
    )
    return rows, LedgerEntry.objects.count()


@pytest.fixture
def lawyer(world, user_with):
    return user_with("lawyer", world.units["D1"])


@pytest.fixture
def legal_officer(world, user_with):
    return user_with("legal_officer", world.units["D1"])


def test_a_lawyer_sees_exactly_what_is_granted(world, lawyer, legal_officer):
    person = world.people["E1"]
    assert not can(lawyer, "person.view", person)
    grant = object_access_grant(user=lawyer, obj=person, level="view", reason="指派承办", by=legal_officer)
    decision = explain(lawyer, "person.view", person)
    assert decision.allowed and decision.rule == "access.grant" and decision.grant == grant
    assert list(scope(lawyer, Person.objects.all())) == [person]
    assert lawyer.has_perm("people.view_person", person)  # guardian's own check agrees
    entry = LedgerEntry.objects.latest("seq")
    assert (entry.action, entry.actor, entry.actor_role, entry.subject_unit) == (
        "access.granted",
        legal_officer,
        "legal_officer",
        world.units["E1"],
    )
    assert entry.reason == "指派承办" and entry.payload["grantee"] == lawyer.username


def test_a_view_grant_does_not_allow_acting(world, user_with, legal_officer):
    caseworker = user_with("street_caseworker", world.units["S2"])
    person = world.people["E1"]  # in street 1: outside street 2's scope
    object_access_grant(user=caseworker, obj=person, level="view", reason="转介", by=legal_officer)
    assert can(caseworker, "person.view", person)
    assert not can(caseworker, "person.manage", person)
    object_access_grant(user=caseworker, obj=person, level="work", reason="转介办理", by=legal_officer)
    assert can(caseworker, "person.manage", person)
    # A grant never adds actions the role does not have.
    assert not can(caseworker, "grant.manage", person)


def test_an_expired_grant_stops_working_by_itself(world, lawyer, legal_officer):
    person = world.people["E1"]
    grant = object_access_grant(
        user=lawyer,
        obj=person,
        level="view",
        reason="限期",
        valid_until=timezone.now() + timedelta(hours=1),
        by=legal_officer,
    )
    assert can(lawyer, "person.view", person)
    ObjectGrant.everything.filter(pk=grant.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    assert not can(lawyer, "person.view", person)
    assert not scope(lawyer, Person.objects.all()).exists()
    assert not lawyer.has_perm("people.view_person", person)
    # Renewing an expired grant reuses its row and says so in the ledger.
    object_access_grant(user=lawyer, obj=person, level="view", reason="续期", by=legal_officer)
    assert ObjectGrant.everything.filter(user=lawyer).count() == 1
    assert can(lawyer, "person.view", person)
    assert LedgerEntry.objects.latest("seq").payload["renews_expired"] is not None


def test_revoking_ends_access_and_is_in_the_ledger(world, lawyer, legal_officer):
    person = world.people["E1"]
    grant = object_access_grant(user=lawyer, obj=person, level="view", reason="指派", by=legal_officer)
    object_access_revoke(grant=grant, reason="案件改派", by=legal_officer)
    assert not can(lawyer, "person.view", person)
    entry = LedgerEntry.objects.latest("seq")
    assert (entry.action, entry.reason) == ("access.revoked", "案件改派")


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"reason": "  "}, "reason_required", "reason"),
        ({"level": "own"}, "access.level_invalid", "level"),
        ({"valid_until": "past"}, "access.expiry_past", "valid_until"),
        ({"user": "self"}, "access.self_grant", "user"),
        ({"user": "nobody"}, "access.user_without_role", "user"),
        ({"user": "inactive"}, "access.user_inactive", "user"),
        ({"again": True}, "access.already_granted", "user"),
    ],
)
def test_broken_rules_change_nothing(world, lawyer, legal_officer, user_with, django_user_model, change, code, field):
    person = world.people["E1"]
    if change.pop("again", False):
        object_access_grant(user=lawyer, obj=person, level="view", reason="指派", by=legal_officer)
    arguments = {"user": lawyer, "obj": person, "level": "view", "reason": "指派", "by": legal_officer, **change}
    if change.get("valid_until") == "past":
        arguments["valid_until"] = timezone.now() - timedelta(minutes=1)
    if change.get("user") == "self":
        arguments["user"] = legal_officer
    if change.get("user") == "nobody":
        arguments["user"] = django_user_model.objects.create_user(username="no-role")
    if change.get("user") == "inactive":
        arguments["user"] = user_with("lawyer", world.units["D1"], is_active=False)
    before = state()
    with pytest.raises(RuleViolation) as error:
        object_access_grant(**arguments)
    assert (error.value.code, error.value.field) == (code, field)
    assert str(error.value.message)  # a sentence for the user, in their language
    assert state() == before


def test_only_a_role_with_grant_manage_in_scope_may_grant(world, lawyer, user_with):
    caseworker = user_with("street_caseworker", world.units["S1"])
    neighbour_approver = user_with("street_approver", world.units["S2"])
    before = state()
    for by in (caseworker, neighbour_approver):
        with pytest.raises(NotAllowed) as error:
            object_access_grant(user=lawyer, obj=world.people["E1"], level="view", reason="指派", by=by)
        assert error.value.code in ("access.no_role", "access.outside_scope")
    assert state() == before


def test_a_reveal_is_logged_and_refused_outside_the_role(world, user_with):
    from casework.people.services import person_reveal

    person = world.people["E1"]
    caseworker = user_with("street_caseworker", world.units["S1"])
    shown = person_reveal(person=person, by=caseworker, reason="入户核实身份")
    assert shown == {"id_number": person.id_number, "mobile": person.mobile}
    entry = LedgerEntry.objects.latest("seq")
    assert (entry.action, entry.actor, entry.actor_role, entry.actor_unit, entry.reason) == (
        "person.revealed",
        caseworker,
        "street_caseworker",
        world.units["S1"],
        "入户核实身份",
    )
    before = state()
    auditor = user_with("auditor", world.units["D1"])
    with pytest.raises(NotAllowed):
        person_reveal(person=person, by=auditor, reason="抽查")
    with pytest.raises(RuleViolation):
        person_reveal(person=person, by=caseworker, reason=" ")
    assert state() == before
