"""The working-day calendar's data: official special dates and the years they cover.

``SpecialDay`` holds one row per date the State Council's yearly notice makes
special: a statutory holiday (放假, weekend days inside the holiday period
included) or an adjusted working day (调休上班: a Saturday or Sunday that is
worked). Every other date follows the ordinary week.

``CalendarYear`` says which years have official data. A year without a row is
computed on weekends alone and every answer about it is provisional
(see ``casework.calendar.days``); its ``SpecialDay`` rows, if any, are ignored.

Write only through ``casework.calendar.services.calendar_year_enter``: it keeps
the rows of a year consistent, writes the ledger and clears the in-process cache.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    class Source(models.TextChoices):
        PACKAGE = "package", _("chinese-calendar 软件包")
        ADMINISTRATOR = "administrator", _("管理员录入")

    # The year itself is the key: the ledger's subject reads "calendar.calendaryear:2027".
    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    source = models.CharField(_("数据来源"), max_length=16, choices=Source.choices)
    notice = models.CharField(_("通知文号"), max_length=200, blank=True)
    notice_date = models.DateField(_("通知日期"), null=True, blank=True)
    entered_at = models.DateTimeField(_("录入时间"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class SpecialDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        WORKDAY = "workday", _("调休工作日")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    # For an adjusted working day: the holiday it makes up for.
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "workday"]), name="calendar_specialday_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}"
