"""Reads for the pages: what the header and the home page show a user.

The home page has one panel per current membership (a role held at a unit).
Which panel a role gets is declared once here, in ``PANEL_BY_ROLE``; the
panels' own lists (requests, tasks, decisions) are filled by the case flows
when they arrive, so for now they are empty and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, PermissionsMixin
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from casework.org.models import Membership
from permissions import roles

AnyUser = AbstractBaseUser | AnonymousUser


class PanelKind:
    """The kinds of home panel; each has a template ``web/panels/<kind>.html``."""

    REQUESTS = "requests"  # what my union filed
    TASKS = "tasks"  # steps assigned to me
    DECISIONS = "decisions"  # reviews and approvals waiting for me
    ASSIGNED = "assigned"  # cases assigned to me as a lawyer
    TRAIL = "trail"  # the decision trail, read only
    ADMIN = "admin"  # units, people, roles, calendar


PANEL_BY_ROLE: dict[str, str] = {
    roles.ENTERPRISE_CHAIR: PanelKind.REQUESTS,
    roles.STREET_CASEWORKER: PanelKind.TASKS,
    roles.DISTRICT_CASEWORKER: PanelKind.TASKS,
    roles.STREET_APPROVER: PanelKind.DECISIONS,
    roles.DISTRICT_APPROVER: PanelKind.DECISIONS,
    roles.FINANCE_OFFICER: PanelKind.DECISIONS,
    roles.LEGAL_OFFICER: PanelKind.DECISIONS,
    roles.HONOURS_COMMITTEE: PanelKind.DECISIONS,
    roles.LAWYER: PanelKind.ASSIGNED,
    roles.AUDITOR: PanelKind.TRAIL,
    roles.ADMINISTRATOR: PanelKind.ADMIN,
}

# Admin pages an administrator's panel links to: (label, URL name, permission).
ADMIN_PAGES: tuple[tuple[Promise, str, str], ...] = (
    (_("单位"), "admin:org_unit_changelist", "org.view_unit"),
    (_("人员"), "admin:people_person_changelist", "people.view_person"),
    (_("用户"), "admin:accounts_user_changelist", "accounts.view_user"),
    (_("角色任职"), "admin:org_membership_changelist", "org.view_membership"),
    (_("工作日历"), "admin:calendar_calendaryear_changelist", "calendar.view_calendaryear"),
)
# The auditors' workspace (casework/audit): (label, URL name), open to every auditor.
TRAIL_PAGES: tuple[tuple[Promise, str], ...] = (
    (_("完整性核验"), "audit:home"),
    (_("决定轨迹查询"), "audit:trail"),
    (_("个人信息查看记录"), "audit:reveals"),
)


@dataclass(frozen=True)
class PageLink:
    """A link on a panel; ``url`` is None when the page cannot be opened, and ``note`` says why."""

    label: str | Promise
    url: str | None
    note: str | Promise = ""


@dataclass(frozen=True)
class RolePanel:
    role: str
    role_label: str | Promise
    role_description: str | Promise
    unit_name: str
    unit_kind_label: str
    kind: str
    links: tuple[PageLink, ...] = ()

    @property
    def template(self) -> str:
        return f"web/panels/{self.kind}.html"


@dataclass(frozen=True)
class HomePage:
    user_name: str
    panels: tuple[RolePanel, ...]


def _role_label(code: str) -> str | Promise:
    role = roles.ROLES.get(code)
    return role.label if role else code


def memberships_current(*, user: AnyUser, at: datetime | None = None) -> list[Membership]:
    """The user's memberships valid now (or at ``at``), units loaded, in tree order."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.current(at)
        .filter(user_id=user.pk)
        .select_related("unit")
        .order_by("unit__path", "role", "pk")
    )


def user_role_labels(*, user: AnyUser) -> list[tuple[str | Promise, str]]:
    """(role label, unit name) for each current membership: the header's "who am I here"."""
    return [(_role_label(m.role), m.unit.name) for m in memberships_current(user=user)]


def _page_link(user: AnyUser, label: Promise, url_name: str, permission: str) -> PageLink:
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        # The page's admin is not registered yet (its app's issue adds it).
        return PageLink(label, None, _("尚未开放"))
    allowed = isinstance(user, PermissionsMixin) and getattr(user, "is_staff", False) and user.has_perm(permission)
    if not allowed:
        return PageLink(label, None, _("您的账户没有管理后台的查看权限"))
    return PageLink(label, url)


def _links_for(kind: str, user: AnyUser) -> tuple[PageLink, ...]:
    if kind == PanelKind.ADMIN:
        return tuple(_page_link(user, *page) for page in ADMIN_PAGES)
    if kind == PanelKind.TRAIL:
        return tuple(PageLink(label, reverse(name)) for label, name in TRAIL_PAGES)
    return ()


def home_page(*, user: AnyUser, at: datetime | None = None) -> HomePage:
    """What the home page shows ``user``: one panel per current membership.

    A role with no declared panel falls back on its catalogue entry: one that
    takes decisions gets "awaiting my decision", any other "my tasks".
    """
    panels = []
    for membership in memberships_current(user=user, at=at):
        role = roles.ROLES.get(membership.role)
        fallback = PanelKind.DECISIONS if role and role.decides else PanelKind.TASKS
        kind = PANEL_BY_ROLE.get(membership.role, fallback)
        panels.append(
            RolePanel(
                role=membership.role,
                role_label=_role_label(membership.role),
                role_description=role.description if role else "",
                unit_name=membership.unit.name,
                unit_kind_label=membership.unit.get_kind_display(),
                kind=kind,
                links=_links_for(kind, user),
            )
        )
    return HomePage(user_name=str(user), panels=tuple(panels))
