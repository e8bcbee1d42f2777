"""Reads of the unit tree and memberships.

Scoping by the acting user's memberships is the permissions package's job
(it builds on these); these read the tree as it is today.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from casework.accounts.models import User
from casework.org.models import Membership, Unit


def units_under(unit: Unit, *, include_self: bool = True, open_only: bool = False) -> QuerySet[Unit]:
    """``unit`` and every unit below it, in path order (tree order): one
    ``path LIKE 'prefix%'`` query, served on PostgreSQL by the
    ``org_unit_path_like`` index (varchar_pattern_ops)."""
    units = Unit.objects.filter(path__startswith=unit.path)
    if not include_self:
        units = units.exclude(pk=unit.pk)
    if open_only:
        units = units.filter(closed_on__isnull=True)
    return units.order_by("path")


def current_memberships(user: User, *, at: datetime | None = None) -> QuerySet[Membership]:
    """The memberships ``user`` holds at ``at`` (default: now), with their
    units, ordered by the unit's place in the tree, then role."""
    return (
        Membership.objects.current(at)
        .filter(user=user)
        .select_related("unit")
        .order_by("unit__path", "role", "valid_from")
    )


def unit_by_code(code: str) -> Unit | None:
    """The unit with this code (surrounding spaces ignored), or None."""
    return Unit.objects.filter(code=code.strip()).first()
