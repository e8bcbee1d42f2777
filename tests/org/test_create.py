"""unit_create: path and depth, the placement rules, one ledger entry, and
every broken rule changes nothing and writes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.org.models import Unit, UnitKind
from casework.org.services import unit_close, unit_create, unit_rename
from tests.org.conftest import Tree, expected_path, fresh, snapshot

pytestmark = pytest.mark.django_db


def test_create_computes_path_and_depth_and_records(admin: User, tree: Tree) -> None:
    before = LedgerEntry.objects.count()
    unit = unit_create(
        code=" E9 ",
        name="  某某  科技 有限公司工会 ",
        kind=UnitKind.ENTERPRISE,
        parent=tree.s1,
        by=admin,
        role="administrator",
        unit=tree.d1,
    )
    stored = fresh(unit)
    assert stored.code == "E9" and stored.name == "某某 科技 有限公司工会"
    assert stored.path == expected_path(tree.c1, tree.d1, tree.s1, stored)
    assert stored.depth == 3 and stored.parent_id == tree.s1.pk
    assert LedgerEntry.objects.count() == before + 1
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.subject_type, entry.subject_id) == ("unit.created", "org.unit", str(stored.pk))
    assert (entry.actor_name, entry.actor_role, entry.actor_unit_code) == ("org-admin", "administrator", "D1")
    assert entry.payload["path"] == stored.path and entry.payload["parent"]["code"] == "S1"


def test_roots_have_depth_zero(admin: User) -> None:
    city = unit_create(code="C", name="市总", kind=UnitKind.CITY, parent=None, by=None)
    district = unit_create(code="D", name="区总", kind=UnitKind.DISTRICT, parent=None, by=admin)
    assert (city.path, city.depth) == (expected_path(city), 0)
    assert (district.path, district.depth) == (expected_path(district), 0)
    assert LedgerEntry.objects.get(subject_id=str(city.pk)).actor_name == "system"


@pytest.mark.parametrize(
    ("parent_code", "kind", "code", "field"),
    [
        (None, UnitKind.STREET, "unit.parent_required", "parent"),
        (None, UnitKind.ENTERPRISE, "unit.parent_required", "parent"),
        ("C1", UnitKind.STREET, "unit.kind_not_allowed", "kind"),
        ("D1", UnitKind.DISTRICT, "unit.kind_not_allowed", "kind"),
        ("D1", UnitKind.CITY, "unit.kind_not_allowed", "kind"),
        ("S1", UnitKind.PARK, "unit.kind_not_allowed", "kind"),
        ("E1", UnitKind.ENTERPRISE, "unit.kind_not_allowed", "kind"),
        ("I1", UnitKind.INSTITUTION, "unit.kind_not_allowed", "kind"),
        ("S1", "factory", "unit.kind_unknown", "kind"),
    ],
)
def test_placement_rules(admin: User, tree: Tree, parent_code: str | None, kind: str, code: str, field: str) -> None:
    parent = Unit.objects.get(code=parent_code) if parent_code else None
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_create(code="NEW", name="新单位", kind=kind, parent=parent, by=admin)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("override", "code", "field"),
    [
        ({"code": "  "}, "unit.code_required", "code"),
        ({"code": "E 1"}, "unit.code_invalid", "code"),
        ({"code": "-E1"}, "unit.code_invalid", "code"),
        ({"code": "单位1"}, "unit.code_invalid", "code"),
        ({"code": "X" * 33}, "unit.code_too_long", "code"),
        ({"code": "E1"}, "unit.code_taken", "code"),
        ({"code": "e1"}, "unit.code_taken", "code"),
        ({"name": " "}, "unit.name_required", "name"),
        ({"name": "名" * 201}, "unit.name_too_long", "name"),
        ({"name": "单位E2"}, "unit.name_taken", "name"),
    ],
)
def test_input_rules(admin: User, tree: Tree, override: dict[str, Any], code: str, field: str) -> None:
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_create(
            **{"code": "E9", "name": "新企业", "kind": "enterprise", "parent": tree.s1, "by": admin, **override}
        )
    assert (caught.value.code, caught.value.field) == (code, field)
    assert caught.value.message and str(caught.value.message)[0] in "单名"  # names the field first
    assert snapshot() == before


def test_messages_are_chinese_and_name_the_rule(admin: User, tree: Tree) -> None:
    with pytest.raises(RuleViolation) as caught:
        unit_create(code="X1", name="某企业", kind=UnitKind.STREET, parent=tree.s1, by=admin)
    assert str(caught.value.message) == "类型：街道工会下不能设立街道工会（其下可设立：企业工会、机关事业单位工会）。"


def test_same_name_allowed_under_another_parent_or_beside_a_closed_sibling(admin: User, tree: Tree) -> None:
    assert unit_create(code="E9", name="单位E1", kind="enterprise", parent=tree.s2, by=admin).parent_id == tree.s2.pk
    unit_close(unit=tree.e2, closed_on=date(2024, 1, 1), reason="企业注销", by=admin)
    assert unit_create(code="E10", name="单位E2", kind="enterprise", parent=tree.s1, by=admin).name == "单位E2"


def test_no_unit_under_a_closed_parent(admin: User, tree: Tree) -> None:
    unit_close(unit=tree.i1, closed_on=date(2024, 1, 1), reason="撤销", by=admin)
    unit_close(unit=tree.p1, closed_on=date(2024, 1, 2), reason="撤销", by=admin)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_create(code="E9", name="新企业", kind="enterprise", parent=tree.p1, by=admin)
    assert (caught.value.code, caught.value.field) == ("unit.parent_closed", "parent")
    assert snapshot() == before


def test_create_reads_the_parent_afresh(admin: User, tree: Tree) -> None:
    stale = Unit.objects.get(pk=tree.s1.pk)
    Unit.objects.filter(pk=tree.s1.pk).update(path="/99999999/", depth=7)  # as if moved meanwhile
    unit = unit_create(code="E9", name="新企业", kind="enterprise", parent=stale, by=admin)
    assert (unit.path, unit.depth) == (f"/99999999/{unit.pk:08d}/", 8)


def test_rename(admin: User, tree: Tree) -> None:
    renamed = unit_rename(unit=tree.e1, name="新名称", reason="更名", by=admin)
    assert fresh(tree.e1).name == "新名称" == renamed.name == tree.e1.name
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "unit.renamed"
    assert entry.payload == {"code": "E1", "old_name": "单位E1", "new_name": "新名称"}


@pytest.mark.parametrize(
    ("name", "code"), [("单位E1", "unit.name_unchanged"), ("单位E2", "unit.name_taken"), ("", "unit.name_required")]
)
def test_rename_rules(admin: User, tree: Tree, name: str, code: str) -> None:
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        unit_rename(unit=tree.e1, name=name, by=admin)
    assert (caught.value.code, caught.value.field) == (code, "name")
    assert snapshot() == before


def test_the_database_refuses_codes_differing_only_in_case(tree: Tree) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(code="e1", name="x", kind="enterprise", parent=tree.s1, path="/x/")
