"""The role catalogue: declared once, read everywhere.

A person may hold several roles, each at one unit (a membership in
casework.org). A role says what its holder may do (``actions``) and how far
a membership reaches (``reach``): the unit and everything under it, the unit
only, or nothing but the objects granted to the holder one by one.
``docs/permissions.md`` is generated from this file
(``manage.py permissions_doc``); a test fails when it is stale.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

UPPER = ("city", "district")
MIDDLE = ("street", "park")
GRASS_ROOTS = ("enterprise", "institution")


class Reach(enum.Enum):
    SUBTREE = "subtree"  # the membership's unit and every unit under it
    UNIT = "unit"  # the membership's unit only
    GRANTED = "granted"  # only objects granted to the user (lawyers, committee members)


@dataclass(frozen=True)
class Action:
    code: str
    label: Promise
    writes: bool  # changes something: never available to a read-only role


# What can be done, object type first. Flows add their own as they land.
ACTIONS: dict[str, Action] = {
    a.code: a
    for a in (
        Action("unit.view", _("查看单位"), writes=False),
        Action("unit.manage", _("设立、更名、迁移、撤销单位"), writes=True),
        Action("membership.view", _("查看角色任职"), writes=False),
        Action("membership.manage", _("授予和终止角色任职"), writes=True),
        Action("person.view", _("查看人员（证件号、手机号遮蔽）"), writes=False),
        Action("person.manage", _("登记和修改人员、家庭成员"), writes=True),
        Action("person.reveal", _("查看完整证件号和手机号（留痕）"), writes=True),
        Action("ledger.view", _("查阅决定轨迹"), writes=False),
        Action("grant.manage", _("授予和收回对单个对象的访问"), writes=True),
        Action("settings.view", _("查看区级参数"), writes=False),
        Action("settings.manage", _("录入区级参数"), writes=True),
        Action("case.view", _("查看案件"), writes=False),
        Action("case.file", _("提出申请"), writes=True),
        Action("case.prepare", _("经办：调查、初审、整理材料"), writes=True),
        Action("case.decide", _("审批决定"), writes=True),
        Action("case.work", _("承办指派的案件"), writes=True),
        Action("case.reassign", _("改派本单位的待办任务"), writes=True),
        Action("payment.decide", _("审核和登记付款"), writes=True),
        Action("budget.view", _("查看帮扶资金预算"), writes=False),
        Action("budget.manage", _("设立预算和下拨经费"), writes=True),
        Action("legalaid.assign", _("指派律师"), writes=True),
        Action("honours.vote", _("评审投票"), writes=True),
        Action("outreach.view", _("查看普法宣传活动"), writes=False),
        Action("outreach.record", _("登记、更正和撤回普法宣传活动"), writes=True),
        Action("records.purge", _("清除保管期满的个人信息"), writes=True),
    )
}


@dataclass(frozen=True)
class Role:
    code: str
    label: Promise
    description: Promise
    unit_kinds: tuple[str, ...]
    reach: Reach
    decides: bool  # takes case decisions (reviews, approvals, payments)
    actions: frozenset[str]

    @property
    def reaches_down(self) -> bool:
        return self.reach is Reach.SUBTREE

    @property
    def read_only(self) -> bool:
        return not any(ACTIONS[a].writes for a in self.actions)


ENTERPRISE_CHAIR = "enterprise_chair"
STREET_CASEWORKER = "street_caseworker"
STREET_APPROVER = "street_approver"
DISTRICT_CASEWORKER = "district_caseworker"
DISTRICT_APPROVER = "district_approver"
FINANCE_OFFICER = "finance_officer"
LEGAL_OFFICER = "legal_officer"
LAWYER = "lawyer"
HONOURS_COMMITTEE = "honours_committee"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"

READ_TREE = frozenset({"unit.view", "person.view", "case.view", "settings.view", "outreach.view"})

ROLES: dict[str, Role] = {
    role.code: role
    for role in (
        Role(
            ENTERPRISE_CHAIR,
            _("基层工会主席"),
            _("提出申请、推荐人选、上传材料；只见本单位"),
            GRASS_ROOTS,
            reach=Reach.UNIT,
            decides=False,
            actions=READ_TREE | {"person.manage", "case.file", "outreach.record"},
        ),
        Role(
            STREET_CASEWORKER,
            _("街道（园区）工作人员"),
            _("入户调查、初审、发放名单"),
            MIDDLE,
            reach=Reach.SUBTREE,
            decides=False,
            actions=READ_TREE
            | {"person.manage", "person.reveal", "case.file", "case.prepare", "budget.view", "outreach.record"},
        ),
        Role(
            STREET_APPROVER,
            _("街道（园区）审批人"),
            _("街道（园区）一级审核决定"),
            MIDDLE,
            reach=Reach.SUBTREE,
            decides=True,
            actions=READ_TREE | {"person.reveal", "case.decide", "case.reassign", "grant.manage"},
        ),
        Role(
            DISTRICT_CASEWORKER,
            _("区总工会工作人员"),
            _("区级经办与复核"),
            UPPER,
            reach=Reach.SUBTREE,
            decides=False,
            actions=READ_TREE | {"person.manage", "person.reveal", "case.file", "case.prepare", "outreach.record"},
        ),
        Role(
            DISTRICT_APPROVER,
            _("区总工会审批人"),
            _("最终审批决定"),
            UPPER,
            reach=Reach.SUBTREE,
            decides=True,
            actions=READ_TREE | {"person.reveal", "case.decide", "case.reassign", "grant.manage"},
        ),
        Role(
            FINANCE_OFFICER,
            _("财务人员"),
            _("审核和登记付款"),
            UPPER + MIDDLE,
            reach=Reach.SUBTREE,
            decides=True,
            actions=READ_TREE | {"payment.decide", "budget.view", "budget.manage"},
        ),
        Role(
            LEGAL_OFFICER,
            _("法律援助工作人员"),
            _("法律援助受理与指派"),
            UPPER,
            reach=Reach.SUBTREE,
            decides=True,
            actions=READ_TREE
            | {"person.manage", "person.reveal", "case.file", "case.prepare", "case.decide", "legalaid.assign"}
            | {"case.reassign", "grant.manage", "outreach.record"},
        ),
        Role(
            LAWYER,
            _("律师或法律服务人员"),
            _("只见指派给本人的案件"),
            UPPER + MIDDLE,
            reach=Reach.GRANTED,
            decides=False,
            actions=frozenset({"case.view", "case.work", "person.view"}),
        ),
        Role(
            HONOURS_COMMITTEE,
            _("评审委员会委员"),
            _("评选表彰的评审投票"),
            UPPER,
            reach=Reach.GRANTED,
            decides=True,
            actions=frozenset({"case.view", "honours.vote"}),
        ),
        Role(
            AUDITOR,
            _("审计人员"),
            _("查阅范围内全部记录与决定轨迹，不作任何修改"),
            UPPER + MIDDLE,
            reach=Reach.SUBTREE,
            decides=False,
            actions=READ_TREE | {"membership.view", "ledger.view", "budget.view"},
        ),
        Role(
            ADMINISTRATOR,
            _("系统管理员"),
            _("管理单位、人员和角色；不作案件决定"),
            UPPER + MIDDLE,
            reach=Reach.SUBTREE,
            decides=False,
            actions=frozenset(
                {"unit.view", "unit.manage", "membership.view", "membership.manage", "person.view", "person.manage"}
                | {"settings.view", "settings.manage", "records.purge"}
            ),
        ),
    )
}

ROLE_CHOICES = [(role.code, role.label) for role in ROLES.values()]
