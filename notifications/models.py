"""The outbox: every notification is a row written in the same transaction as
the change that causes it, one row per recipient, delivered after commit.
Channels (in-app, e-mail, webhooks) and their delivery logs arrive with the
deadlines and notifications issue; the rows are the contract."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    event = models.CharField(_("事件"), max_length=64)
    subject_type = models.CharField(_("对象类型"), max_length=64)
    subject_id = models.CharField(_("对象编号"), max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="outbox"
    )
    payload = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"], name="outbox_recipient_unread"),
            models.Index(fields=["delivered_at", "created_at"], name="outbox_undelivered"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient}"
