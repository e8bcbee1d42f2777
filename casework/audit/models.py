"""What the auditors' workspace keeps: the result of every integrity check.

A result is written once and never changed, like the trail it checks: the
chain head it saw lets a later check notice entries removed from the end.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IntegrityCheck(models.Model):
    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("每晚自动")
        ON_DEMAND = "on_demand", _("审计人员发起")
        COMMAND = "command", _("命令行")

    trigger = models.CharField(_("发起方式"), max_length=16, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"))
    entries = models.BigIntegerField(_("核验条数"))
    ok = models.BooleanField(_("结果完好"))
    first_bad = models.BigIntegerField(_("首个异常序号"), null=True, blank=True)
    problem = models.CharField(_("异常类型"), max_length=64, blank=True)
    head_seq = models.BigIntegerField(_("链头序号"), null=True, blank=True)
    head = models.CharField(_("链头哈希"), max_length=64)
    files_checked = models.PositiveIntegerField(_("核验证据文件数"), default=0)
    # [{"document": id, "name": stored name, "problem": "missing" | "changed", "seq": first entry naming it}]
    files_bad = models.JSONField(_("异常证据文件"), default=list, blank=True)
    # A head recorded by an earlier check that this one no longer finds.
    head_lost = models.JSONField(_("此前链头缺失"), default=dict, blank=True)

    class Meta:
        verbose_name = _("完整性核验")
        verbose_name_plural = _("完整性核验")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {'ok' if self.ok else self.problem}"


# Retention's rows live in their own module; Django finds models here.
from casework.audit.retention_models import CaseRetention, PersonPurge  # noqa: E402

__all__ = ["CaseRetention", "IntegrityCheck", "PersonPurge"]
