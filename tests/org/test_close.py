"""unit_close: open children and memberships block it; merges stay within a
tier; the row stays for history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.org.models import Unit
from casework.org.services import membership_end, membership_grant, unit_close, unit_create
from tests.org.conftest import Tree, fresh, snapshot

pytestmark = pytest.mark.django_db

DAY = date(2024, 6, 30)


def test_close_records_date_merge_and_ledger(admin: User, tree: Tree) -> None:
    closed = unit_close(unit=tree.e1, closed_on=DAY, merged_into=tree.e2, reason="企业合并", by=admin)
    stored = fresh(tree.e1)
    assert (stored.closed_on, stored.merged_into_id) == (DAY, tree.e2.pk) == (closed.closed_on, tree.e2.pk)
    assert tree.e1.closed_on == DAY
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.from_state, entry.to_state, entry.reason) == (
        "unit.closed",
        "open",
        "closed",
        "企业合并",
    )
    assert entry.payload == {
        "code": "E1",
        "closed_on": "2024-06-30",
        "merged_into": {"id": tree.e2.pk, "code": "E2", "path": tree.e2.path},
    }
    assert Unit.objects.active().filter(pk=tree.e1.pk).count() == 0


def test_institution_may_merge_into_an_enterprise_union(admin: User, tree: Tree) -> None:
    unit_close(unit=tree.i1, closed_on=DAY, merged_into=tree.e1, reason="合并", by=admin)
    assert fresh(tree.i1).merged_into_id == tree.e1.pk


def test_close_refused_while_children_are_open(admin: User, tree: Tree) -> None:
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_close(unit=tree.s1, closed_on=DAY, reason="撤并", by=admin)
    assert (caught.value.code, caught.value.field) == ("unit.close_has_open_children", "unit")
    assert "2个" in str(caught.value.message)
    assert snapshot() == before
    # once the children are closed (or moved away), it may close
    unit_close(unit=tree.e1, closed_on=DAY, reason="注销", by=admin)
    unit_close(unit=tree.e2, closed_on=DAY, reason="注销", by=admin)
    unit_close(unit=tree.s1, closed_on=DAY, reason="撤并", by=admin)
    assert fresh(tree.s1).closed_on == DAY


def test_close_refused_while_roles_are_held_there(admin: User, worker: User, tree: Tree) -> None:
    held = membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", by=admin)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_close(unit=tree.e1, closed_on=DAY, reason="注销", by=admin)
    assert (caught.value.code, caught.value.field) == ("unit.close_has_memberships", "unit")
    assert snapshot() == before
    membership_end(membership=held, reason="离任", by=admin)
    unit_close(unit=tree.e1, closed_on=DAY, reason="注销", by=admin)
    assert fresh(tree.e1).closed_on == DAY


def test_a_future_membership_also_blocks_closing(admin: User, worker: User, tree: Tree) -> None:
    later = timezone.now() + timedelta(days=10)
    membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", valid_from=later, by=admin)
    with pytest.raises(RuleViolation) as caught:
        unit_close(unit=tree.e1, closed_on=DAY, reason="注销", by=admin)
    assert caught.value.code == "unit.close_has_memberships"


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"reason": ""}, "unit.reason_required", "reason"),
        ({"closed_on": "tomorrow"}, "unit.close_date_future", "closed_on"),
        ({"merged_into": "E1"}, "unit.merge_into_self", "merged_into"),
        ({"merged_into": "S1"}, "unit.merge_tier", "merged_into"),
        ({"merged_into": "E2-closed"}, "unit.merge_into_closed", "merged_into"),
    ],
)
def test_close_rules(admin: User, tree: Tree, kwargs: dict[str, Any], code: str, field: str) -> None:
    if kwargs.get("closed_on") == "tomorrow":  # at run time: collection may be the day before
        kwargs["closed_on"] = timezone.localdate() + timedelta(days=1)
    if kwargs.get("merged_into") == "E2-closed":
        unit_close(unit=tree.e2, closed_on=DAY, reason="注销", by=admin)
    if isinstance(kwargs.get("merged_into"), str):
        kwargs["merged_into"] = Unit.objects.get(code=kwargs["merged_into"].removesuffix("-closed"))
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_close(**{"unit": tree.e1, "closed_on": DAY, "reason": "注销", "by": admin, **kwargs})
    assert (caught.value.code, caught.value.field) == (code, field)
    assert snapshot() == before


def test_closing_twice_is_refused(admin: User, tree: Tree) -> None:
    unit_close(unit=tree.e1, closed_on=DAY, reason="注销", by=admin)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_close(unit=tree.e1, closed_on=DAY, reason="注销", by=admin)
    assert (caught.value.code, caught.value.field) == ("unit.already_closed", "unit")
    assert snapshot() == before


def test_the_database_refuses_a_merge_without_closing(tree: Tree) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=tree.e1.pk).update(merged_into=tree.e2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=tree.e1.pk).update(merged_into=tree.e1, closed_on=DAY)


def test_codes_of_closed_units_are_never_reused(admin: User, tree: Tree) -> None:
    unit_close(unit=tree.e1, closed_on=DAY, reason="注销", by=admin)
    with pytest.raises(RuleViolation) as caught:
        unit_create(code="E1", name="单位E1", kind="enterprise", parent=tree.s1, by=admin)
    assert caught.value.code == "unit.code_taken"  # codes are never reused
    assert unit_create(code="E1B", name="单位E1", kind="enterprise", parent=tree.s1, by=admin).name == "单位E1"
