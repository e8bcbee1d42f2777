"""The words of collective wage bargaining (domain.md §2; article numbers
are those of 《集体合同规定》)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    # Each open state names what the case waits for.
    PREPARING = "preparing", _("准备协商")
    OFFER_SERVED = "offer_served", _("要约已送达，待书面回应")
    COORDINATION = "coordination", _("劳动保障部门协调中")
    NEGOTIATING = "negotiating", _("协商中")
    SUSPENDED = "suspended", _("协商中止")
    CONGRESS_VOTE = "congress_vote", _("待职代会审议")
    SIGNING = "signing", _("待首席代表签字")
    FILING = "filing", _("待报送劳动保障部门")
    UNDER_REVIEW = "under_review", _("劳动保障部门审查中")
    EFFECTIVE = "effective", _("已生效，待公布")
    PUBLISHED = "published", _("已公布，履行中")
    RENEWAL = "renewal", _("期满前续签协商")
    # Final.
    RENEWED = "renewed", _("已续签")
    EXPIRED = "expired", _("已到期终止")
    CLOSED = "closed", _("协商未成，已结束")


FINAL_STATES = (State.RENEWED, State.EXPIRED, State.CLOSED)
# The agreement binds both sides in these states (47, 48).
IN_FORCE_STATES = (State.EFFECTIVE, State.PUBLISHED, State.RENEWAL)


class Side(models.TextChoices):
    UNION = "union", _("职工方")
    EMPLOYER = "employer", _("企业方")


class SeatRole(models.TextChoices):
    CHIEF = "chief", _("首席代表")
    MEMBER = "member", _("代表")


class Reply(models.TextChoices):
    ACCEPTED = "accepted", _("同意协商")
    REFUSED = "refused", _("拒绝协商")
