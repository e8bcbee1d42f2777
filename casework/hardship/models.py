"""A hardship record (困难职工档案): the application, its means test, the
steps to filing, annual reviews and exit.

``HardshipCase`` is a multi-table subclass of the shared ``Case`` (itself a
viewflow ``Process``). The household and its twelve months of income and
rigid expenses are a snapshot taken for this application: the registry's
household may change later without changing what was decided.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.cases.models import Case
from casework.cases.notices import NoticeObjection
from casework.hardship.choices import Category, Cause, ExitReason, ExpenseKind, ReviewOutcome, State
from casework.ledger.models import LedgerEntry
from casework.people.choices import Relation
from permissions.four_eyes import APPROVALS, Parties


class HardshipCase(Case):
    category = models.CharField(_("困难类别"), max_length=16, choices=Category.choices)
    cause = models.CharField(_("致困原因"), max_length=16, choices=Cause.choices)
    statement = models.TextField(_("困难情况陈述"))
    help_plan = models.TextField(_("帮扶计划"), blank=True)
    consent_recorded = models.BooleanField(_("本人同意申请"), default=False)

    # The means test as computed when the case was submitted or last corrected.
    household_size = models.PositiveSmallIntegerField(_("家庭人口"), default=1)
    income_total = models.DecimalField(_("12个月家庭总收入"), default=0, max_digits=12, decimal_places=2)
    expenses_total = models.DecimalField(_("12个月刚性支出"), default=0, max_digits=12, decimal_places=2)
    per_capita_monthly = models.DecimalField(
        _("家庭人均月收入"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    standard_applied = models.DecimalField(_("适用低保标准"), null=True, blank=True, max_digits=12, decimal_places=2)
    means_tested_on = models.DateField(_("核算日期"), null=True, blank=True)

    home_visit_on = models.DateField(_("入户调查日期"), null=True, blank=True)
    home_visit_report = models.TextField(_("入户调查报告"), blank=True)
    evaluation_on = models.DateField(_("民主评议日期"), null=True, blank=True)
    evaluation_present = models.PositiveIntegerField(_("参加评议人数"), null=True, blank=True)
    evaluation_in_favour = models.PositiveIntegerField(_("同意人数"), null=True, blank=True)
    notice_from = models.DateField(_("公示开始"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止"), null=True, blank=True)
    # Where a returned case goes back to when it is resubmitted.
    returned_from = models.CharField(_("退回前环节"), max_length=32, blank=True)

    filed_on = models.DateField(_("建档日期"), null=True, blank=True)
    next_review_due = models.DateField(_("下次复核期限"), null=True, blank=True)

    exit_reason = models.CharField(_("退档原因"), max_length=16, choices=ExitReason.choices, blank=True)
    exit_proposed_on = models.DateField(_("提出退档日期"), null=True, blank=True)
    exited_on = models.DateField(_("退档日期"), null=True, blank=True)
    funds_to_recover = models.DecimalField(_("应追回资金"), null=True, blank=True, max_digits=12, decimal_places=2)
    retain_until = models.DateField(_("档案保管至"), null=True, blank=True)

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")

    def four_eyes_parties(self, action: str) -> Parties:
        """The worker and the household are the parties; who prepared the
        step is everyone who acted on the case since it was last filed (or
        since it began): the filer, the home visitor, the unit that ran the
        evaluation and notice, the street reviewer before the district.
        Only an approval asks who prepared it: other actions skip the trail."""
        if action not in APPROVALS:
            return super().four_eyes_parties(action)
        entries = LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(self.pk))
        last_filed = entries.filter(to_state=State.FILED).order_by("-seq").values_list("seq", flat=True).first()
        if last_filed is not None:
            entries = entries.filter(seq__gt=last_filed)
        actors = set(entries.exclude(actor=None).values_list("actor_id", flat=True))
        if self.filed_by_id and last_filed is None:
            actors.add(self.filed_by_id)
        parties = super().four_eyes_parties(action)
        return Parties(persons=parties.persons, units=parties.units, prepared_by=sorted(actors))


class HouseholdSnapshot(models.Model):
    """A member of the household as declared in this application; the worker
    is one of them (``is_worker``)."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="household")
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("关系"), max_length=16, choices=Relation.choices, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    is_worker = models.BooleanField(_("申请人本人"), default=False)

    class Meta:
        verbose_name = _("家庭成员（申请时）")
        verbose_name_plural = _("家庭成员（申请时）")
        ordering = ["-is_worker", "pk"]

    def __str__(self) -> str:
        return self.name


class IncomeRecord(models.Model):
    """One household member's income in one month of the twelve tested."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="incomes")
    member = models.ForeignKey(HouseholdSnapshot, on_delete=models.CASCADE, related_name="incomes")
    month = models.DateField(_("月份"))  # the first day of the month
    amount = models.DecimalField(_("收入"), max_digits=12, decimal_places=2)
    source = models.CharField(_("来源"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("收入")
        verbose_name_plural = _("收入")
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="hardship_income_member_month"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="hardship_income_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%Y-%m}: {self.amount}"


class RigidExpense(models.Model):
    """A rigid expense of the household in one month of the twelve tested."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="expenses")
    kind = models.CharField(_("支出类型"), max_length=16, choices=ExpenseKind.choices)
    month = models.DateField(_("月份"))
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("刚性支出")
        verbose_name_plural = _("刚性支出")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="hardship_expense_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%Y-%m}: {self.amount}"


class Objection(NoticeObjection):
    """An objection raised during a filing's or an exit's public notice."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="objections")

    class Meta(NoticeObjection.Meta):
        abstract = False


class AnnualReview(models.Model):
    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("年度"))
    outcome = models.CharField(_("复核结论"), max_length=16, choices=ReviewOutcome.choices)
    per_capita_monthly = models.DecimalField(
        _("家庭人均月收入"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    new_category = models.CharField(_("新类别"), max_length=16, choices=Category.choices, blank=True)
    notes = models.TextField(_("复核意见"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("复核时间"), default=timezone.now)

    class Meta:
        verbose_name = _("年度复核")
        verbose_name_plural = _("年度复核")
        constraints = [models.UniqueConstraint(fields=["case", "year"], name="hardship_review_once_a_year")]

    def __str__(self) -> str:
        return f"{self.case} {self.year}"


# Assistance and its funds live in their own module; Django finds models here.
from casework.hardship.assistance import Allocation, AssistancePayment, BudgetLine, PaymentBatch  # noqa: E402

__all__ = ["Allocation", "AssistancePayment", "BudgetLine", "PaymentBatch"]
