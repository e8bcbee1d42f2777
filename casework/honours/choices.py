"""The words of honours (domain.md §4: 劳动模范、先进工作者、五一劳动奖章、
模范职工之家; the national May Day medal notices of 2022 and 2024 for the
composition of a list)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("全国")


# Low to high: an honour held at the campaign's level or above bars a new nomination.
LEVEL_ORDER = (Level.DISTRICT, Level.CITY, Level.PROVINCE, Level.NATIONAL)


class Nominee(models.TextChoices):
    PERSON = "person", _("个人")
    UNIT = "unit", _("单位")


class State(models.TextChoices):
    NOMINATED = "nominated", _("待单位公示")
    UNIT_NOTICE = "unit_notice", _("单位公示中")
    RETURNED = "returned", _("退回补正")
    STREET_REVIEW = "street_review", _("街道（园区）审核")
    INSPECTION = "inspection", _("实地考察")
    VETTING = "vetting", _("部门联审")
    VETTING_FOLLOW_UP = "vetting_follow_up", _("联审逾期催办")
    COMMITTEE = "committee", _("评审委员会表决")
    DISTRICT_NOTICE = "district_notice", _("区总工会公示中")
    APPROVAL = "approval", _("待区总工会审定")
    APPROVED = "approved", _("已审定")
    RECOMMENDED = "recommended", _("已向上级推荐")
    AWARDED = "awarded", _("已授予，待公布")
    HOME_ACTIVE = "home_active", _("已命名（年度复查）")
    # Final.
    PUBLISHED = "published", _("已公布")
    NOT_SELECTED = "not_selected", _("未入选")
    EXCLUDED = "excluded", _("取消推荐资格")
    WITHDRAWN = "withdrawn", _("已撤回")
    REVOKED = "revoked", _("已撤销")


FINAL_STATES = (State.PUBLISHED, State.NOT_SELECTED, State.EXCLUDED, State.WITHDRAWN, State.REVOKED)
# A nomination in these holds a place of its street's quota.
OUT_OF_RUNNING = (State.NOT_SELECTED, State.EXCLUDED, State.WITHDRAWN)
# The district's list: what the committee selected and the district approves.
ON_THE_LIST = (
    State.APPROVAL,
    State.APPROVED,
    State.RECOMMENDED,
    State.AWARDED,
    State.HOME_ACTIVE,
    State.PUBLISHED,
)
APPROVED_STATES = ON_THE_LIST[1:]
# An honour held: it counts against a new nomination for the same honour.
HELD_STATES = (State.AWARDED, State.HOME_ACTIVE, State.PUBLISHED)


class Category(models.TextChoices):
    """The nominee's group for the composition rules of a list."""

    INDUSTRIAL_WORKER = "industrial_worker", _("产业工人")
    FRONTLINE_TECHNICAL = "frontline_technical", _("其他一线职工和专业技术人员")
    SCIENCE_EDUCATION = "science_education", _("科教人员")
    MANAGER = "manager", _("企业负责人和管理人员")
    OTHER = "other", _("其他")


class Ownership(models.TextChoices):
    STATE_OWNED = "state_owned", _("国有及国有控股")
    NON_PUBLIC = "non_public", _("非公有制")
    PUBLIC_BODY = "public_body", _("机关事业单位")


class Group(models.TextChoices):
    """What a composition rule counts: a share of the list that must be at
    least the campaign's minimum."""

    INDUSTRIAL_WORKER = "industrial_worker", _("产业工人")
    FRONTLINE_TECHNICAL = "frontline_technical", _("其他一线职工和专业技术人员")
    SCIENCE_EDUCATION = "science_education", _("科教人员")
    MIGRANT_WORKER = "migrant_worker", _("农民工")
    NON_PUBLIC = "non_public", _("非公有制单位")


class VoteBody(models.TextChoices):
    CONGRESS = "congress", _("职工（会员）代表大会")
    ASSEMBLY = "assembly", _("职工（会员）大会")
    DEMOCRATIC_VOTE = "democratic_vote", _("民主推荐投票")


class Department(models.TextChoices):
    LABOUR = "labour", _("人力资源社会保障部门")
    TAX = "tax", _("税务部门")
    MARKET = "market", _("市场监管部门")
    EMERGENCY = "emergency", _("应急管理部门")
    ENVIRONMENT = "environment", _("生态环境部门")
    DISCIPLINE = "discipline", _("纪检监察机关")
    AUDIT = "audit", _("审计部门")


# Every nominee is vetted by these; state-owned units also by discipline and audit.
VETTING_DEPARTMENTS: tuple[Department, ...] = (Department.LABOUR, Department.TAX, Department.MARKET)
VETTING_DEPARTMENTS += (Department.EMERGENCY, Department.ENVIRONMENT)
STATE_OWNED_DEPARTMENTS: tuple[Department, ...] = (Department.DISCIPLINE, Department.AUDIT)


class Answer(models.TextChoices):
    CLEAR = "clear", _("无异议")
    VETO = "veto", _("有否决事项")


class Vote(models.TextChoices):
    YES = "yes", _("赞成")
    NO = "no", _("反对")
    ABSTAIN = "abstain", _("弃权")
