"""Admin pages: the tree list, and every save goes through a service (one
ledger entry per change); a broken rule shows on its field and changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from casework.accounts.models import User
from casework.ledger.models import LedgerEntry
from casework.org.models import Membership, Unit
from casework.org.services import membership_grant, unit_close
from tests.org.conftest import Tree, expected_path, fresh, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client: Client) -> Client:
    client.force_login(User.objects.create_superuser(username="root", password=None))
    return client


def last_entry() -> LedgerEntry:
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None
    return entry


def change_data(unit: Unit, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"name": unit.name, "parent": unit.parent_id or "", "closed_on": "", "merged_into": ""}
    data["reason"] = ""
    return data | overrides


def test_list_is_the_tree_indented_by_depth(root: Client, tree: Tree) -> None:
    page = root.get(reverse("admin:org_unit_changelist")).content.decode()
    positions = [page.index(f"单位{code}<") for code in ("C1", "D1", "S1", "E1", "E2", "P1", "I1", "C2", "D2", "S2")]
    assert positions == sorted(positions)  # path order: the tree read top-down
    assert 'padding-left:4.5em">单位E1<' in page and 'padding-left:0em">单位C1<' in page


@pytest.mark.parametrize(
    ("query", "found", "missing"), [({"q": "E1"}, "单位E1", "单位S2"), ({"kind": "park"}, "单位P1", "单位E1")]
)
def test_search_and_filter(root: Client, tree: Tree, query: dict[str, str], found: str, missing: str) -> None:
    page = root.get(reverse("admin:org_unit_changelist"), query).content.decode()
    assert f"{found}<" in page and f"{missing}<" not in page


def test_add_goes_through_the_service(root: Client, tree: Tree) -> None:
    response = root.post(
        reverse("admin:org_unit_add"), {"code": "E9", "name": "新企业工会", "kind": "enterprise", "parent": tree.s2.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(code="E9")
    assert unit.path == expected_path(tree.d2, tree.s2, unit) and unit.depth == 2
    assert (last_entry().action, last_entry().actor_name) == ("unit.created", "root")


def test_add_shows_the_rule_on_its_field_and_changes_nothing(root: Client, tree: Tree) -> None:
    before = snapshot()
    response = root.post(
        reverse("admin:org_unit_add"), {"code": "e1", "name": "新企业工会", "kind": "enterprise", "parent": tree.s2.pk}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "code" in errors and "仅大小写不同" in errors["code"][0]
    assert snapshot() == before

    response = root.post(
        reverse("admin:org_unit_add"), {"code": "X9", "name": "新街道", "kind": "street", "parent": tree.s2.pk}
    )
    assert "街道工会下不能设立街道工会" in response.context["adminform"].form.errors["kind"][0]
    assert snapshot() == before


def test_change_moves_through_the_service(root: Client, tree: Tree) -> None:
    url = reverse("admin:org_unit_change", args=[tree.s1.pk])
    response = root.post(url, change_data(tree.s1, parent=tree.d2.pk, reason="街道划转"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert fresh(tree.e1).path == expected_path(tree.d2, tree.s1, tree.e1)
    assert (last_entry().action, last_entry().reason) == ("unit.moved", "街道划转")


def test_move_without_reason_is_refused_on_the_page(root: Client, tree: Tree) -> None:
    before = snapshot()
    response = root.post(reverse("admin:org_unit_change", args=[tree.s1.pk]), change_data(tree.s1, parent=tree.d2.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["reason"] == ["理由：必填，请说明原因。"]
    assert snapshot() == before


def test_rename_and_move_in_one_save_are_two_entries(root: Client, tree: Tree) -> None:
    before = LedgerEntry.objects.count()
    data = change_data(tree.e1, name="甲公司工会", parent=tree.s2.pk, reason="迁址并更名")
    assert root.post(reverse("admin:org_unit_change", args=[tree.e1.pk]), data).status_code == 302
    assert list(LedgerEntry.objects.filter(seq__gt=before).values_list("action", flat=True)) == [
        "unit.renamed",
        "unit.moved",
    ]
    assert (fresh(tree.e1).name, fresh(tree.e1).parent_id) == ("甲公司工会", tree.s2.pk)


def test_close_with_merge_through_the_page(root: Client, tree: Tree) -> None:
    data = change_data(tree.e1, closed_on="2024-06-30", merged_into=tree.e2.pk, reason="合并")
    assert root.post(reverse("admin:org_unit_change", args=[tree.e1.pk]), data).status_code == 302
    assert (fresh(tree.e1).closed_on, fresh(tree.e1).merged_into_id) == (date(2024, 6, 30), tree.e2.pk)
    assert last_entry().action == "unit.closed"
    # a closed unit is history: its page is read-only
    page = root.get(reverse("admin:org_unit_change", args=[tree.e1.pk])).content.decode()
    assert 'name="name"' not in page


def test_close_with_open_children_is_refused_on_the_page(root: Client, tree: Tree) -> None:
    before = snapshot()
    data = change_data(tree.s1, closed_on="2024-06-30", reason="撤并")
    response = root.post(reverse("admin:org_unit_change", args=[tree.s1.pk]), data)
    assert response.status_code == 200
    assert "仍有2个未撤销的下级单位" in " ".join(response.context["adminform"].form.non_field_errors())
    assert snapshot() == before


def test_no_delete(root: Client, tree: Tree) -> None:
    assert root.get(reverse("admin:org_unit_delete", args=[tree.e1.pk])).status_code == 403


def test_grant_through_the_page(root: Client, worker: User, tree: Tree) -> None:
    data = {"user": worker.pk, "unit": tree.s1.pk, "role": "street_caseworker", "valid_from": "", "valid_until": ""}
    response = root.post(reverse("admin:org_membership_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=worker)
    assert membership.granted_by is not None and membership.granted_by.username == "root"
    assert last_entry().action == "membership.granted"


def test_grant_rule_shows_on_the_role_field(root: Client, worker: User, tree: Tree) -> None:
    before = snapshot()
    data = {"user": worker.pk, "unit": tree.e1.pk, "role": "district_approver", "valid_from": "", "valid_until": ""}
    response = root.post(reverse("admin:org_membership_add"), data)
    assert response.status_code == 200
    assert "只能在市总工会、区总工会任职" in response.context["adminform"].form.errors["role"][0]
    assert snapshot() == before


def test_end_through_the_page(root: Client, admin: User, worker: User, tree: Tree) -> None:
    membership = membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", by=admin)
    url = reverse("admin:org_membership_change", args=[membership.pk])
    before = snapshot()
    response = root.post(url, {"end": "on", "end_at": "", "reason": ""})
    assert response.context["adminform"].form.errors["reason"] == ["理由：必填，请说明原因。"]
    assert snapshot() == before
    assert root.post(url, {"end": "on", "end_at": "", "reason": "离任"}).status_code == 302
    assert Membership.objects.get(pk=membership.pk).valid_until is not None
    assert (last_entry().action, last_entry().reason) == ("membership.ended", "离任")
    # saving without ticking "end" changes nothing
    other = membership_grant(user=worker, unit=tree.e2, role="enterprise_chair", by=admin)
    before = snapshot()
    assert root.post(reverse("admin:org_membership_change", args=[other.pk]), {"reason": ""}).status_code == 302
    assert snapshot() == before


def test_admin_acts_for_their_administrator_unit(client: Client, admin: User, worker: User, tree: Tree) -> None:
    staff = User.objects.create_superuser(username="district-admin", password=None)
    membership_grant(user=staff, unit=tree.d1, role="administrator", by=admin)
    client.force_login(staff)
    data = {"code": "E9", "name": "新企业工会", "kind": "enterprise", "parent": tree.s1.pk}
    assert client.post(reverse("admin:org_unit_add"), data).status_code == 302
    assert (last_entry().actor_role, last_entry().actor_unit_code) == ("administrator", "D1")


def test_closed_units_are_not_offered_as_parents(root: Client, admin: User, tree: Tree) -> None:
    unit_close(unit=tree.e2, closed_on=date(2024, 1, 1), reason="注销", by=admin)
    form = root.get(reverse("admin:org_unit_add")).context["adminform"].form
    assert tree.e2.pk not in {unit.pk for unit in form.fields["parent"].queryset}
