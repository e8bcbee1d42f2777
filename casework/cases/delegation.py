"""Delegation while on leave: a user hands the tasks they hold, for one role
at one unit, to a colleague holding the same role at the same unit, for a
period. During it the colleague may complete the tasks the user claimed and
is told whatever the user is told about them; due dates do not move.
Giving and revoking are ledger entries.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.cases import data as d
from casework.errors import NotAllowed, RuleViolation
from casework.ledger.services import ledger_append, subject_of
from casework.org.models import Membership, Unit
from notifications.services import outbox_queue
from permissions.roles import ROLE_CHOICES

LONGEST = timedelta(days=366)


class Delegation(models.Model):
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_l("委托人"), on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_l("受托人"), on_delete=models.PROTECT, related_name="delegations_held"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_l("单位"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_l("角色"), max_length=32, choices=ROLE_CHOICES)
    starts_on = models.DateField(_l("开始日期"))
    ends_on = models.DateField(_l("结束日期"))
    reason = models.TextField(_l("理由"))
    created_at = models.DateTimeField(_l("创建时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_l("收回时间"), null=True, blank=True)

    class Meta:
        app_label = "cases"
        verbose_name = _l("工作委托")
        verbose_name_plural = _l("工作委托")
        indexes = [models.Index(fields=["delegator", "starts_on", "ends_on"], name="delegation_period")]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.starts_on}–{self.ends_on})"


def _active(on: date) -> Q:
    return Q(revoked_at__isnull=True, starts_on__lte=on, ends_on__gte=on)


def delegates_of(user: User, unit_path: str, on: date | None = None) -> list[User]:
    """Who stands in for ``user`` today for work under ``unit_path``."""
    on = on or timezone.localdate()
    rows = Delegation.objects.filter(_active(on), delegator=user).select_related("delegate", "unit")
    return [row.delegate for row in rows if unit_path.startswith(row.unit.path)]


def stands_in_for(delegate: User, owner: User, unit_path: str, on: date | None = None) -> bool:
    return delegate in delegates_of(owner, unit_path, on)


def _holds(user: User, role: str, unit: Unit) -> bool:
    return Membership.objects.current().filter(user=user, role=role, unit=unit).exists()


def delegation_give(
    *, by: User, delegate: User, role: str, unit: Unit, starts_on: date, ends_on: date, reason: str
) -> Delegation:
    """``by`` hands their work as ``role`` at ``unit`` to ``delegate`` for the
    period. Both must hold that role there now; the period starts today or
    later, ends on or after it starts, lasts at most a year and does not
    overlap another delegation of the same work."""
    reason = d.text({"reason": reason}, "reason", _l("理由"), max_length=500)
    today = timezone.localdate()
    if not _holds(by, role, unit):
        raise RuleViolation(_("角色：您在该单位没有这一角色。"), code="delegation.role_not_held", field="role")
    if delegate.pk == by.pk or not _holds(delegate, role, unit):
        raise RuleViolation(
            _("受托人：须是在同一单位担任同一角色的同事。"), code="delegation.not_a_colleague", field="delegate"
        )
    if starts_on < today:
        raise RuleViolation(_("开始日期：不能早于今天。"), code="delegation.starts_in_past", field="starts_on")
    if ends_on < starts_on or ends_on - starts_on > LONGEST:
        raise RuleViolation(
            _("结束日期：须不早于开始日期，且委托期不超过一年。"), code="delegation.period_invalid", field="ends_on"
        )
    with transaction.atomic():
        overlapping = Delegation.objects.select_for_update().filter(
            delegator=by, role=role, unit=unit, revoked_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        if overlapping.exists():
            raise RuleViolation(_("开始日期：与您已有的委托期间重叠。"), code="delegation.overlaps", field="starts_on")
        delegation = Delegation.objects.create(
            delegator=by,
            delegate=delegate,
            unit=unit,
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
        )
        ledger_append(
            action="delegation.given",
            subject=delegation,
            subject_unit=unit,
            by=by,
            role=role,
            unit=unit,
            reason=reason,
            payload={"delegate": delegate.pk, "role": role, "starts_on": starts_on, "ends_on": ends_on},
        )
        outbox_queue(
            event="delegation.given",
            subject=subject_of(delegation),
            recipients=[delegate],
            payload={"delegator": by.get_username(), "starts_on": starts_on, "ends_on": ends_on},
        )
    return delegation


def delegation_revoke(*, delegation: Delegation, by: User, reason: str) -> Delegation:
    """The delegator takes their work back before the period ends."""
    reason = d.text({"reason": reason}, "reason", _l("理由"), max_length=500)
    with transaction.atomic():
        fresh = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if fresh.delegator_id != by.pk:
            raise NotAllowed(_("委托：只有委托人本人可以收回。"), code="delegation.not_yours", field="delegation")
        if fresh.revoked_at is not None:
            raise RuleViolation(_("委托：已经收回。"), code="delegation.already_revoked", field="delegation")
        fresh.revoked_at = timezone.now()
        fresh.save(update_fields=["revoked_at"])
        ledger_append(
            action="delegation.revoked",
            subject=fresh,
            subject_unit=fresh.unit,
            by=by,
            role=fresh.role,
            unit=fresh.unit,
            reason=reason,
            payload={"delegate": fresh.delegate_id},
        )
        outbox_queue(
            event="delegation.revoked",
            subject=subject_of(fresh),
            recipients=[fresh.delegate],
            payload={"delegator": by.get_username()},
        )
    return fresh
