"""Values of the district settings (catalogue.py), each with the date it
takes effect. Rows are never changed: a new value is a new row, so the
value that applied to any past decision can always be read back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DistrictSetting(models.Model):
    district = models.ForeignKey(
        "org.Unit", verbose_name=_("区总工会"), on_delete=models.PROTECT, related_name="district_settings"
    )
    key = models.CharField(_("参数"), max_length=64)
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=4)
    effective_from = models.DateField(_("生效日期"))
    reason = models.TextField(_("依据"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("区级参数")
        verbose_name_plural = _("区级参数")
        indexes = [
            models.Index(fields=["district", "key", "effective_from", "entered_at"], name="district_setting_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.effective_from})"
