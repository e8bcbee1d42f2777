"""The role catalogue: declared once, read everywhere.

A person may hold several roles, each at one unit (a membership in
casework.org). ``reaches_down`` says whether a membership at a unit also
covers every unit under it; ``unit_kinds`` says where the role can be held.
What each role may *do* is declared with the access-control issue.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

UPPER = ("city", "district")
MIDDLE = ("street", "park")
GRASS_ROOTS = ("enterprise", "institution")


@dataclass(frozen=True)
class Role:
    code: str
    label: Promise
    description: Promise
    unit_kinds: tuple[str, ...]
    reaches_down: bool
    decides: bool  # takes case decisions (reviews, approvals, payments)


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

ROLES: dict[str, Role] = {
    role.code: role
    for role in (
        Role(
            ENTERPRISE_CHAIR,
            _("基层工会主席"),
            _("提出申请、推荐人选、上传材料；只见本单位"),
            GRASS_ROOTS,
            reaches_down=False,
            decides=False,
        ),
        Role(
            STREET_CASEWORKER,
            _("街道（园区）工作人员"),
            _("入户调查、初审、发放名单"),
            MIDDLE,
            reaches_down=True,
            decides=False,
        ),
        Role(
            STREET_APPROVER,
            _("街道（园区）审批人"),
            _("街道（园区）一级审核决定"),
            MIDDLE,
            reaches_down=True,
            decides=True,
        ),
        Role(
            DISTRICT_CASEWORKER,
            _("区总工会工作人员"),
            _("区级经办与复核"),
            UPPER,
            reaches_down=True,
            decides=False,
        ),
        Role(
            DISTRICT_APPROVER,
            _("区总工会审批人"),
            _("最终审批决定"),
            UPPER,
            reaches_down=True,
            decides=True,
        ),
        Role(
            FINANCE_OFFICER,
            _("财务人员"),
            _("审核和登记付款"),
            UPPER + MIDDLE,
            reaches_down=True,
            decides=True,
        ),
        Role(
            LEGAL_OFFICER,
            _("法律援助工作人员"),
            _("法律援助受理与指派"),
            UPPER,
            reaches_down=True,
            decides=True,
        ),
        Role(
            LAWYER,
            _("律师或法律服务人员"),
            _("只见指派给本人的案件"),
            UPPER + MIDDLE,
            reaches_down=False,
            decides=False,
        ),
        Role(
            HONOURS_COMMITTEE,
            _("评审委员会委员"),
            _("评选表彰的评审投票"),
            UPPER,
            reaches_down=False,
            decides=True,
        ),
        Role(
            AUDITOR,
            _("审计人员"),
            _("查阅范围内全部记录与决定轨迹，不作任何修改"),
            UPPER + MIDDLE,
            reaches_down=True,
            decides=False,
        ),
        Role(
            ADMINISTRATOR,
            _("系统管理员"),
            _("管理单位、人员和角色；不作案件决定"),
            UPPER + MIDDLE,
            reaches_down=True,
            decides=False,
        ),
    )
}

ROLE_CHOICES = [(role.code, role.label) for role in ROLES.values()]
