"""The legal outreach register (普法宣传活动登记): events and their photos.

An event is never deleted: a mistake is corrected (the trail keeps what it
was) or the event is withdrawn with a reason and leaves the totals."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

PHOTO_DIRECTORY = "outreach"
MAX_AUDIENCE = 100_000


class OutreachForm(models.TextChoices):
    LECTURE = "lecture", _l("专题讲座")
    BOOTH = "booth", _l("咨询摊位")
    TRAINING = "training", _l("培训")
    ONLINE = "online", _l("线上宣传")
    OTHER = "other", _l("其他形式")


class OutreachEvent(models.Model):
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_l("主办单位"), on_delete=models.PROTECT, related_name="outreach_events"
    )
    held_on = models.DateField(_l("活动日期"))
    place = models.CharField(_l("活动地点"), max_length=200)
    topic = models.CharField(_l("宣传主题"), max_length=200)
    form = models.CharField(_l("活动形式"), max_length=16, choices=OutreachForm.choices)
    audience = models.PositiveIntegerField(_l("受众人数"))
    partner = models.CharField(_l("合作单位"), max_length=100, blank=True)
    notes = models.TextField(_l("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_l("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_l("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_l("更新时间"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_l("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_l("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_reason = models.TextField(_l("撤回理由"), blank=True)

    class Meta:
        verbose_name = _l("普法宣传活动")
        verbose_name_plural = _l("普法宣传活动")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on", "unit"], name="outreach_held_unit")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class OutreachPhoto(models.Model):
    event = models.ForeignKey(
        OutreachEvent, verbose_name=_l("普法宣传活动"), on_delete=models.PROTECT, related_name="photos"
    )
    original_name = models.CharField(_l("原文件名"), max_length=255)
    # Ours: outreach/<year>/<month>/<uuid4>.<ext>, set by document_file_save.
    file = models.FileField(_l("文件"), upload_to=PHOTO_DIRECTORY, max_length=255)
    size = models.PositiveBigIntegerField(_l("大小（字节）"))
    content_type = models.CharField(_l("文件类型"), max_length=100)
    sha256 = models.CharField(_l("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_l("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_l("上传时间"), default=timezone.now)
    ledger_entry = models.ForeignKey(
        "ledger.LedgerEntry",
        verbose_name=_l("决定记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _l("活动照片")
        verbose_name_plural = _l("活动照片")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def stored_name(self) -> str:
        return PurePosixPath(self.file.name).name
