"""The home page: one panel per current membership, an explanation without any."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from casework.org.models import Membership
from casework.web.selectors import ADMIN_PAGES, PANEL_BY_ROLE, PanelKind, home_page
from permissions import roles

TITLES = {
    PanelKind.REQUESTS: "本会的申请",
    PanelKind.TASKS: "我的待办",
    PanelKind.DECISIONS: "待我决定",
    PanelKind.ASSIGNED: "指派给我的案件",
    PanelKind.TRAIL: "决定轨迹",
    PanelKind.ADMIN: "系统管理",
}


def unit_key(role: str) -> str:
    kinds = roles.ROLES[role].unit_kinds
    return next(key for key in ("enterprise", "street", "district") if key in kinds)


def test_every_role_of_the_catalogue_has_a_panel():
    assert set(PANEL_BY_ROLE) == set(roles.ROLES)


@pytest.mark.parametrize("role", sorted(roles.ROLES))
def test_each_role_gets_its_panel_at_its_unit(client, tree, make_user, role):
    unit = tree[unit_key(role)]
    client.force_login(make_user("u", (role, unit)))
    html = client.get("/").content.decode()
    kind = PANEL_BY_ROLE[role]
    assert html.count('class="panel panel-') == 1
    assert f'class="panel panel-{kind}"' in html
    assert f">{TITLES[kind]}</h2>" in html
    assert str(roles.ROLES[role].label) in html
    assert unit.name in html
    # Other panels' titles do not appear.
    for other, title in TITLES.items():
        if other != kind:
            assert f">{title}</h2>" not in html


def test_several_memberships_give_several_panels_in_tree_order(client, tree, make_user):
    user = make_user(
        "multi",
        (roles.DISTRICT_APPROVER, tree["district"]),
        (roles.ENTERPRISE_CHAIR, tree["enterprise"]),
        (roles.STREET_CASEWORKER, tree["street"]),
        display_name="王芳",
    )
    client.force_login(user)
    html = client.get("/").content.decode()
    assert html.count('class="panel panel-') == 3
    positions = [html.index(f">{TITLES[k]}</h2>") for k in (PanelKind.DECISIONS, PanelKind.TASKS, PanelKind.REQUESTS)]
    assert positions == sorted(positions)
    # The header names the user and every current role with its unit.
    assert "王芳" in html
    for label, unit in [("区总工会审批人", "滨江区总工会"), ("基层工会主席", "江南机械厂工会")]:
        assert f"<li>{label} · {unit}</li>" in html


def test_a_user_without_membership_reads_why_the_page_is_empty(client, make_user):
    client.force_login(make_user("nobody"))
    html = client.get("/").content.decode()
    assert "您目前没有有效的角色任职" in html
    assert "暂无角色" in html
    assert 'class="panel panel-' not in html


def test_ended_and_future_memberships_do_not_count(client, tree, make_user):
    user = make_user("former")
    now = timezone.now()
    Membership.objects.create(
        user=user,
        unit=tree["street"],
        role=roles.STREET_APPROVER,
        valid_from=now - timedelta(days=30),
        valid_until=now - timedelta(days=1),
    )
    Membership.objects.create(user=user, unit=tree["street"], role=roles.AUDITOR, valid_from=now + timedelta(days=1))
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "您目前没有有效的角色任职" in html
    assert home_page(user=user, at=now - timedelta(days=2)).panels[0].role == roles.STREET_APPROVER


def test_panels_show_empty_states_not_made_up_work(client, tree, make_user):
    client.force_login(make_user("chair", (roles.ENTERPRISE_CHAIR, tree["enterprise"])))
    html = client.get("/").content.decode()
    assert "目前没有申请。" in html


def _expected_admin_links(user) -> dict[str, str | None]:
    expected = {}
    for label, url_name, perm in ADMIN_PAGES:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            url = None
        expected[str(label)] = url if url and user.is_staff and user.has_perm(perm) else None
    return expected


def test_administrator_panel_links_to_the_admin_pages_it_may_open(client, tree, make_user):
    user = make_user("admin1", (roles.ADMINISTRATOR, tree["district"]), is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    client.force_login(user)
    html = client.get("/").content.decode()
    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    expected = _expected_admin_links(user)
    # Users and the calendar have admin pages already; links to them are live.
    assert expected["用户"] == reverse("admin:accounts_user_changelist")
    assert expected["工作日历"] == reverse("admin:calendar_calendaryear_changelist")
    for label, url in expected.items():
        if url:
            assert f'<a href="{url}">{label}</a>' in html
        else:
            assert f'<span class="link-off">{label}</span> <span class="link-note">（尚未开放）</span>' in html


def test_administrator_without_admin_rights_sees_why_links_are_off(client, tree, make_user):
    client.force_login(make_user("admin2", (roles.ADMINISTRATOR, tree["district"])))
    html = client.get("/").content.decode()
    assert "/admin/" not in html
    assert 'href="/admin/accounts/user/"' not in html
    assert "您的账户没有管理后台的查看权限" in html


def test_auditor_panel_links_to_the_auditors_workspace(client, tree, make_user):
    client.force_login(make_user("aud", (roles.AUDITOR, tree["district"])))
    html = client.get("/").content.decode()
    assert f'<a href="{reverse("audit:home")}">完整性核验</a>' in html
    assert f'<a href="{reverse("audit:trail")}">决定轨迹查询</a>' in html


def test_a_role_without_a_declared_panel_falls_back_on_the_catalogue(tree, make_user, monkeypatch):
    monkeypatch.delitem(PANEL_BY_ROLE, roles.FINANCE_OFFICER)
    monkeypatch.delitem(PANEL_BY_ROLE, roles.LAWYER)
    user = make_user("x", (roles.FINANCE_OFFICER, tree["district"]), (roles.LAWYER, tree["street"]))
    kinds = {panel.role: panel.kind for panel in home_page(user=user).panels}
    assert kinds == {roles.FINANCE_OFFICER: PanelKind.DECISIONS, roles.LAWYER: PanelKind.TASKS}


def test_home_queries_do_not_grow_with_memberships(client, tree, make_user, django_assert_max_num_queries):
    one = make_user("one", (roles.STREET_CASEWORKER, tree["street"]))
    many = make_user("many", *[(role, tree[unit_key(role)]) for role in roles.ROLES if role != roles.ADMINISTRATOR])
    client.force_login(one)
    with django_assert_max_num_queries(20) as baseline:
        client.get("/")
    client.force_login(many)
    with django_assert_max_num_queries(len(baseline.captured_queries) + 2):
        client.get("/")
