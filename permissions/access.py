"""The one way to ask: ``can``, ``explain``, ``scope``.

- ``scope(user, queryset)`` keeps the objects the user may see. Every list,
  search, count, export and API endpoint starts from it.
- ``can(user, action, obj)`` says whether the user may do ``action`` to
  ``obj``; ``explain`` says why (the membership or grant that allowed it, or
  the rule that refused it).
- ``object_in_scope_or_404`` and ``require`` are what views use: an object
  outside scope is absent (404); one in scope the user may not act on is a
  403 naming the rule.

A membership allows an action when its role has the action (``roles.py``)
and its reach covers the object's unit (``targets.py``): the unit and all
below it, the unit only, or nothing. An unexpired object grant covers one
object for the holder's role actions: ``view_<model>`` for reading ones,
``change_<model>`` for all. A superuser is not special here: superusers get
Django's admin, not a wider scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import BigIntegerField, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from casework.accounts.models import User
from casework.errors import NotAllowed
from casework.org.models import Membership, Unit
from permissions.four_eyes import RULES as FOUR_EYES_RULES
from permissions.four_eyes import Decidable, four_eyes_refusal
from permissions.models import ObjectGrant
from permissions.roles import ACTIONS, ROLES, Reach
from permissions.targets import target_of

M = TypeVar("M", bound=Model)
AnyUser = User | AnonymousUser

REFUSALS: dict[str, Promise] = {
    "access.not_signed_in": _("请先登录。"),
    "access.no_role": _("您的角色不能进行此操作。"),
    "access.outside_scope": _("此对象不在您的管辖范围内。"),
    **FOUR_EYES_RULES,
}


@dataclass(frozen=True)
class Decision:
    """An answer and its reason: ``rule`` is a stable code, ``message`` the
    translated sentence, ``membership`` or ``grant`` what allowed it."""

    allowed: bool
    rule: str
    message: str
    membership: Membership | None = None
    grant: ObjectGrant | None = None

    def __bool__(self) -> bool:
        return self.allowed


def _memberships(user: User, action: str, at: datetime, roles: Iterable[str] | None = None) -> list[Membership]:
    codes = [code for code, role in ROLES.items() if action in role.actions and (roles is None or code in roles)]
    memberships = list(Membership.objects.current(at).filter(user=user, role__in=codes).select_related("unit"))
    for membership in memberships:
        membership.user = user  # named in the decision's message: no query to read it again
    return memberships


def permitted_anywhere(user: AnyUser, action: str) -> bool:
    """Whether a current role of ``user`` allows ``action`` at some unit: what
    a page of that action asks before it reads any input."""
    if not isinstance(user, User) or not user.is_active:
        return False
    codes = [code for code, role in ROLES.items() if action in role.actions]
    return Membership.objects.current(timezone.now()).filter(user=user, role__in=codes).exists()


def _covers(membership: Membership, unit: Unit | None) -> bool:
    reach = ROLES[membership.role].reach
    if unit is None:
        # Objects placed nowhere (account changes, the calendar) belong to the top of the tree.
        return reach is Reach.SUBTREE and membership.unit.depth == 0
    if reach is Reach.SUBTREE:
        return unit.path.startswith(membership.unit.path)
    return reach is Reach.UNIT and unit.pk == membership.unit_id


def _grant_codenames(model: type[Model], action: str) -> list[str]:
    name = model._meta.model_name
    return [f"change_{name}"] if ACTIONS[action].writes else [f"view_{name}", f"change_{name}"]


def _grant(user: User, action: str, obj: Model) -> ObjectGrant | None:
    target = target_of(obj)
    model, holder = target.grant_model, target.grant_holder(obj)
    if holder is None:
        return None
    return (
        ObjectGrant.objects.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(model),
            object_pk=str(holder.pk),
            permission__codename__in=_grant_codenames(model, action),
        )
        .select_related("permission")
        .first()
    )


def _refuse(rule: str) -> Decision:
    return Decision(False, rule, str(REFUSALS[rule]))


def explain(user: AnyUser, action: str, obj: Model, *, roles: Iterable[str] | None = None) -> Decision:
    """Whether ``user`` may do ``action`` to ``obj``, and why. ``roles``
    narrows which of the user's roles count (a step of a flow that only a
    street approver takes, though a district approver also has
    ``case.decide``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: declare it in permissions/roles.py")
    if not isinstance(user, User) or not user.is_active:
        return _refuse("access.not_signed_in")
    now = timezone.now()
    memberships = _memberships(user, action, now, roles)
    if not memberships:
        return _refuse("access.no_role")
    unit = target_of(obj).unit_of(obj)
    allowed: Decision | None = None
    for membership in memberships:
        if _covers(membership, unit):
            allowed = Decision(True, "access.membership", str(membership), membership=membership)
            break
    else:
        grant = _grant(user, action, obj)
        if grant is not None:
            allowed = Decision(True, "access.grant", grant.reason, membership=memberships[0], grant=grant)
    if allowed is None:
        return _refuse("access.outside_scope")
    if ACTIONS[action].writes and isinstance(obj, Decidable):
        rule = four_eyes_refusal(user, action, obj.four_eyes_parties(action))
        if rule:
            return _refuse(rule)
    return allowed


