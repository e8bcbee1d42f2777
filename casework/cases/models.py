"""The case base every flow shares.

``Case`` is a multi-table subclass of viewflow's ``Process``; each case type
(hardship, bargaining, legal aid, honours) is a multi-table subclass of
``Case``. What every flow shares — inbox, scope, trail, due dates, reports by
unit — queries this table with one join from viewflow's ``Task``; only a
type's own pages and rules touch its subclass.

``state`` is ours (viewflow's own status is only new / done / canceled);
``unit_path`` copies the owning unit's path so that scope is one indexed
prefix query; ``casework.org.services.unit_move`` rewrites it when a unit
moves, so open cases follow today's tree while ledger entries keep the unit
each decision was made under.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from casework.cases.delegation import Delegation
from casework.cases.documents import CaseDocument
from permissions.four_eyes import Parties

__all__ = ["Case", "CaseDocument", "CaseNumberCounter", "CaseType", "Delegation"]


class CaseType(models.TextChoices):
    HARDSHIP = "hardship", _("困难职工帮扶")
    BARGAINING = "bargaining", _("工资集体协商")
    LEGAL_AID = "legalaid", _("法律援助")
    HONOURS = "honours", _("评选表彰")


class Case(Process):
    case_type = models.CharField(_("案件类型"), max_length=16, choices=CaseType.choices, editable=False)
    # Assigned when the case is filed (a hardship record number, a legal-aid
    # case number …) from its district's series (cases.numbers); blank before.
    number = models.CharField(_("编号"), max_length=32, blank=True, default="", editable=False)
    number_district = models.ForeignKey(
        "org.Unit",
        verbose_name=_("编号所属区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    state = models.CharField(_("状态"), max_length=32, editable=False)
    unit = models.ForeignKey("org.Unit", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="cases")
    unit_path = models.CharField(_("单位路径"), max_length=255, editable=False)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("当事人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("提出时间"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        indexes = [
            models.Index(fields=["unit_path"], name="case_unit_path_like", opclasses=["varchar_pattern_ops"]),
            # The inbox's cases: those at given steps under a unit's path
            # (LIKE 'path%'), which needs the pattern operators.
            models.Index(
                fields=["case_type", "state", "unit_path"],
                name="case_type_state_path_like",
                opclasses=["varchar_pattern_ops"] * 3,
            ),
            models.Index(fields=["person", "case_type"], name="case_person_type"),
            # Lists show the newest first: a district's list walks this
            # instead of sorting its tens of thousands of cases per page.
            models.Index(fields=["-opened_at"], name="case_opened_newest"),
            models.Index(fields=["state", "-opened_at"], name="case_state_newest"),
        ]
        constraints = [
            # Each district keeps its own series (困2026-000123 in two districts of one city).
            models.UniqueConstraint(
                fields=["case_type", "number_district", "number"],
                condition=~Q(number=""),
                name="case_number_unique_in_district",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_case_type_display()} #{self.pk}"

    def four_eyes_parties(self, action: str) -> Parties:
        """Who and what the case is about, and who prepared the step now
        awaiting a decision (the filer, unless a case type says more)."""
        return Parties(
            persons=[self.person] if self.person is not None else [],
            units=[self.unit],
            prepared_by=[self.filed_by_id] if self.filed_by_id else [],
        )


class CaseNumberCounter(models.Model):
    """The last number issued in one district's series for one year. Taken
    under a row lock inside the transaction that files the case, so a
    filing that fails gives its number back: users never see a gap."""

    district = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "series", "year"], name="case_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series}{self.year}: {self.last}"
