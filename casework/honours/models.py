"""Honours (评选表彰): a district's campaign with its quotas and
composition rules, the nominations in it (one case each, a person or a
unit), the departments' vetting answers, the committee's votes, the
objections to the notices; the records the automatic checks read (wage
arrears, safety accidents, honours held). domain.md §4.

``HonourNomination`` is a multi-table subclass of the shared ``Case``; its
unit is the nominating grass-roots union (for a Model Workers' Home, the
unit nominated), its person the nominee (none for a unit honour). Vetting
departments and the upper federation do not log in: staff record their
answers, each with its document.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.cases.models import Case
from casework.cases.notices import NoticeObjection
from casework.honours.choices import (
    Answer,
    Category,
    Department,
    Level,
    Nominee,
    Ownership,
    Vote,
    VoteBody,
)
from casework.ledger.models import LedgerEntry
from permissions.four_eyes import APPROVALS, Parties

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class HonourType(models.Model):
    """An honour the district nominates for (劳动模范, 先进工作者, 五一劳动
    奖章, 模范职工之家): data, so a district can add its own."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    nominee = models.CharField(_("授予对象"), max_length=8, choices=Nominee.choices)

    class Meta:
        verbose_name = _("荣誉类型")
        verbose_name_plural = _("荣誉类型")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def for_units(self) -> bool:
        return self.nominee == Nominee.UNIT


class Campaign(models.Model):
    """One round of nominations for one honour at one level. The district
    awards district-level honours itself; for a higher level it selects and
    recommends upward, then records the upper level's decision."""

    district = models.ForeignKey(
        "org.Unit", verbose_name=_("区总工会"), on_delete=models.PROTECT, related_name="honours_campaigns"
    )
    honour_type = models.ForeignKey(HonourType, verbose_name=_("荣誉类型"), on_delete=models.PROTECT)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("活动名称"), max_length=100)
    nominations_close_on = models.DateField(_("推荐截止日期"))
    # Group -> the minimum share of the list in percent ({"industrial_worker": 35, ...}).
    composition = models.JSONField(_("名额结构要求"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("评选活动")
        verbose_name_plural = _("评选活动")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}）"

    @property
    def awarded_by_district(self) -> bool:
        return self.level == Level.DISTRICT


class Quota(models.Model):
    """How many nominees a street or park may put forward in a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey("org.Unit", verbose_name=_("街道（园区）"), on_delete=models.PROTECT, related_name="+")
    places = models.PositiveSmallIntegerField(_("名额"))

    class Meta:
        verbose_name = _("名额")
        verbose_name_plural = _("名额")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="honours_quota_unique")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.places}"


class HonourNomination(Case):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("评选活动"), on_delete=models.PROTECT, related_name="nominations"
    )
    deeds = models.TextField(_("主要事迹"))
    category = models.CharField(_("人员类别"), max_length=24, choices=Category.choices, blank=True)
    ownership = models.CharField(_("单位性质"), max_length=16, choices=Ownership.choices)
    migrant_worker = models.BooleanField(_("农民工"), default=False)

    # The nominating vote (workers' congress or a democratic vote).
    vote_body = models.CharField(_("推荐方式"), max_length=16, choices=VoteBody.choices)
    voted_on = models.DateField(_("推荐会议日期"))
    vote_total = models.PositiveIntegerField(_("应到人数"))
    vote_present = models.PositiveIntegerField(_("实到人数"))
    vote_yes = models.PositiveIntegerField(_("赞成"))
    vote_no = models.PositiveIntegerField(_("反对"), default=0)
    vote_abstain = models.PositiveIntegerField(_("弃权"), default=0)

    # A Model Workers' Home: the unit's figures as nominated.
    unionisation_rate = models.DecimalField(
        _("职工入会率（%）"), null=True, blank=True, max_digits=5, decimal_places=2, validators=PERCENT
    )
    satisfaction_rate = models.DecimalField(
        _("会员满意度（%）"), null=True, blank=True, max_digits=5, decimal_places=2, validators=PERCENT
    )
    inspected_on = models.DateField(_("考察日期"), null=True, blank=True)
    next_inspection_due = models.DateField(_("下次复查日期"), null=True, blank=True)

    # The notices: the unit's, then the district's.
    notice_from = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    vetting_began_on = models.DateField(_("联审开始日期"), null=True, blank=True)
    committee_met_on = models.DateField(_("评审会议日期"), null=True, blank=True)

    approved_on = models.DateField(_("审定日期"), null=True, blank=True)
    recommended_on = models.DateField(_("推荐上报日期"), null=True, blank=True)
    awarded_on = models.DateField(_("授予日期"), null=True, blank=True)
    award_document = models.CharField(_("表彰文件文号"), max_length=100, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("评选推荐")
        verbose_name_plural = _("评选推荐")

    def __str__(self) -> str:
        return self.number or f"{self.campaign} #{self.pk}"

    def four_eyes_parties(self, action: str) -> Parties:
        """The nominee and the unit are the parties; who prepared a decision
        is everyone who recorded, checked or voted on the nomination (the
        filer, the unit's notice, the district's caseworker, the committee),
        so one person holding two roles never reviews their own work. A
        decider's earlier decisions do not bar their next (approve, then award)."""
        from permissions.roles import DISTRICT_CASEWORKER, ENTERPRISE_CHAIR, HONOURS_COMMITTEE, STREET_CASEWORKER

        if action not in APPROVALS:  # only an approval asks who prepared it: skip the trail
            return super().four_eyes_parties(action)
        preparers = (ENTERPRISE_CHAIR, STREET_CASEWORKER, DISTRICT_CASEWORKER, HONOURS_COMMITTEE)
        entries = LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(self.pk))
        actors = set(entries.filter(actor_role__in=preparers).exclude(actor=None).values_list("actor_id", flat=True))
        parties = super().four_eyes_parties(action)
        return Parties(
            persons=parties.persons, units=parties.units, prepared_by=sorted({*parties.prepared_by, *actors})
        )


