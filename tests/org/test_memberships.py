"""membership_grant and membership_end: the role catalogue decides where a
role can be held, no overlapping duplicates, one ledger entry each."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.org.models import Membership
from casework.org.selectors import current_memberships
from casework.org.services import membership_end, membership_grant, unit_close
from permissions.roles import ROLES
from tests.org.conftest import Tree, snapshot

pytestmark = pytest.mark.django_db


def test_grant_records_and_is_current(admin: User, worker: User, tree: Tree) -> None:
    before = LedgerEntry.objects.count()
    membership = membership_grant(
        user=worker, unit=tree.s1, role="street_caseworker", by=admin, acting_role="administrator", acting_unit=tree.d1
    )
    assert membership.granted_by == admin and membership.valid_until is None
    assert list(current_memberships(worker)) == [membership]
    assert LedgerEntry.objects.count() == before + 1
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.subject_type, entry.subject_id) == (
        "membership.granted",
        "org.membership",
        str(membership.pk),
    )
    assert entry.subject_unit_id == tree.s1.pk and entry.actor_unit_code == "D1"
    assert entry.payload["role"] == "street_caseworker" and entry.payload["unit"]["code"] == "S1"
    assert entry.payload["username"] == "org-worker" and entry.payload["valid_until"] is None


# Every (role, kind) pair of the catalogue: allowed exactly where Role.unit_kinds says.
KINDS = {"city": "c1", "district": "d1", "street": "s1", "park": "p1", "enterprise": "e1", "institution": "i1"}
PAIRS = [(role, kind) for role in ROLES for kind in KINDS]


@pytest.mark.parametrize(("role", "kind"), PAIRS)
def test_role_allowed_only_at_its_kinds(admin: User, worker: User, tree: Tree, role: str, kind: str) -> None:
    unit = getattr(tree, KINDS[kind])
    before = snapshot()
    if kind in ROLES[role].unit_kinds:
        assert membership_grant(user=worker, unit=unit, role=role, by=admin).unit_id == unit.pk
        return
    with pytest.raises(RuleViolation) as caught:
        membership_grant(user=worker, unit=unit, role=role, by=admin)
    assert (caught.value.code, caught.value.field) == ("membership.role_not_at_kind", "role")
    assert snapshot() == before


def test_duplicate_current_membership_is_refused(admin: User, worker: User, tree: Tree) -> None:
    membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", by=admin)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", by=admin)
    assert (caught.value.code, caught.value.field) == ("membership.duplicate", "role")
    assert "org-worker" in str(caught.value.message)
    assert snapshot() == before
    # the same role at another unit, or another role at the same unit, is fine
    membership_grant(user=worker, unit=tree.e2, role="enterprise_chair", by=admin)
    membership_grant(user=worker, unit=tree.s1, role="street_caseworker", by=admin)
    membership_grant(user=worker, unit=tree.s1, role="auditor", by=admin)
    assert current_memberships(worker).count() == 4


def test_overlapping_future_period_is_refused_adjacent_is_not(admin: User, worker: User, tree: Tree) -> None:
    now = timezone.now()
    first = membership_grant(
        user=worker, unit=tree.e1, role="enterprise_chair", valid_until=now + timedelta(days=30), by=admin
    )
    with pytest.raises(RuleViolation) as caught:
        membership_grant(
            user=worker, unit=tree.e1, role="enterprise_chair", valid_from=now + timedelta(days=29), by=admin
        )
    assert caught.value.code == "membership.duplicate"
    follow_on = membership_grant(
        user=worker, unit=tree.e1, role="enterprise_chair", valid_from=first.valid_until, by=admin
    )
    assert follow_on.valid_from == first.valid_until
    assert list(current_memberships(worker)) == [first]
    assert list(current_memberships(worker, at=now + timedelta(days=31))) == [follow_on]


def test_a_new_grant_after_the_old_one_ended(admin: User, worker: User, tree: Tree) -> None:
    old = membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", by=admin)
    membership_end(membership=old, reason="换届", by=admin)
    again = membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", by=admin)
    assert list(current_memberships(worker)) == [again]


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"role": "king"}, "membership.role_unknown", "role"),
        ({"valid_until": "past"}, "membership.period_over", "valid_until"),
        ({"valid_until": "before-start"}, "membership.period_invalid", "valid_until"),
        ({"user": "inactive"}, "membership.user_inactive", "user"),
        ({"user": "self"}, "membership.self_grant", "user"),
    ],
)
def test_grant_rules(admin: User, worker: User, tree: Tree, kwargs: dict[str, Any], code: str, field: str) -> None:
    now = timezone.now()
    values: dict[str, Any] = {"user": worker, "unit": tree.e1, "role": "enterprise_chair", "by": admin}
    values |= kwargs
    if kwargs.get("valid_until") == "past":
        values |= {"valid_from": now - timedelta(days=10), "valid_until": now - timedelta(days=1)}
    if kwargs.get("valid_until") == "before-start":
        values |= {"valid_from": now + timedelta(days=10), "valid_until": now + timedelta(days=5)}
    if kwargs.get("user") == "inactive":
        worker.is_active = False
        worker.save(update_fields=["is_active"])
        values["user"] = worker
    if kwargs.get("user") == "self":
        values["user"] = admin
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        membership_grant(**values)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert snapshot() == before


def test_no_grant_at_a_closed_unit(admin: User, worker: User, tree: Tree) -> None:
    unit_close(unit=tree.e1, closed_on=date(2024, 1, 1), reason="注销", by=admin)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", by=admin)
    assert (caught.value.code, caught.value.field) == ("unit.closed", "unit")
    assert snapshot() == before


def test_end_now(admin: User, worker: User, tree: Tree) -> None:
    membership = membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", by=admin)
    ended = membership_end(membership=membership, reason="离任", by=admin)
    assert ended.valid_until is not None and ended.valid_until <= timezone.now()
    assert membership.valid_until == ended.valid_until
    assert not current_memberships(worker).exists()
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.from_state, entry.to_state, entry.reason) == (
        "membership.ended",
        "current",
        "ended",
        "离任",
    )
    assert entry.payload["previous_valid_until"] is None and entry.payload["valid_until"] is not None


def test_end_before_start_revokes_at_start(admin: User, worker: User, tree: Tree) -> None:
    start = timezone.now() + timedelta(days=3)
    membership = membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", valid_from=start, by=admin)
    ended = membership_end(membership=membership, reason="撤回", by=admin)
    assert ended.valid_until == start == ended.valid_from
    assert not current_memberships(worker, at=start + timedelta(days=1)).exists()
    # a revoked-before-start membership does not block a new grant of that period
    membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", valid_from=start, by=admin)


def test_end_in_the_past_and_in_the_future(admin: User, worker: User, tree: Tree) -> None:
    now = timezone.now()
    membership = membership_grant(
        user=worker, unit=tree.e1, role="enterprise_chair", valid_from=now - timedelta(days=9), by=admin
    )
    membership_end(membership=membership, at=now + timedelta(days=5), reason="任期将满", by=admin)
    assert current_memberships(worker).exists()
    membership_end(membership=membership, at=now - timedelta(days=1), reason="实际上周已离职", by=admin)
    assert not current_memberships(worker).exists()


@pytest.mark.parametrize(
    ("case", "code", "field"),
    [
        ("no-reason", "membership.reason_required", "reason"),
        ("ended", "membership.already_ended", "membership"),
        ("before-start", "membership.end_before_start", "at"),
        ("after-until", "membership.end_after_until", "at"),
    ],
)
def test_end_rules(admin: User, worker: User, tree: Tree, case: str, code: str, field: str) -> None:
    now = timezone.now()
    membership = membership_grant(
        user=worker,
        unit=tree.e1,
        role="enterprise_chair",
        valid_from=now - timedelta(days=9),
        valid_until=now + timedelta(days=9),
        by=admin,
    )
    kwargs: dict[str, Any] = {"membership": membership, "reason": "离任", "by": admin}
    if case == "no-reason":
        kwargs["reason"] = " "
    elif case == "ended":
        membership_end(membership=membership, reason="离任", by=admin)
    elif case == "before-start":
        kwargs["at"] = now - timedelta(days=10)
    else:
        kwargs["at"] = now + timedelta(days=10)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        membership_end(**kwargs)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert snapshot() == before


def test_the_database_refuses_an_end_before_the_start(worker: User, tree: Tree) -> None:
    from django.db import IntegrityError, transaction

    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=worker, unit=tree.e1, role="enterprise_chair", valid_from=now, valid_until=now - timedelta(seconds=1)
        )
