"""A legal-aid case (工会法律援助): one worker's application, its decision,
the lawyer or team member assigned, the case work and its closure with the
lawyer's subsidy (domain.md §3).

``LegalAidCase`` is a multi-table subclass of the shared ``Case``; its
person is the applicant (a member or not), its unit the union that
received the application. The lawyer sees it through an object grant made
by the assignment service and revoked on reassignment or closure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.cases.models import Case
from casework.ledger.models import LedgerEntry
from casework.legalaid.choices import AidForm, Basis, Channel, Dispute, EventKind, Outcome, Termination, Urgency
from permissions.four_eyes import APPROVALS, Parties


class LegalAidCase(Case):
    opposing_party = models.CharField(_("对方当事人"), max_length=200)
    opposing_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    dispute = models.CharField(_("争议类型"), max_length=32, choices=Dispute.choices)
    facts = models.TextField(_("案情"))
    amount_claimed = models.DecimalField(_("请求金额（元）"), null=True, blank=True, max_digits=12, decimal_places=2)
    aid_form = models.CharField(_("申请的援助形式"), max_length=16, choices=AidForm.choices)
    channel = models.CharField(_("申请方式"), max_length=16, choices=Channel.choices)
    oral_recorder = models.CharField(_("口头申请记录人"), max_length=50, blank=True)
    basis = models.CharField(_("援助条件"), max_length=32, choices=Basis.choices)
    per_capita_income = models.DecimalField(
        _("家庭人均月收入（元）"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    urgency = models.CharField(_("先行援助事由"), max_length=32, choices=Urgency.choices, blank=True)
    urgent_deadline = models.DateField(_("期限届满日"), null=True, blank=True)
    urgent_confirmed_on = models.DateField(_("先行援助审查确认日期"), null=True, blank=True)

    missing_material = models.TextField(_("需补充的材料"), blank=True)
    supply_by = models.DateField(_("补充材料截止日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    refusal_reasons = models.TextField(_("不予援助的理由"), blank=True)
    objection_until = models.DateField(_("异议期截止"), null=True, blank=True)

    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_aid_cases",
    )
    assigned_on = models.DateField(_("指派日期"), null=True, blank=True)

    outcome = models.CharField(_("办理结果"), max_length=16, choices=Outcome.choices, blank=True)
    amount_awarded = models.DecimalField(
        _("裁判或调解金额（元）"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    amount_recovered = models.DecimalField(
        _("实际追回金额（元）"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    closure_report = models.TextField(_("结案报告"), blank=True)
    subsidy_amount = models.DecimalField(_("办案补贴（元）"), null=True, blank=True, max_digits=12, decimal_places=2)
    subsidy_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("补贴申请人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    termination = models.CharField(_("终止原因"), max_length=32, choices=Termination.choices, blank=True)

    class Meta:
        verbose_name = _("法律援助")
        verbose_name_plural = _("法律援助")

    def four_eyes_parties(self, action: str) -> Parties:
        """The applicant and the union, the opposing party by its code, and
        the subsidy's requester for its approval."""
        parties = super().four_eyes_parties(action)
        if action == "payment.decide":
            prepared = [self.subsidy_requested_by_id] if self.subsidy_requested_by_id else []
        elif action not in APPROVALS:  # only an approval asks who prepared it
            prepared = list(parties.prepared_by)
        else:  # whoever recorded, checked or assigned anything on it
            entries = LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(self.pk))
            prepared = sorted({*parties.prepared_by, *entries.exclude(actor=None).values_list("actor_id", flat=True)})
        return Parties(
            persons=parties.persons,
            units=parties.units,
            prepared_by=prepared,
            organisations=[self.opposing_code] if self.opposing_code else [],
        )


class CaseEvent(models.Model):
    """What happened in the case work: a consultation, a mediation, an
    arbitration filing or hearing, a court hearing, a judgment."""

    case = models.ForeignKey(LegalAidCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=32, choices=EventKind.choices)
    happened_on = models.DateField(_("日期"))
    outcome = models.TextField(_("结果"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办案事项")
        verbose_name_plural = _("办案事项")
        ordering = ["happened_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"
