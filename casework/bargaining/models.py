"""A bargaining case (工资集体协商): one enterprise, one term of its wage
agreement, from the offer to an effective, published agreement and its
renewal (domain.md §2).

``BargainingCase`` is a multi-table subclass of the shared ``Case`` (itself
a viewflow ``Process``); its unit is the enterprise. The employer's side
and the labour bureau do not log in: union staff record their acts, with
the document as evidence on the step's ledger entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.bargaining.choices import Reply, SeatRole, Side
from casework.cases.models import Case


class BargainingCase(Case):
    term = models.PositiveSmallIntegerField(_("第几期合同"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("上一期协商"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal",
    )
    workers_covered = models.PositiveIntegerField(_("覆盖职工人数"), default=0)
    # The district's campaign that served the offer, if one did.
    campaign = models.ForeignKey(
        "bargaining.Campaign",
        verbose_name=_("集中要约"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )

    # Preparation: figures as entered, with where they come from.
    average_wage = models.DecimalField(
        _("上年职工月平均工资（元）"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    lowest_wage = models.DecimalField(_("企业最低月工资（元）"), null=True, blank=True, max_digits=12, decimal_places=2)
    output_value = models.DecimalField(_("上年产值（元）"), null=True, blank=True, max_digits=16, decimal_places=2)
    profit = models.DecimalField(_("上年利润（元）"), null=True, blank=True, max_digits=16, decimal_places=2)
    preparation_sources = models.TextField(_("数据来源"), blank=True)

    # The offer (32).
    offered_by = models.CharField(_("要约方"), max_length=16, choices=Side.choices, blank=True)
    offer_served_on = models.DateField(_("要约送达日期"), null=True, blank=True)
    reply = models.CharField(_("书面回应"), max_length=16, choices=Reply.choices, blank=True)
    replied_on = models.DateField(_("回应日期"), null=True, blank=True)
    coordination_requested_on = models.DateField(_("提请协调日期"), null=True, blank=True)

    # Suspension (35): the agreed date to resume.
    resume_on = models.DateField(_("约定恢复协商日期"), null=True, blank=True)

    # The draft agreement: the main clauses as fields, the rest as text.
    wage_increase_percent = models.DecimalField(
        _("工资增长幅度（%）"), null=True, blank=True, max_digits=5, decimal_places=2
    )
    minimum_pay = models.DecimalField(
        _("最低工资标准（元/月）"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    pay_day = models.PositiveSmallIntegerField(_("每月工资支付日"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("合同期限（月）"), null=True, blank=True)
    agreement_text = models.TextField(_("协议文本"), blank=True)

    # The workers' congress (36).
    congress_voted_on = models.DateField(_("职代会审议日期"), null=True, blank=True)
    congress_total = models.PositiveIntegerField(_("职工代表总数"), null=True, blank=True)
    congress_present = models.PositiveIntegerField(_("出席人数"), null=True, blank=True)
    congress_yes = models.PositiveIntegerField(_("赞成"), null=True, blank=True)
    congress_no = models.PositiveIntegerField(_("反对"), null=True, blank=True)
    congress_abstain = models.PositiveIntegerField(_("弃权"), null=True, blank=True)

    # Signing (37), filing (42), the bureau's review (45–47), publication (48).
    signed_on = models.DateField(_("签字日期"), null=True, blank=True)
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    received_on = models.DateField(_("劳动保障部门收到日期"), null=True, blank=True)
    objected_on = models.DateField(_("审查意见书送达日期"), null=True, blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    expires_on = models.DateField(_("期满日期"), null=True, blank=True)
    renewal_opens_on = models.DateField(_("续签协商开始日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("工资集体协商")
        verbose_name_plural = _("工资集体协商")


class Seat(models.Model):
    """One representative of one side (19–24). A side is replaced whole
    (``bargaining_side_set``), so its rules hold for the side as a whole."""

    case = models.ForeignKey(BargainingCase, on_delete=models.CASCADE, related_name="seats")
    side = models.CharField(_("协商方"), max_length=16, choices=Side.choices)
    role = models.CharField(_("身份"), max_length=16, choices=SeatRole.choices)
    outside_expert = models.BooleanField(_("外聘代表"), default=False)
    name = models.CharField(_("姓名"), max_length=50)
    # The union side's members are in the registry; the employer's may not be.
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    position = models.CharField(_("职务"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("协商代表")
        verbose_name_plural = _("协商代表")
        ordering = ["side", "pk"]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.name}"


class Round(models.Model):
    """One negotiation meeting (33, 34): a neutral recorder, minutes, who
    attended, and both chiefs' confirmation of the minutes."""

    case = models.ForeignKey(BargainingCase, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("轮次"))
    held_on = models.DateField(_("协商日期"))
    recorder = models.CharField(_("记录员"), max_length=50)
    minutes = models.TextField(_("协商记录"))
    attendance = models.ManyToManyField(Seat, verbose_name=_("出席代表"), related_name="rounds")
    chiefs_confirmed = models.BooleanField(_("双方首席代表已签字确认"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协商会议")
        verbose_name_plural = _("协商会议")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="bargaining_round_number_unique")]

    def __str__(self) -> str:
        return f"{self.case} #{self.number}"


from casework.bargaining.campaigns import Campaign  # noqa: E402, F401  (a model of this app, registered here)
