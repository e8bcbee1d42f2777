"""The outbox and its delivery (docs/notifications.md).

Every notification is written in the same transaction as the change that
causes it: one ``OutboxEvent`` for the change (what webhook subscribers of the
unit receive, once each, whoever the recipients) and one ``OutboxMessage``
per recipient (the in-app notification itself, and its e-mail when the
recipient wants one). After commit a Celery task delivers them; each attempt
is a ``Delivery`` row, and a conditional unique constraint allows one
successful delivery per message and channel, and per event and subscriber.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

http_url = URLValidator(schemes=["http", "https"], message=_("地址：只能是 http:// 或 https:// 开头的网址。"))


def new_secret() -> str:
    return secrets.token_hex(32)


def mask_secret(secret: str) -> str:
    """What is shown of a signing secret after it was created: its first four characters."""
    return f"{secret[:4]}…" if secret else ""


class OutboxEvent(models.Model):
    """One change announced (``outbox_queue`` writes one per call)."""

    uuid = models.UUIDField(_("事件标识"), default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("事件"), max_length=64)
    subject_type = models.CharField(_("对象类型"), max_length=64)
    subject_id = models.CharField(_("对象编号"), max_length=64)
    payload = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    # Where the subject sits in the unit tree (webhooks match on it); set when dispatched.
    unit_path = models.CharField(_("单位路径"), max_length=255, blank=True, default="")
    dispatched_at = models.DateTimeField(_("分发时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知事件")
        verbose_name_plural = _("通知事件")
        indexes = [models.Index(fields=["dispatched_at", "created_at"], name="outbox_event_undispatched")]

    def __str__(self) -> str:
        return f"{self.event} {self.subject_type}#{self.subject_id}"


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
    # Every channel the recipient wants has had its one successful delivery.
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    outbox_event = models.ForeignKey(
        OutboxEvent,
        verbose_name=_("通知事件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"], name="outbox_recipient_unread"),
            models.Index(fields=["delivered_at", "created_at"], name="outbox_undelivered"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient}"


class NotificationPreference(models.Model):
    """How one user is told. In-app is always on; without a row: e-mail on
    (when the user has an address) in the default language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_enabled = models.BooleanField(_("邮件通知"), default=True)
    language = models.CharField(_("通知语言"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return str(self.user)


class WebhookSubscriber(models.Model):
    """An outside system told about every change to what lies under ``unit``."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="webhook_subscribers"
    )
    url = models.URLField(_("接收地址"), max_length=500, validators=[http_url])
    secret = models.CharField(_("签名密钥"), max_length=128, default=new_secret, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
        help_text=_("自动暂停时通知此人。"),
    )
    description = models.CharField(_("说明"), max_length=200, blank=True, default="")
    active = models.BooleanField(_("启用"), default=True)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    # The first failure of the current run of failures (resuming re-sends from here).
    failing_since = models.DateTimeField(_("开始失败时间"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("最近成功时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Webhook 订阅")
        verbose_name_plural = _("Webhook 订阅")

    def __str__(self) -> str:
        return f"{self.unit} → {self.url}"

    @property
    def masked_secret(self) -> str:
        return mask_secret(self.secret)


class Channel(models.TextChoices):
    EMAIL = "email", _("邮件")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryStatus(models.TextChoices):
    OK = "ok", _("成功")
    FAILED = "failed", _("失败")


class Delivery(models.Model):
    """One attempt to deliver a message by e-mail or an event to a webhook."""

    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    message = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("通知"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    outbox_event = models.ForeignKey(
        OutboxEvent,
        verbose_name=_("通知事件"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    subscriber = models.ForeignKey(
        WebhookSubscriber,
        verbose_name=_("Webhook 订阅"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    target = models.CharField(_("目标"), max_length=500)
    # The webhook's X-Casework-Delivery: the same for every attempt of one event to one subscriber.
    delivery_id = models.UUIDField(_("投递标识"), null=True, blank=True)
    attempt = models.PositiveIntegerField(_("第几次"))
    status = models.CharField(_("结果"), max_length=8, choices=DeliveryStatus.choices)
    status_code = models.PositiveIntegerField(_("响应码"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True, default="")
    retry_in = models.PositiveIntegerField(_("重试间隔（秒）"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "channel"],
                condition=Q(status="ok", message__isnull=False),
                name="delivery_message_channel_once",
            ),
            models.UniqueConstraint(
                fields=["outbox_event", "subscriber"],
                condition=Q(status="ok", subscriber__isnull=False),
                name="delivery_event_subscriber_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "at"], name="delivery_status_at")]

    def __str__(self) -> str:
        return f"{self.channel} {self.target} #{self.attempt} {self.status}"
