"""The words of legal aid (domain.md §3: 全总《工会法律援助办法》; the
periods of the 《法律援助法》 where it is silent)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    APPLIED = "applied", _("待审查申请材料")
    AWAITING_MATERIAL = "awaiting_material", _("待补充材料")
    DECISION = "decision", _("待决定是否援助")
    REFUSED = "refused", _("不予援助（异议期内）")
    OBJECTION = "objection", _("异议待决定")
    ASSIGNMENT = "assignment", _("待指派承办人")
    IN_PROGRESS = "in_progress", _("承办中")
    CLOSURE_REVIEW = "closure_review", _("结案审查")
    SUBSIDY = "subsidy", _("待支付办案补贴")
    # Final.
    ARCHIVED = "archived", _("已归档")
    WITHDRAWN = "withdrawn", _("已撤回")
    REJECTED = "rejected", _("不予援助")
    TERMINATED = "terminated", _("已终止援助")


FINAL_STATES = (State.ARCHIVED, State.WITHDRAWN, State.REJECTED, State.TERMINATED)


class Dispute(models.TextChoices):
    WAGES = "wages", _("拖欠工资")
    WORK_INJURY = "work_injury", _("工伤")
    DISMISSAL = "dismissal", _("解除劳动合同")
    SOCIAL_INSURANCE = "social_insurance", _("社会保险")
    CONTRACT = "contract", _("劳动合同")
    OTHER = "other", _("其他")


# Migrant workers claiming these need no means test (办法 10; 法律援助法 42).
MEANS_TEST_EXEMPT_FOR_MIGRANTS = (Dispute.WAGES, Dispute.WORK_INJURY)


class AidForm(models.TextChoices):
    ADVICE = "advice", _("法律咨询")
    DRAFTING = "drafting", _("代写法律文书")
    MEDIATION = "mediation", _("调解")
    ARBITRATION = "arbitration", _("仲裁代理")
    LITIGATION = "litigation", _("诉讼代理")


class Channel(models.TextChoices):
    WRITTEN = "written", _("书面申请")
    ORAL = "oral", _("口头申请（记录并经申请人签字）")


class Basis(models.TextChoices):
    HARDSHIP_RECORD = "hardship_record", _("在档困难职工")
    MEANS = "means", _("家庭人均收入符合困难标准")
    SERIOUS_INFRINGEMENT = "serious_infringement", _("权益受到严重侵害")
    MIGRANT_EXEMPT = "migrant_exempt", _("农民工追索劳动报酬、工伤赔偿（免于经济困难审查）")


class Urgency(models.TextChoices):
    DEADLINE = "deadline", _("距时效或其他期限届满不足7日")
    PRESERVATION = "preservation", _("需要立即申请财产保全或证据保全")
    ADVANCE_ENFORCEMENT = "advance_enforcement", _("需要立即申请先予执行")


class EventKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询会见")
    MEDIATION = "mediation", _("调解")
    ARBITRATION_FILED = "arbitration_filed", _("申请仲裁")
    ARBITRATION_HEARING = "arbitration_hearing", _("仲裁开庭")
    COURT_HEARING = "court_hearing", _("法院开庭")
    JUDGMENT = "judgment", _("裁决或判决")


class Outcome(models.TextChoices):
    WON = "won", _("胜诉或支持请求")
    PARTLY = "partly", _("部分支持")
    SETTLED = "settled", _("调解或和解结案")
    LOST = "lost", _("未获支持")


class Termination(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("不再符合援助条件")
    FALSE_INFORMATION = "false_information", _("申请人提供虚假材料")
    APPLICANT_WITHDREW = "applicant_withdrew", _("申请人撤回或自行委托律师")
    URGENT_NOT_CONFIRMED = "urgent_not_confirmed", _("先行援助经审查不符合条件")
