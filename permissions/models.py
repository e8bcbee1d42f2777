"""Object grants and declared conflicts of interest.

``ObjectGrant`` is django-guardian's user-object permission table
(``GUARDIAN_USER_OBJ_PERMS_MODEL``) with a reason, who granted it and an
optional expiry. Its default manager hides expired rows, so guardian's own
checks (``user.has_perm(perm, obj)``, ``get_objects_for_user``) and ours stop
honouring a grant the moment it expires, without a job having to run.
Grants are made and revoked only by ``permissions.services``, each change in
the ledger.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.managers import UserObjectPermissionManager
from guardian.models import UserObjectPermissionAbstract


def unexpired(at: object = None) -> Q:
    return Q(valid_until__isnull=True) | Q(valid_until__gt=at or timezone.now())


class ActiveGrantManager(UserObjectPermissionManager):
    def get_queryset(self) -> Any:
        return super().get_queryset().filter(unexpired())


class ObjectGrant(UserObjectPermissionAbstract):
    """One user's access to one object: ``view_<model>`` to read it,
    ``change_<model>`` to act on it with the actions of their role."""

    reason = models.TextField(_("理由"))
    valid_until = models.DateTimeField(_("到期时间"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授予人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("授予时间"), default=timezone.now)

    objects: ClassVar[ActiveGrantManager] = ActiveGrantManager()
    everything = models.Manager()  # expired rows too: history pages, re-grants

    class Meta(UserObjectPermissionAbstract.Meta):
        abstract = False
        verbose_name = _("对象授权")
        verbose_name_plural = _("对象授权")
        base_manager_name = "everything"
        indexes = [
            models.Index(fields=["user", "content_type", "object_pk"], name="perm_grant_user_object"),
            models.Index(fields=["content_type", "object_pk"], name="perm_grant_object"),
        ]


class ConflictDeclaration(models.Model):
    """A user declared a conflict of interest with a person or a unit: they
    are kept out of every decision about it (rule ``four_eyes.declared_conflict``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="conflicts"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An outside organisation (an employer a lawyer acts for), by its unified social credit code.
    organisation_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, default="")
    organisation_name = models.CharField(_("机构名称"), max_length=200, blank=True, default="")
    reason = models.TextField(_("理由"))
    declared_at = models.DateTimeField(_("申报时间"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("利益冲突申报")
        verbose_name_plural = _("利益冲突申报")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, unit__isnull=True, organisation_code="")
                | Q(person__isnull=True, unit__isnull=False, organisation_code="")
                | (Q(person__isnull=True, unit__isnull=True) & ~Q(organisation_code="")),
                name="perm_conflict_one_party",
                violation_error_message=_("申报对象：人员、单位和机构必须且只能填写一项。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.person or self.unit or self.organisation_name or self.organisation_code}"
