"""unit_move: the subtree's paths and depths are rewritten (grandchildren
too), the rules refuse cycles and wrong kinds, and history keeps the unit a
decision was made under."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.ledger.services import ledger_append
from casework.ledger.verify import ledger_verify
from casework.org.models import Unit, UnitKind
from casework.org.selectors import units_under
from casework.org.services import unit_close, unit_create, unit_move
from tests.org.conftest import Tree, expected_path, fresh, snapshot

pytestmark = pytest.mark.django_db


def test_move_a_district_rewrites_children_and_grandchildren(admin: User, tree: Tree) -> None:
    outside = {u.pk: (u.path, u.depth) for u in Unit.objects.exclude(path__startswith=tree.d1.path)}
    moved = unit_move(unit=tree.d1, new_parent=tree.c2, reason="行政区划调整", by=admin)

    assert fresh(tree.d1).path == expected_path(tree.c2, tree.d1) == moved.path == tree.d1.path
    assert fresh(tree.d1).parent_id == tree.c2.pk == tree.d1.parent_id
    assert fresh(tree.s1).path == expected_path(tree.c2, tree.d1, tree.s1)
    assert fresh(tree.p1).path == expected_path(tree.c2, tree.d1, tree.p1)
    # grandchildren
    assert fresh(tree.e1).path == expected_path(tree.c2, tree.d1, tree.s1, tree.e1)
    assert fresh(tree.e2).path == expected_path(tree.c2, tree.d1, tree.s1, tree.e2)
    assert fresh(tree.i1).path == expected_path(tree.c2, tree.d1, tree.p1, tree.i1)
    assert [fresh(u).depth for u in (tree.d1, tree.s1, tree.e1, tree.i1)] == [1, 2, 3, 3]
    # parents below the moved unit are unchanged; nothing outside moved
    assert fresh(tree.e1).parent_id == tree.s1.pk and fresh(tree.s1).parent_id == tree.d1.pk
    assert {u.pk: (u.path, u.depth) for u in Unit.objects.exclude(path__startswith=moved.path)} == outside
    assert list(units_under(tree.c2).values_list("code", flat=True)) == ["C2", "D1", "S1", "E1", "E2", "P1", "I1"]
    assert list(units_under(tree.c1).values_list("code", flat=True)) == ["C1"]


def test_move_changes_depth_both_ways(admin: User, tree: Tree) -> None:
    unit_move(unit=tree.d1, new_parent=None, reason="升为顶层", by=admin)
    assert [fresh(u).depth for u in (tree.d1, tree.s1, tree.e1)] == [0, 1, 2]
    assert fresh(tree.e1).path == expected_path(tree.d1, tree.s1, tree.e1)
    assert fresh(tree.d1).parent_id is None
    unit_move(unit=tree.d1, new_parent=tree.c1, reason="回到市总之下", by=admin)
    assert [fresh(u).depth for u in (tree.d1, tree.s1, tree.e1)] == [1, 2, 3]
    assert fresh(tree.e1).path == expected_path(tree.c1, tree.d1, tree.s1, tree.e1)


def test_subtree_rewrite_is_one_update_per_table(admin: User, tree: Tree) -> None:
    with CaptureQueriesContext(connection) as queries:
        unit_move(unit=tree.s1, new_parent=tree.d2, reason="街道划转", by=admin)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    # The units' paths, and the copy the cases keep for scope.
    assert len(updates) == 2, updates
    assert '"org_unit"' in updates[0] and '"cases_case"' in updates[1]
    assert fresh(tree.e2).path == expected_path(tree.d2, tree.s1, tree.e2)


def test_ledger_entry_records_old_and_new_parent_and_path(admin: User, tree: Tree) -> None:
    old_path = tree.e1.path
    unit_move(
        unit=tree.e1, new_parent=tree.s2, reason="企业迁址", by=admin, acting_role="administrator", acting_unit=tree.d2
    )
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.subject_id, entry.reason) == ("unit.moved", str(tree.e1.pk), "企业迁址")
    assert entry.payload["old_parent"] == {"id": tree.s1.pk, "code": "S1", "path": tree.s1.path}
    assert entry.payload["new_parent"] == {"id": tree.s2.pk, "code": "S2", "path": tree.s2.path}
    assert entry.payload["old_path"] == old_path
    assert entry.payload["new_path"] == expected_path(tree.d2, tree.s2, tree.e1)
    assert entry.payload["units_moved"] == 1
    assert (entry.actor_role, entry.actor_unit_code) == ("administrator", "D2")


def test_earlier_entries_keep_the_unit_as_it_was(admin: User, tree: Tree) -> None:
    # A decision made at E1 while it sat under S1 (D1) ...
    decision = ledger_append(
        action="case.decided",
        subject=("cases.case", "1"),
        by=admin,
        role="enterprise_chair",
        unit=tree.e1,
        subject_unit=tree.e1,
    )
    old_path = tree.e1.path
    # ... then the enterprise changes street and district, and is renamed by code elsewhere.
    unit_move(unit=tree.e1, new_parent=tree.s2, reason="企业迁址", by=admin)
    kept = LedgerEntry.objects.get(seq=decision.seq)
    assert (kept.actor_unit_code, kept.actor_unit_path) == ("E1", old_path)
    assert kept.actor_unit_path != fresh(tree.e1).path
    assert kept.actor_unit_path.startswith(tree.d1.path) and not kept.actor_unit_path.startswith(tree.d2.path)
    # and the chain is intact: nothing in the trail was rewritten
    assert ledger_verify().ok


@pytest.mark.parametrize(
    ("unit_code", "target_code", "code"),
    [
        ("D1", "D1", "unit.move_into_own_subtree"),
        ("D1", "S1", "unit.move_into_own_subtree"),
        ("D1", "E1", "unit.move_into_own_subtree"),  # a grandchild
        ("S1", "D1", "unit.move_same_parent"),
        ("S1", "C2", "unit.kind_not_allowed"),
        ("S1", "P1", "unit.kind_not_allowed"),
        ("E1", "E2", "unit.kind_not_allowed"),
        ("D1", "D2", "unit.kind_not_allowed"),
        ("C2", "C1", "unit.kind_not_allowed"),
    ],
)
def test_move_rules(admin: User, tree: Tree, unit_code: str, target_code: str, code: str) -> None:
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_move(
            unit=Unit.objects.get(code=unit_code),
            new_parent=Unit.objects.get(code=target_code),
            reason="调整",
            by=admin,
        )
    assert (caught.value.code, caught.value.field) == (code, "new_parent")
    assert snapshot() == before


def test_only_roots_may_move_to_the_top(admin: User, tree: Tree) -> None:
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_move(unit=tree.s1, new_parent=None, reason="调整", by=admin)
    assert (caught.value.code, caught.value.field) == ("unit.parent_required", "new_parent")
    assert snapshot() == before


def test_move_needs_a_reason_and_open_units(admin: User, tree: Tree) -> None:
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_move(unit=tree.e1, new_parent=tree.s2, reason="  ", by=admin)
    assert (caught.value.code, caught.value.field) == ("unit.reason_required", "reason")
    assert snapshot() == before

    unit_close(unit=tree.e2, closed_on=date(2024, 5, 1), reason="注销", by=admin)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_move(unit=tree.e2, new_parent=tree.s2, reason="迁址", by=admin)
    assert (caught.value.code, caught.value.field) == ("unit.closed", "unit")
    assert snapshot() == before

    unit_close(unit=tree.s2, closed_on=date(2024, 5, 1), reason="撤并", by=admin)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_move(unit=tree.e1, new_parent=tree.s2, reason="迁址", by=admin)
    assert (caught.value.code, caught.value.field) == ("unit.parent_closed", "new_parent")
    assert snapshot() == before


def test_move_refuses_a_name_clash_under_the_new_parent(admin: User, tree: Tree) -> None:
    unit_create(code="E9", name="单位E1", kind=UnitKind.ENTERPRISE, parent=tree.s2, by=admin)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_move(unit=tree.e1, new_parent=tree.s2, reason="迁址", by=admin)
    assert (caught.value.code, caught.value.field) == ("unit.name_taken", "name")
    assert snapshot() == before


def test_move_with_a_stale_copy_uses_the_current_tree(admin: User, tree: Tree) -> None:
    stale_s1 = Unit.objects.get(pk=tree.s1.pk)
    unit_move(unit=tree.d1, new_parent=tree.c2, reason="划转", by=admin)
    # stale_s1 still carries the path under C1; the move must start from where S1 is now.
    unit_move(unit=stale_s1, new_parent=tree.d2, reason="街道划转", by=admin)
    assert fresh(tree.e1).path == expected_path(tree.d2, tree.s1, tree.e1)
    assert stale_s1.path == expected_path(tree.d2, tree.s1)
    assert not Unit.objects.filter(path__startswith=tree.c2.path, code__in=["S1", "E1", "E2"]).exists()
