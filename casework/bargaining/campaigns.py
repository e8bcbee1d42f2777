"""A district's bargaining campaign (集中要约): the district federation
serves the offer to many enterprises at once, one bargaining case each, and
follows their answers and outcomes (domain.md §2; docs/bargaining.md,
"Campaigns").

The campaign is placed at its district (``permissions.targets``): seen by
who sees the district's cases from the district or above, never by a
street or an enterprise, which see their own cases.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.bargaining.choices import Side


class Campaign(models.Model):
    district = models.ForeignKey(
        "org.Unit", verbose_name=_("区总工会"), on_delete=models.PROTECT, related_name="bargaining_campaigns"
    )
    name = models.CharField(_("活动名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    offer_served_on = models.DateField(_("要约送达日期"))
    # The district serves the offer on behalf of the workers of every enterprise.
    offered_by = models.CharField(_("要约方"), max_length=16, choices=Side.choices, default=Side.UNION, editable=False)
    # How the enterprises were chosen (subtree, minimum workers, kinds, or a list), as asked.
    selection = models.JSONField(_("选取条件"), default=dict, blank=True)
    # Enterprises chosen but not started, each with its code, name and reason.
    skipped = models.JSONField(_("未纳入的企业"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now, editable=False)

    class Meta:
        app_label = "bargaining"
        verbose_name = _("集中要约")
        verbose_name_plural = _("集中要约")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}）"
