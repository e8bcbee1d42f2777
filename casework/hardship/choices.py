"""The words of the hardship flow (domain.md §1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("患病")
    DISABILITY = "disability", _("残疾")
    SCHOOLING = "schooling", _("子女上学")
    UNEMPLOYMENT = "unemployment", _("失业")
    ACCIDENT = "accident", _("意外事故")
    DISASTER = "disaster", _("自然灾害")
    OTHER = "other", _("其他")


class ExpenseKind(models.TextChoices):
    """Rigid expenses deducted in the means test."""

    MEDICAL = "medical", _("医疗费用")
    DISABILITY = "disability", _("残疾康复和护理")
    SCHOOLING = "schooling", _("子女教育")
    JOB_COSTS = "job_costs", _("必要的就业成本")


class State(models.TextChoices):
    # Filing (建档): each state names the step the case waits for.
    HOME_VISIT = "home_visit", _("待入户调查")
    UNIT_EVALUATION = "unit_evaluation", _("待民主评议")
    UNIT_NOTICE = "unit_notice", _("公示中")
    STREET_REVIEW = "street_review", _("待街道审核")
    DISTRICT_APPROVAL = "district_approval", _("待区总工会审批")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("未予建档")
    WITHDRAWN = "withdrawn", _("已撤回")
    # The filed record (动态管理).
    FILED = "filed", _("已建档")
    ANNUAL_REVIEW = "annual_review", _("年度复核中")
    # Exit (脱困 / 退档).
    EXIT_NOTICE = "exit_notice", _("退档公示中")
    EXIT_APPROVAL = "exit_approval", _("待审批退档")
    EXITED = "exited", _("已退档")
    ARCHIVED = "archived", _("已归档")


FILING_STATES = (
    State.HOME_VISIT,
    State.UNIT_EVALUATION,
    State.UNIT_NOTICE,
    State.STREET_REVIEW,
    State.DISTRICT_APPROVAL,
    State.RETURNED,
)
# A person has at most one record in these states (one active record per ID number).
ACTIVE_STATES = (*FILING_STATES, State.FILED, State.ANNUAL_REVIEW, State.EXIT_NOTICE, State.EXIT_APPROVAL)


class ExitReason(models.TextChoices):
    RECOVERED = "recovered", _("已脱困（人均收入连续高于标准）")
    DEATH = "death", _("本人死亡")
    RETIRED_OR_LEFT = "retired_or_left", _("退休或离开本区")
    INELIGIBLE = "ineligible", _("不符合条件或提供虚假信息（追回已发资金）")


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("继续保留档案")
    CHANGE_CATEGORY = "change_category", _("变更困难类别")
    PROPOSE_EXIT = "propose_exit", _("提出退档")