def can(user: AnyUser, action: str, obj: Model, *, roles: Iterable[str] | None = None) -> bool:
    """True when ``user`` may do ``action`` to ``obj`` (see ``explain``)."""
    return explain(user, action, obj, roles=roles).allowed


def require(user: AnyUser, action: str, obj: Model, *, roles: Iterable[str] | None = None) -> Decision:
    """``explain``, raising ``NotAllowed`` (403, with the rule's code and
    message) when the answer is no."""
    decision = explain(user, action, obj, roles=roles)
    if not decision.allowed:
        raise NotAllowed(decision.message, code=decision.rule)
    return decision


def acting_as(by: User | None, action: str, obj: Model, *, roles: Iterable[str] | None = None) -> dict[str, Any]:
    """``require`` for a service: the ``by``, ``role`` and ``unit`` its ledger
    entry records — the membership that allowed the action. ``by=None`` is
    the system itself and needs no permission."""
    if by is None:
        return {"by": None, "role": "", "unit": None}
    membership = require(by, action, obj, roles=roles).membership
    return {"by": by, "role": membership.role if membership else "", "unit": membership.unit if membership else None}


def scope(user: AnyUser, queryset: QuerySet[M], action: str | None = None) -> QuerySet[M]:
    """The part of ``queryset`` that ``user`` may see (``<noun>.view``), or
    may do ``action`` to. Two queries before it (memberships, grants),
    whatever the number of either."""
    target = target_of(queryset.model)
    action = action or f"{target.noun}.view"
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: declare it in permissions/roles.py")
    if not isinstance(user, User) or not user.is_active:
        return queryset.none()
    memberships = _memberships(user, action, timezone.now())
    if not memberships:
        return queryset.none()
    prefixes, unit_ids, unplaced = [], [], False
    for membership in memberships:
        reach = ROLES[membership.role].reach
        if reach is Reach.SUBTREE:
            prefixes.append(membership.unit.path)
            unplaced = unplaced or membership.unit.depth == 0
        elif reach is Reach.UNIT:
            unit_ids.append(membership.unit_id)
    condition = target.placed_under(prefixes, unit_ids, unplaced=unplaced)
    # The grants are read first and joined in as a list of ids (usually
    # none): a sub-select ORed with the unit path keeps PostgreSQL from using
    # the path's index, which at a city's size is a scan of every case.
    granted = list(
        ObjectGrant.objects.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(target.grant_model),
            permission__codename__in=_grant_codenames(target.grant_model, action),
        )
        .annotate(granted_pk=Cast("object_pk", BigIntegerField()))
        .values_list("granted_pk", flat=True)
    )
    if granted:
        granted_pk = f"{target.grants_via}__pk__in" if target.grants_via else "pk__in"
        condition |= Q(**{granted_pk: granted})
    return queryset.filter(condition)


def object_in_scope_or_404(user: AnyUser, queryset: QuerySet[M], **lookup: Any) -> M:
    """The one object of ``queryset`` matching ``lookup`` that ``user`` may
    see; otherwise 404, the same answer as for an object that does not exist."""
    try:
        return scope(user, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
