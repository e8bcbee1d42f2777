"""Assistance (帮扶) to filed hardship records, and the funds it comes from.

Each unit that pays has budget lines per year and assistance type; the
district passes allocations down to its streets and parks (下拨经费) as
records; a payment requested by a street caseworker for a filed record is
approved by a finance officer who is not the requester, within the year's
ceiling per type (a district setting), and a line never goes below zero.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.district.catalogue import ASSISTANCE_TYPES
from permissions.four_eyes import Parties

TYPE_CHOICES = [(code, label) for code, label in ASSISTANCE_TYPES.items()]


class BudgetLine(models.Model):
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("年度"))
    assistance_type = models.CharField(_("帮扶类型"), max_length=16, choices=TYPE_CHOICES)
    name = models.CharField(_("名称"), max_length=100)
    appropriated = models.DecimalField(_("年初预算"), max_digits=14, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("帮扶资金预算")
        verbose_name_plural = _("帮扶资金预算")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "assistance_type", "name"], name="budget_line_unique"),
            models.CheckConstraint(condition=Q(appropriated__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.year} {self.name}"

    def balance(self) -> Decimal:
        """Appropriation plus allocations received, minus allocations passed
        down and payments approved or awaiting approval (money promised is
        money spent, so two requests cannot both take the last yuan)."""

        def total(queryset: models.QuerySet, field: str = "amount") -> Decimal:
            return queryset.aggregate(s=Sum(field))["s"] or Decimal("0")

        received = total(self.allocations_in.all())
        passed_down = total(self.allocations_out.all())
        committed = total(self.payments.filter(state__in=[PaymentState.REQUESTED, PaymentState.APPROVED]))
        return self.appropriated + received - passed_down - committed


class Allocation(models.Model):
    """Funds passed down from one line to a line of a unit under it (下拨)."""

    from_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="allocations_out")
    to_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="allocations_in")
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("依据"))
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(_("下拨时间"), default=timezone.now)

    class Meta:
        verbose_name = _("下拨经费")
        verbose_name_plural = _("下拨经费")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive")]

    def __str__(self) -> str:
        return f"{self.from_line} → {self.to_line}: {self.amount}"


class PaymentState(models.TextChoices):
    REQUESTED = "requested", _("待财务审核")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class PaymentBatch(models.Model):
    """A campaign's list of payments (送温暖, 高温慰问, 金秋助学): many lines
    from one budget line, each checked like a single payment, requested
    together and approved or refused once by a finance officer."""

    campaign = models.CharField(_("活动名称"), max_length=100)
    assistance_type = models.CharField(_("帮扶类型"), max_length=16, choices=TYPE_CHOICES)
    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("资金来源"), on_delete=models.PROTECT, related_name="batches"
    )
    state = models.CharField(_("状态"), max_length=16, choices=PaymentState.choices, default=PaymentState.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量发放清单")
        verbose_name_plural = _("批量发放清单")

    def __str__(self) -> str:
        return f"{self.campaign} ({self.budget_line.unit.name})"

    def four_eyes_parties(self, action: str) -> Parties:
        """Every worker on the list, the paying unit; the requester never
        approves their own list."""
        lines = self.lines.select_related("case__person")
        return Parties(
            persons=[line.case.person for line in lines if line.case.person is not None],
            units=[self.budget_line.unit],
            prepared_by=[self.requested_by_id],
        )


class AssistancePayment(models.Model):
    case = models.ForeignKey("hardship.HardshipCase", on_delete=models.PROTECT, related_name="payments")
    # A line of a campaign list: requested and decided with the list, never alone.
    batch = models.ForeignKey(
        PaymentBatch,
        verbose_name=_("批量发放清单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
    )
    assistance_type = models.CharField(_("帮扶类型"), max_length=16, choices=TYPE_CHOICES)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("资金来源"), on_delete=models.PROTECT, related_name="payments"
    )
    state = models.CharField(_("状态"), max_length=16, choices=PaymentState.choices, default=PaymentState.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("帮扶发放")
        verbose_name_plural = _("帮扶发放")
        indexes = [models.Index(fields=["case", "assistance_type", "state"], name="payment_case_type_state")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.case} {self.get_assistance_type_display()} {self.amount}"

    @property
    def paying_unit(self) -> models.Model:
        return self.budget_line.unit

    def four_eyes_parties(self, action: str) -> Parties:
        """The record's worker and unit; the requester prepared it and so
        never approves it."""
        case = self.case
        return Parties(
            persons=[case.person] if case.person is not None else [],
            units=[case.unit],
            prepared_by=[self.requested_by_id],
        )
