"""The unit tree: city > district > street / park > grass-roots unions.

"Everything under X" is one indexed prefix query on ``path``, a materialized
path of zero-padded primary keys (``/00000001/00000007/``). Moving a unit
rewrites the paths of its subtree in one statement (services.unit_move);
ledger entries copy the unit's code and path at decision time, so history
keeps the unit a decision was made under.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from permissions.roles import ROLE_CHOICES

PATH_SEGMENT_WIDTH = 8


def unit_path_ancestors(path: str) -> list[str]:
    """The paths of a unit and every unit above it, top first: prefixes of
    its own path, so no query is needed to know them."""
    segment = PATH_SEGMENT_WIDTH + 1
    return [path[: 1 + segment * i] for i in range(1, (len(path) - 1) // segment + 1)]


class UnitKind(models.TextChoices):
    CITY = "city", _("市总工会")
    DISTRICT = "district", _("区总工会")
    STREET = "street", _("街道工会")
    PARK = "park", _("园区工会")
    ENTERPRISE = "enterprise", _("企业工会")
    INSTITUTION = "institution", _("机关事业单位工会")


# Which kinds may sit directly under which: the tree the domain describes.
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    UnitKind.CITY: frozenset({UnitKind.DISTRICT}),
    UnitKind.DISTRICT: frozenset({UnitKind.STREET, UnitKind.PARK, UnitKind.ENTERPRISE, UnitKind.INSTITUTION}),
    UnitKind.STREET: frozenset({UnitKind.ENTERPRISE, UnitKind.INSTITUTION}),
    UnitKind.PARK: frozenset({UnitKind.ENTERPRISE, UnitKind.INSTITUTION}),
    UnitKind.ENTERPRISE: frozenset(),
    UnitKind.INSTITUTION: frozenset(),
}
ROOT_KINDS = frozenset({UnitKind.CITY, UnitKind.DISTRICT})


class UnitQuerySet(models.QuerySet["Unit"]):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        """The unit and every unit under it."""
        return self.filter(path__startswith=unit.path)

    def active(self) -> UnitQuerySet:
        return self.filter(closed_on__isnull=True)


class Unit(models.Model):
    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Unique through Meta.constraints, not unique=True: on PostgreSQL a unique
    # CharField also gets Django's own varchar_pattern_ops index, a duplicate
    # of org_unit_path_like below.
    path = models.CharField(_("路径"), max_length=255, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs the pattern operator class
            # unless the database collation is C.
            models.Index(fields=["path"], name="org_unit_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "path"], name="org_unit_kind_path"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["path"], name="org_unit_path_unique"),
            # "e001" beside "E001" is a typo waiting to happen; also serves iexact lookups.
            models.UniqueConstraint(
                Upper("code"),
                name="org_unit_code_ci_unique",
                violation_error_message=_("单位代码：已有仅大小写不同的单位代码，单位代码不能重复。"),
            ),
            # A unit is merged into another only as it closes, and never into itself.
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(closed_on__isnull=False),
                name="org_unit_merged_needs_closed",
                violation_error_message=_("并入单位：只有撤销单位时才能填写并入单位。"),
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")),
                name="org_unit_not_merged_into_self",
                violation_error_message=_("并入单位：不能并入自身。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @staticmethod
    def segment(pk: int) -> str:
        return f"{pk:0{PATH_SEGMENT_WIDTH}d}/"

    def is_within(self, other: Unit) -> bool:
        """True when this unit is ``other`` or lies under it."""
        return self.path.startswith(other.path)

    def ancestors(self) -> UnitQuerySet:
        """This unit and the units above it, top first."""
        return Unit.objects.filter(path__in=unit_path_ancestors(self.path)).order_by("depth")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, at: object = None) -> MembershipQuerySet:
        moment = at or timezone.now()
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=moment), valid_from__lte=moment)


class Membership(models.Model):
    """A user holds a role at a unit, for a period. Granted and ended through
    services only, each in the ledger."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("角色"), max_length=32, choices=ROLE_CHOICES)
    valid_from = models.DateTimeField(_("生效时间"), default=timezone.now)
    valid_until = models.DateTimeField(_("终止时间"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授予人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色任职")
        verbose_name_plural = _("角色任职")
        indexes = [
            models.Index(fields=["user", "valid_until"], name="org_membership_user_until"),
            # "who holds role R at unit U": permissions and the grant's overlap check.
            models.Index(fields=["unit", "role"], name="org_membership_unit_role"),
        ]
        constraints = [
            # Equal ends a membership that never started (revoked before its start).
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="org_membership_period",
                violation_error_message=_("终止时间：不能早于生效时间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit.name}"
