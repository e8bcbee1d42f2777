"""The district settings every rule reads: declared here, valued per district.

domain.md asks that every local practice or assumption be a per-district
setting, never a constant in code. Each key says what it measures and where
the rule comes from; the values live in ``DistrictSetting`` rows with an
effective date, entered by the district's administrators. A flow that needs a
setting the district has not entered gets a clear error naming it, not a
default.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class Measure(enum.Enum):
    YUAN = "yuan"  # money, fen-exact
    RATIO = "ratio"  # a multiple or a share (2 = twice; 0.8 = 80 %)
    DAYS = "days"  # natural days (民法典 201–203)
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    COUNT = "count"
    YEARS = "years"
    HOUR = "hour"  # an hour of the day, 0–24


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str | Promise
    measure: Measure
    source: str  # where the rule comes from (kept in the source language of the rule)
    minimum: Decimal = Decimal("0")
    maximum: Decimal | None = None


ASSISTANCE_TYPES: dict[str, Promise] = {
    "living": _("生活救助"),
    "medical": _("医疗救助"),
    "schooling": _("助学（金秋助学）"),
    "holiday": _("节日慰问（送温暖）"),
    "summer": _("高温慰问"),
    "accident": _("意外救助"),
    "employment": _("就业和技能帮扶"),
}

_SPECS = [
    SettingSpec(
        "hardship.minimum_living_standard",
        _("最低生活保障标准（元/人/月）"),
        Measure.YUAN,
        "民政部门公布的本地城市低保标准，按年调整",
        minimum=Decimal("1"),
    ),
    SettingSpec(
        "hardship.relative_multiple",
        _("相对困难认定倍数（低保标准的倍数）"),
        Measure.RATIO,
        "困难职工档案管理办法；各地通常为低保的2倍",
        minimum=Decimal("1"),
        maximum=Decimal("5"),
    ),
    SettingSpec(
        "hardship.accident_cost_share",
        _("意外致困认定：刚性支出占家庭年收入的比例"),
        Measure.RATIO,
        "地方实施细则（如某市：超过80%）",
        minimum=Decimal("0.01"),
        maximum=Decimal("10"),
    ),
    SettingSpec(
        "hardship.home_visit_working_days",
        _("入户调查期限（工作日）"),
        Measure.WORKING_DAYS,
        "地方做法（5个工作日）",
        minimum=Decimal("1"),
        maximum=Decimal("60"),
    ),
    SettingSpec(
        "hardship.notice_working_days",
        _("公示期（工作日）"),
        Measure.WORKING_DAYS,
        "困难职工档案管理办法：公示不少于5个工作日",
        minimum=Decimal("1"),
        maximum=Decimal("60"),
    ),
    *(
        SettingSpec(key, label, Measure.WORKING_DAYS, source, minimum=Decimal("1"), maximum=Decimal("120"))
        for key, label, source in (
            ("hardship.evaluation_working_days", _("民主评议期限（工作日）"), "地方做法（10个工作日）"),
            ("hardship.notice_close_working_days", _("公示期满后办结期限（工作日）"), "地方做法（2个工作日）"),
            ("hardship.street_review_working_days", _("街道审核期限（工作日）"), "地方做法（10个工作日）"),
            ("hardship.district_approval_working_days", _("区总工会审批期限（工作日）"), "地方做法（10个工作日）"),
            ("hardship.correction_working_days", _("退回补正期限（工作日）"), "地方做法（10个工作日）"),
            ("hardship.annual_review_working_days", _("年度复核办理期限（工作日）"), "地方做法（20个工作日）"),
        )
    ),
    SettingSpec(
        "bargaining.reply_days",
        _("集体协商要约的书面回应期限（日）"),
        Measure.DAYS,
        "《集体合同规定》第32条：收到要约之日起20日内书面回应（各地可缩短）",
        minimum=Decimal("1"),
        maximum=Decimal("60"),
    ),
    # A district counting the reply in working days enters this one instead
    # (some local rules: 10 working days); it takes precedence when set.
    SettingSpec(
        "bargaining.reply_working_days",
        _("集体协商要约的书面回应期限（工作日，设置后优先适用）"),
        Measure.WORKING_DAYS,
        "地方集体协商条例（如10个工作日）",
        minimum=Decimal("1"),
        maximum=Decimal("40"),
    ),
    *(
        SettingSpec(key, label, measure, source, minimum=Decimal("1"), maximum=Decimal(maximum))
        for key, label, measure, source, maximum in (
            (
                "bargaining.coordination_days",
                _("劳动保障部门协调处理期限（日）"),
                Measure.DAYS,
                "《集体合同规定》第52条：受理之日起30日内结束，可延长15日",
                "60",
            ),
            (
                "bargaining.filing_days",
                _("签字后报送劳动保障部门的期限（日）"),
                Measure.DAYS,
                "《集体合同规定》第42条：双方签字后10日内报送",
                "30",
            ),
            (
                "bargaining.review_days",
                _("劳动保障部门审查期限（日）"),
                Measure.DAYS,
                "《集体合同规定》第45、47条：收到文本之日起15日内未提出异议即生效",
                "30",
            ),
            (
                "bargaining.renewal_months",
                _("期满前开始续签协商（月）"),
                Measure.MONTHS,
                "《集体合同规定》第38条：期满前3个月内协商续订",
                "6",
            ),
            (
                "bargaining.preparation_working_days",
                _("协商准备和发出要约的期限（工作日）"),
                Measure.WORKING_DAYS,
                "地方做法（集中要约行动：20个工作日内发出要约）",
                "120",
            ),
            (
                "bargaining.negotiation_days",
                _("收到回应后协商形成草案的期限（日）"),
                Measure.DAYS,
                "地方做法（60日）",
                "365",
            ),
            (
                "bargaining.congress_days",
                _("草案提交职代会审议的期限（日）"),
                Measure.DAYS,
                "地方做法（30日）",
                "120",
            ),
            (
                "bargaining.signing_days",
                _("职代会通过后首席代表签字的期限（工作日）"),
                Measure.WORKING_DAYS,
                "地方做法（5个工作日）",
                "30",
            ),
            (
                "bargaining.publish_working_days",
                _("生效后向全体职工公布的期限（工作日）"),
                Measure.WORKING_DAYS,
                "《集体合同规定》第48条：生效后及时公布（地方做法5个工作日）",
                "30",
            ),
        )
    ),
    # Where a local rule counts these in working days, the district enters
    # the working-day setting instead; it takes precedence when set.
    *(
        SettingSpec(key, label, Measure.WORKING_DAYS, source, minimum=Decimal("1"), maximum=Decimal("40"))
        for key, label, source in (
            (
                "bargaining.coordination_working_days",
                _("劳动保障部门协调处理期限（工作日，设置后优先适用）"),
                "地方集体协商条例",
            ),
            (
                "bargaining.filing_working_days",
                _("签字后报送劳动保障部门的期限（工作日，设置后优先适用）"),
                "地方集体合同条例（如7个工作日）",
            ),
            (
                "bargaining.review_working_days",
                _("劳动保障部门审查期限（工作日，设置后优先适用）"),
                "地方集体合同条例",
            ),
        )
    ),
    *(
        SettingSpec(key, label, measure, source, minimum=Decimal("1"), maximum=Decimal(maximum))
        for key, label, measure, source, maximum in (
            (
                "legalaid.completeness_working_days",
                _("法律援助申请材料审查期限（工作日）"),
                Measure.WORKING_DAYS,
                "地方做法（2个工作日内一次性告知需补充的材料）",
                "10",
            ),
            (
                "legalaid.decision_days",
                _("法律援助决定期限（日）"),
                Measure.DAYS,
                "《法律援助法》第43条：7日内作出决定",
                "30",
            ),
            (
                "legalaid.objection_window_days",
                _("对不予援助决定提出异议的期限（日）"),
                Measure.DAYS,
                "地方做法（收到决定之日起15日内）",
                "60",
            ),
            (
                "legalaid.objection_days",
                _("异议决定期限（日）"),
                Measure.DAYS,
                "《法律援助法》第49条：5日内作出决定",
                "30",
            ),
            (
                "legalaid.assignment_days",
                _("决定援助后指派承办人的期限（日）"),
                Measure.DAYS,
                "《法律援助法》第43条：3日内指派",
                "15",
            ),
            (
                "legalaid.closure_review_working_days",
                _("结案材料审查期限（工作日）"),
                Measure.WORKING_DAYS,
                "地方做法（10个工作日）",
                "60",
            ),
            (
                "legalaid.subsidy_working_days",
                _("办案补贴支付期限（工作日）"),
                Measure.WORKING_DAYS,
                "地方做法（15个工作日）",
                "60",
            ),
        )
    ),
    *(
        SettingSpec(key, label, measure, source, minimum=Decimal("1"), maximum=Decimal(maximum))
        for key, label, measure, source, maximum in (
            (
                "honours.notice_working_days",
                _("评选推荐公示期（工作日）"),
                Measure.WORKING_DAYS,
                "劳动模范、五一劳动奖章评选通知：公示不少于5个工作日",
                "30",
            ),
            (
                "honours.notice_close_working_days",
                _("公示期满后办结期限（工作日）"),
                Measure.WORKING_DAYS,
                "地方做法（2个工作日）",
                "30",
            ),
            (
                "honours.street_review_working_days",
                _("街道（园区）审核期限（工作日）"),
                Measure.WORKING_DAYS,
                "评选活动通知（如10个工作日）",
                "60",
            ),
            (
                "honours.inspection_working_days",
                _("模范职工之家实地考察期限（工作日）"),
                Measure.WORKING_DAYS,
                "地方做法（如15个工作日）",
                "60",
            ),
            (
                "honours.vetting_working_days",
                _("部门联审答复期限（工作日）"),
                Measure.WORKING_DAYS,
                "联审函件要求的答复期限（如10个工作日）",
                "60",
            ),
            (
                "honours.follow_up_working_days",
                _("联审逾期催办期限（工作日）"),
                Measure.WORKING_DAYS,
                "地方做法（如5个工作日）",
                "30",
            ),
            (
                "honours.committee_working_days",
                _("评审委员会表决期限（工作日）"),
                Measure.WORKING_DAYS,
                "评选活动通知（如10个工作日）",
                "60",
            ),
            (
                "honours.approval_working_days",
                _("区总工会审定、授予和上报期限（工作日）"),
                Measure.WORKING_DAYS,
                "评选活动通知（如10个工作日）",
                "60",
            ),
            (
                "honours.repeat_years",
                _("同一荣誉再次推荐的间隔（年）"),
                Measure.COUNT,
                "评选办法：已获同一荣誉者若干年内不再推荐（如5年）",
                "20",
            ),
            (
                "honours.accident_years",
                _("发生较大及以上安全生产事故的单位不得推荐的年限（年）"),
                Measure.COUNT,
                "评选通知：近3年内发生较大及以上安全生产事故的单位",
                "10",
            ),
            (
                "honours.home_reinspection_months",
                _("模范职工之家复查周期（月）"),
                Measure.MONTHS,
                "地方做法（每年复查）",
                "60",
            ),
        )
    ),
    *(
        SettingSpec(key, label, Measure.RATIO, source, minimum=Decimal("0.01"), maximum=Decimal("1"))
        for key, label, source in (
            (
                "honours.committee_quorum",
                _("评审委员会表决的法定人数（占委员总数的比例）"),
                "评审委员会议事规则（如三分之二以上委员参加，0.67）",
            ),
            (
                "honours.home_unionisation",
                _("模范职工之家：职工入会率下限"),
                "地方标准（如98%，0.98）",
            ),
            (
                "honours.home_unionisation_non_public",
                _("模范职工之家：非公有制单位职工入会率下限"),
                "地方标准（如80%，0.80）",
            ),
            (
                "honours.home_satisfaction",
                _("模范职工之家：会员满意度下限"),
                "地方标准（如85%，0.85）",
            ),
        )
    ),
    SettingSpec(
        "bargaining.local_minimum_wage",
        _("当地月最低工资标准（元）"),
        Measure.YUAN,
        "省级人民政府公布的最低工资标准（本区所在档）",
        minimum=Decimal("1"),
    ),
    SettingSpec(
        "deadlines.reminder_working_days",
        _("到期前提醒（提前工作日数）"),
        Measure.WORKING_DAYS,
        "本区督办规定（到期前2个工作日提醒）",
        minimum=Decimal("1"),
        maximum=Decimal("30"),
    ),
    SettingSpec(
        "deadlines.escalation_working_days",
        _("超期后报上一级（超期工作日数）"),
        Measure.WORKING_DAYS,
        "本区督办规定（超期3个工作日报上一级）",
        minimum=Decimal("1"),
        maximum=Decimal("60"),
    ),
    SettingSpec(
        "deadlines.second_escalation_working_days",
        _("超期后再报更上一级（超期工作日数）"),
        Measure.WORKING_DAYS,
        "本区督办规定（超期10个工作日再报更上一级）",
        minimum=Decimal("2"),
        maximum=Decimal("120"),
    ),
    SettingSpec(
        "hardship.exit_months_above_standard",
        _("脱困认定：人均收入连续高于标准的月数"),
        Measure.MONTHS,
        "解困脱困工作标准（连续6个月）",
        minimum=Decimal("1"),
        maximum=Decimal("36"),
    ),
    SettingSpec(
        "hardship.records_sync_working_days",
        _("档案变更后纸质与电子档案一致的期限（工作日）"),
        Measure.WORKING_DAYS,
        "困难职工档案管理办法（30个工作日）",
        minimum=Decimal("1"),
        maximum=Decimal("120"),
    ),
    *(
        SettingSpec(
            f"hardship.ceiling.{code}",
            format_lazy(_("每人每年帮扶上限（元）：{type}"), type=label),
            Measure.YUAN,
            "区总工会帮扶资金管理规定：每人每年上限",
        )
        for code, label in ASSISTANCE_TYPES.items()
    ),
    SettingSpec(
        "audit.retention_years",
        _("档案保管期限（年，自退档或结案之日起）"),
        Measure.YEARS,
        "困难职工档案管理办法：原始档案自撤档之日起保管10年",
        minimum=Decimal("10"),
        maximum=Decimal("100"),
    ),
    SettingSpec(
        "audit.working_hours_start",
        _("审计提示：工作时间开始（时）"),
        Measure.HOUR,
        "本区作息时间",
        maximum=Decimal("23"),
    ),
    SettingSpec(
        "audit.working_hours_end",
        _("审计提示：工作时间结束（时）"),
        Measure.HOUR,
        "本区作息时间",
        minimum=Decimal("1"),
        maximum=Decimal("24"),
    ),
    SettingSpec(
        "audit.approver_share",
        _("审计提示：同一审批人决定某单位案件的比例上限"),
        Measure.RATIO,
        "经费审计关注事项（本区做法）",
        minimum=Decimal("0.5"),
        maximum=Decimal("1"),
    ),
    SettingSpec(
        "audit.approver_min_decisions",
        _("审计提示：计算审批人比例所需的最少决定数"),
        Measure.COUNT,
        "经费审计关注事项（本区做法）",
        minimum=Decimal("2"),
    ),
]

SETTINGS: dict[str, SettingSpec] = {spec.key: spec for spec in _SPECS}
