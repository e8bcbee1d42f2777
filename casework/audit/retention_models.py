"""What retention keeps: each ended case's retention term, and the tombstone
of each person whose personal data was purged (docs/retention.md).

Neither row holds personal data: a term names the case by its id and dates;
a tombstone says who purged whom (by the person row's id, itself now a
tombstone), when, why, on what basis and how much was replaced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CaseRetention(models.Model):
    """A case that ended (exited, closed, withdrawn …) and how long its file
    is kept: ``retain_until`` is ``ended_on`` plus ``years`` (the district's
    ``audit.retention_years``, at least 10). Recorded by the nightly
    ``retention_archive`` and rewritten when the case ends again later (an
    honour published, then revoked)."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="retention"
    )
    state = models.CharField(_("结束时状态"), max_length=32)
    ended_on = models.DateField(_("结束日期"))
    years = models.PositiveSmallIntegerField(_("保管年限"))
    retain_until = models.DateField(_("保管至"))
    recorded_at = models.DateTimeField(_("归档时间"), default=timezone.now)
    ledger_entry = models.ForeignKey(
        "ledger.LedgerEntry", verbose_name=_("决定记录"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("案件保管期限")
        verbose_name_plural = _("案件保管期限")
        indexes = [models.Index(fields=["retain_until"], name="audit_retention_until")]

    def __str__(self) -> str:
        return f"#{self.case_id} → {self.retain_until}"


class PersonPurge(models.Model):
    """The tombstone of one purge: no personal data, only the facts of it."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="purge"
    )
    purged_at = models.DateTimeField(_("清除时间"), default=timezone.now)
    purged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("清除人"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("角色"), max_length=32)
    unit = models.ForeignKey("org.Unit", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("理由"))
    # [{"case", "type", "number", "state", "ended_on", "years", "retain_until"}] as checked at the purge.
    basis = models.JSONField(_("保管期限依据"), default=list)
    # How many values or rows of each kind were replaced or removed.
    counts = models.JSONField(_("清除数量"), default=dict)
    ledger_entry = models.ForeignKey(
        "ledger.LedgerEntry", verbose_name=_("决定记录"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("个人信息清除记录")
        verbose_name_plural = _("个人信息清除记录")
        ordering = ["-purged_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.person_id} {self.purged_at:%Y-%m-%d}"