class Objection(NoticeObjection):
    """An objection raised during the unit's or the district's notice."""

    case = models.ForeignKey(HonourNomination, on_delete=models.CASCADE, related_name="objections")

    class Meta(NoticeObjection.Meta):
        abstract = False


class VettingRequest(models.Model):
    """One department's vetting of one nominee (联审): asked when the
    street recommends, answered clear or veto (with its reason), the answer
    recorded by staff with the department's letter."""

    nomination = models.ForeignKey(HonourNomination, on_delete=models.CASCADE, related_name="vetting")
    department = models.CharField(_("部门"), max_length=16, choices=Department.choices)
    asked_on = models.DateField(_("发函日期"))
    answer = models.CharField(_("意见"), max_length=8, choices=Answer.choices, blank=True)
    reason = models.TextField(_("否决理由"), blank=True)
    answered_on = models.DateField(_("回函日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("联审意见")
        verbose_name_plural = _("联审意见")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "department"], name="honours_vetting_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_department_display()}: {self.get_answer_display() or '-'}"


class CommitteeVote(models.Model):
    """One committee member's vote on one nomination."""

    nomination = models.ForeignKey(HonourNomination, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(_("表决意见"), max_length=8, choices=Vote.choices)
    cast_at = models.DateTimeField(_("表决时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评审表决")
        verbose_name_plural = _("评审表决")
        constraints = [models.UniqueConstraint(fields=["nomination", "member"], name="honours_vote_once")]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_vote_display()}"


class WageArrears(models.Model):
    """Wage arrears found at a unit (by the labour inspectorate, a court, the
    union's own case), entered by staff: a unit with arrears in a campaign's
    year cannot nominate."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    found_on = models.DateField(_("认定日期"))
    amount = models.DecimalField(_("欠薪金额（元）"), max_digits=14, decimal_places=2)
    source = models.CharField(_("来源"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("欠薪记录")
        verbose_name_plural = _("欠薪记录")
        indexes = [models.Index(fields=["unit", "found_on"], name="honours_arrears_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit} {self.found_on}"


class SafetyAccident(models.Model):
    """A production safety accident at a unit, entered by staff from the
    emergency-management record; a serious one in the last years excludes."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(_("发生日期"))
    serious = models.BooleanField(_("较大及以上事故"), default=True)
    description = models.TextField(_("事故情况"))
    source = models.CharField(_("来源"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("安全生产事故")
        verbose_name_plural = _("安全生产事故")
        indexes = [models.Index(fields=["unit", "occurred_on"], name="honours_accident_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit} {self.occurred_on}"


class Revocation(models.Model):
    """A reasoned proposal to revoke an awarded honour (a Home that failed
    its re-inspection, a holder's later misconduct) and the district's
    decision on it, by someone other than the proposer."""

    nomination = models.ForeignKey(HonourNomination, on_delete=models.PROTECT, related_name="revocations")
    grounds = models.TextField(_("撤销理由"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    revoked = models.BooleanField(_("决定撤销"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("撤销荣誉")
        verbose_name_plural = _("撤销荣誉")
        ordering = ["pk"]
        constraints = [
            # One open proposal at a time.
            models.UniqueConstraint(
                fields=["nomination"], condition=models.Q(decided_at=None), name="honours_one_open_revocation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination}: {self.grounds[:20]}"


class HonourHeld(models.Model):
    """An honour a person or unit holds: entered by staff for honours from
    before this system or from elsewhere, written by the award of a
    nomination here. Read by the check against the same honour within the
    configured years."""

    honour_type = models.ForeignKey(HonourType, verbose_name=_("荣誉类型"), on_delete=models.PROTECT)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("获得者"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("获得单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    awarded_on = models.DateField(_("授予日期"))
    source = models.CharField(_("来源"), max_length=200)
    nomination = models.OneToOneField(
        HonourNomination, null=True, blank=True, on_delete=models.PROTECT, related_name="honour_held"
    )
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("已获荣誉")
        verbose_name_plural = _("已获荣誉")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(unit__isnull=False), name="honours_held_holder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.honour_type} {self.awarded_on}"
