"""Writes to the unit tree and to memberships.

Each service checks its rules, changes the rows and appends exactly one
ledger entry, all in one transaction; a broken rule raises ``RuleViolation``
(stable ``code``, the ``field`` it is about) before anything is written.

Who acted is passed as ``by`` (None for the system), the role they acted in
and the unit they acted for as ``role`` / ``unit`` in ``unit_create`` (the
names the brief fixed) and as ``acting_role`` / ``acting_unit`` in the other
services, where ``unit`` and ``role`` name what is changed.

Locks: every service locks the unit rows it reads rules from (``units_lock``,
``SELECT … FOR UPDATE`` in path order) before any other row, and the ledger
takes its advisory lock last, inside ``ledger_append``. Unit rows first, always,
so two services never wait on each other in opposite orders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.cases.models import Case as CaseRecord  # django.db.models.Case is used here too
from casework.errors import RuleViolation
from casework.ledger.services import ledger_append
from casework.org.models import Membership, Unit
from casework.org.rules import (
    MERGE_TIERS,
    FieldError,
    code_clean,
    code_taken_error,
    kind_error,
    kind_label,
    local_date,
    local_moment,
    name_clean,
    name_taken_error,
    parent_closed_error,
    placement_error,
    raise_first,
    reason_clean,
    unit_closed_error,
)
from permissions.roles import ROLES


def _ref(unit: Unit | None) -> dict[str, Any] | None:
    """How the ledger names a unit: id, and code and path as they are now."""
    if unit is None:
        return None
    return {"id": unit.pk, "code": unit.code, "path": unit.path}


def units_lock(units: Iterable[Unit | None], *, subtree_of: Unit | None = None) -> dict[int, Unit]:
    """Lock the rows of ``units`` (None entries are skipped), and of every
    unit under ``subtree_of`` when given, and return them re-read, by pk.

    One ``SELECT … FOR UPDATE`` ordered by path, so any two callers lock
    shared rows in the same order. Call it first in the transaction, before
    locking memberships or cases. On SQLite the transaction's write lock
    (IMMEDIATE) already serializes writers and FOR UPDATE is a no-op.
    """
    pks = {unit.pk for unit in units if unit is not None}
    if subtree_of is not None:
        pks.add(subtree_of.pk)
    prefix = subtree_of.path if subtree_of is not None else None
    while True:
        condition = Q(pk__in=pks)
        if prefix is not None:
            condition |= Q(path__startswith=prefix)
        rows = {unit.pk: unit for unit in Unit.objects.select_for_update().filter(condition).order_by("path")}
        missing = pks - set(rows)
        if missing:
            raise RuleViolation(
                _("单位：编号为%(ids)s的单位不存在。") % {"ids": "、".join(str(pk) for pk in sorted(missing))},
                code="unit.not_found",
                field="unit",
            )
        if subtree_of is None or rows[subtree_of.pk].path == prefix:
            return rows
        # The caller's copy was stale (the unit moved): lock the subtree where it is now.
        prefix = rows[subtree_of.pk].path


def _siblings(parent: Unit | None) -> QuerySet[Unit]:
    if parent is None:
        return Unit.objects.filter(parent__isnull=True)
    return Unit.objects.filter(parent=parent)


def _name_taken(name: str, parent: Unit | None, *, exclude: Unit | None = None) -> FieldError | None:
    siblings = _siblings(parent).filter(name=name, closed_on__isnull=True)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.exists():
        return name_taken_error(name, parent.name if parent is not None else None)
    return None


def _code_taken(code: str) -> FieldError | None:
    # Case-insensitive: "e001" next to "E001" is a typo waiting to happen.
    holder = Unit.objects.filter(code__iexact=code).first()
    return code_taken_error(code, holder) if holder is not None else None


def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    by: User | None,
    role: str = "",
    unit: Unit | None = None,
    source: Mapping[str, Any] | None = None,
) -> Unit:
    """Create a unit under ``parent`` (None: a top-level city or district).

    Rules: the code is present, well-formed and not used by another unit (case
    ignored); the name is present and not used by an open sibling; ``kind`` is
    known and may sit under the parent's kind (``ALLOWED_CHILDREN``), or is a
    ``ROOT_KINDS`` kind when there is no parent; the parent is open. The path
    is the parent's path plus this unit's zero-padded pk (``Unit.segment``).
    ``role`` / ``unit`` say whom ``by`` acted as, for the ledger; ``source``
    (e.g. the import's file digest and row) is recorded in the entry.
    """
    code, code_error = code_clean(code)
    name, name_error = name_clean(name)
    raise_first(code_error, name_error, kind_error(kind))
    with transaction.atomic():
        locked_parent = units_lock([parent])[parent.pk] if parent is not None else None
        if locked_parent is not None:
            raise_first(parent_closed_error(locked_parent))
        raise_first(
            placement_error(kind, locked_parent.kind if locked_parent is not None else None),
            _code_taken(code),
            _name_taken(name, locked_parent),
        )
        base, depth = (locked_parent.path, locked_parent.depth + 1) if locked_parent is not None else ("/", 0)
        try:
            with transaction.atomic():
                # The path needs the pk: insert under a placeholder that no
                # prefix query can match, then set it.
                created = Unit.objects.create(
                    code=code, name=name, kind=kind, parent=locked_parent, path=f"#new:{code}", depth=depth
                )
        except IntegrityError:
            # Another transaction took the code since the check above.
            raise_first(_code_taken(code))
            raise
        created.path = base + Unit.segment(created.pk)
        created.save(update_fields=["path"])
        payload: dict[str, Any] = {
            "code": code,
            "name": name,
            "kind": kind,
            "parent": _ref(locked_parent),
            "path": created.path,
            "depth": depth,
        }
        if source:
            payload["source"] = dict(source)
        ledger_append(
            action="unit.created",
            subject=created,
            subject_unit=created,
            by=by,
            role=role,
            unit=unit,
            to_state="open",
            payload=payload,
        )
    return created


def unit_rename(
    *,
    unit: Unit,
    name: str,
    by: User | None,
    reason: str = "",
    acting_role: str = "",
    acting_unit: Unit | None = None,
) -> Unit:
    """Give an open unit a new name (its code never changes). The name must
    differ and not be used by an open sibling. Returns the unit, re-read."""
    name, name_error = name_clean(name)
    raise_first(name_error)
    with transaction.atomic():
        fresh = units_lock([unit])[unit.pk]
        raise_first(unit_closed_error(fresh))
        if fresh.name == name:
            raise RuleViolation(_("名称：与现有名称相同，无需更改。"), code="unit.name_unchanged", field="name")
        parent = Unit.objects.get(pk=fresh.parent_id) if fresh.parent_id is not None else None
        raise_first(_name_taken(name, parent, exclude=fresh))
        old_name = fresh.name
        fresh.name = name
        fresh.save(update_fields=["name", "updated_at"])
        ledger_append(
            action="unit.renamed",
            subject=fresh,
            subject_unit=fresh,
            by=by,
            role=acting_role,
            unit=acting_unit,
            reason=reason.strip(),
            payload={"code": fresh.code, "old_name": old_name, "new_name": name},
        )
    unit.name, unit.updated_at = fresh.name, fresh.updated_at
    return fresh


def path_prefix_replaced(field: str, old_prefix: str, new_prefix: str) -> Concat:
    """The expression ``new_prefix`` + ``field`` without its first
    ``len(old_prefix)`` characters, for an UPDATE of the rows whose ``field``
    starts with ``old_prefix``. Plain SQL on SQLite and PostgreSQL; tables that
    keep a copy of a unit's path (the cases' scope column) rewrite it with
    the same expression inside ``unit_move``'s transaction."""
    return Concat(Value(new_prefix), Substr(field, len(old_prefix) + 1), output_field=CharField())


def unit_move(
    *,
    unit: Unit,
    new_parent: Unit | None,
    reason: str,
    by: User | None,
    acting_role: str = "",
    acting_unit: Unit | None = None,
) -> Unit:
    """Move ``unit`` and everything under it to ``new_parent`` (None: to the
    top, for a city or district).

    Refused when the reason is empty, the unit or the new parent is closed,
    the new parent is the current one, the unit itself or one of its
    descendants, or its kind cannot hold the unit's kind. The stored paths
    and depths of the whole subtree (and the unit's parent) are rewritten in
    one UPDATE. The ledger entry records the old and new parent and path;
    earlier entries keep the unit's code and path as they were then.
    Returns the unit, re-read (the passed object is updated too).
    """
    reason, reason_error = reason_clean(reason)
    raise_first(reason_error)
    with transaction.atomic():
        locked = units_lock([new_parent], subtree_of=unit)
        fresh = locked[unit.pk]
        target = locked[new_parent.pk] if new_parent is not None else None
        raise_first(unit_closed_error(fresh))
        if fresh.parent_id == (target.pk if target is not None else None):
            raise RuleViolation(
                _("新上级单位：与当前上级单位相同，无需迁移。"), code="unit.move_same_parent", field="new_parent"
            )
        if target is not None and target.path.startswith(fresh.path):
            raise RuleViolation(
                _("新上级单位：“%(target)s”是“%(unit)s”本身或其下级单位，不能迁到自己之下。")
                % {"target": target.name, "unit": fresh.name},
                code="unit.move_into_own_subtree",
                field="new_parent",
            )
        raise_first(
            parent_closed_error(target, moving=True) if target is not None else None,
            placement_error(fresh.kind, target.kind if target is not None else None, moving=True),
            _name_taken(fresh.name, target, exclude=fresh),
        )
        old_parent = Unit.objects.get(pk=fresh.parent_id) if fresh.parent_id is not None else None
        old_path, old_depth = fresh.path, fresh.depth
        new_path = (target.path if target is not None else "/") + Unit.segment(fresh.pk)
        new_depth = target.depth + 1 if target is not None else 0
        moved = Unit.objects.filter(path__startswith=old_path).update(
            path=path_prefix_replaced("path", old_path, new_path),
            depth=F("depth") + (new_depth - old_depth),
            parent=Case(
                When(pk=fresh.pk, then=Value(target.pk if target is not None else None)),
                default=F("parent"),
                output_field=BigIntegerField(),
            ),
            updated_at=timezone.now(),
        )
        # Cases keep a copy of their unit's path for scope: they follow the
        # unit (all of them, so the copy always agrees with the unit itself).
        cases_moved = CaseRecord.objects.filter(unit_path__startswith=old_path).update(
            unit_path=path_prefix_replaced("unit_path", old_path, new_path)
        )
        fresh.refresh_from_db()
        ledger_append(
            action="unit.moved",
            subject=fresh,
            subject_unit=fresh,
            by=by,
            role=acting_role,
            unit=acting_unit,
            reason=reason,
            payload={
                "code": fresh.code,
                "old_parent": _ref(old_parent),
                "new_parent": _ref(target),
                "old_path": old_path,
                "new_path": new_path,
                "old_depth": old_depth,
                "new_depth": new_depth,
                "units_moved": moved,
                "cases_moved": cases_moved,
            },
        )
    for attr in ("parent_id", "path", "depth", "updated_at"):
        setattr(unit, attr, getattr(fresh, attr))
    # Drop a cached parent object that would now be the old one.
    unit._state.fields_cache.pop("parent", None)
    return fresh


def unit_close(
    *,
    unit: Unit,
    closed_on: date,
    merged_into: Unit | None = None,
    reason: str,
    by: User | None,
    acting_role: str = "",
    acting_unit: Unit | None = None,
) -> Unit:
    """Close ``unit`` on ``closed_on`` (not after today, Asia/Shanghai),
    optionally recording that it merged into ``merged_into`` (an open unit of
    the same tier, not itself).

    Refused while it has open child units (move or close them first) or
    memberships that are current or start later (end them first), and for a
    unit already closed. The row stays: history and old cases point to it.
    """
    reason, reason_error = reason_clean(reason)
    raise_first(reason_error)
    today = timezone.localdate()
    if closed_on > today:
        raise RuleViolation(
            _("撤销日期：%(date)s晚于今天（%(today)s），不能预先撤销。")
            % {"date": local_date(closed_on), "today": local_date(today)},
            code="unit.close_date_future",
            field="closed_on",
        )
    with transaction.atomic():
        locked = units_lock([unit, merged_into])
        fresh = locked[unit.pk]
        target = locked[merged_into.pk] if merged_into is not None else None
        if fresh.closed_on is not None:
            raise RuleViolation(
                _("单位：“%(unit)s”已于%(date)s撤销。") % {"unit": fresh.name, "date": local_date(fresh.closed_on)},
                code="unit.already_closed",
                field="unit",
            )
        if target is not None:
            _check_merge_target(fresh, target)
        open_children = fresh.children.filter(closed_on__isnull=True).order_by("path")
        count = open_children.count()
        if count:
            first = open_children.first()
            raise RuleViolation(
                _("单位：仍有%(count)d个未撤销的下级单位（如“%(child)s”），请先迁移或撤销它们。")
                % {"count": count, "child": first.name if first else ""},
                code="unit.close_has_open_children",
                field="unit",
            )
        now = timezone.now()
        holders = fresh.memberships.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        held = holders.count()
        if held:
            raise RuleViolation(
                _("单位：仍有%(count)d个有效或待生效的角色任职，请先终止它们。") % {"count": held},
                code="unit.close_has_memberships",
                field="unit",
            )
        fresh.closed_on = closed_on
        fresh.merged_into = target
        fresh.save(update_fields=["closed_on", "merged_into", "updated_at"])
        ledger_append(
            action="unit.closed",
            subject=fresh,
            subject_unit=fresh,
            by=by,
            role=acting_role,
            unit=acting_unit,
            from_state="open",
            to_state="closed",
            reason=reason,
            payload={"code": fresh.code, "closed_on": closed_on.isoformat(), "merged_into": _ref(target)},
        )
    unit.closed_on, unit.merged_into, unit.updated_at = fresh.closed_on, fresh.merged_into, fresh.updated_at
    return fresh


def _check_merge_target(unit: Unit, target: Unit) -> None:
    if target.pk == unit.pk:
        raise RuleViolation(_("并入单位：不能并入自身。"), code="unit.merge_into_self", field="merged_into")
    if target.closed_on is not None:
        raise RuleViolation(
            _("并入单位：“%(target)s”已于%(date)s撤销，不能并入。")
            % {"target": target.name, "date": local_date(target.closed_on)},
            code="unit.merge_into_closed",
            field="merged_into",
        )
    if MERGE_TIERS.get(target.kind) != MERGE_TIERS.get(unit.kind):
        raise RuleViolation(
            _("并入单位：%(kind)s只能并入同一层级的单位，不能并入%(target_kind)s。")
            % {"kind": kind_label(unit.kind), "target_kind": kind_label(target.kind)},
            code="unit.merge_tier",
            field="merged_into",
        )


def _membership_ref(membership: Membership) -> dict[str, Any]:
    return {
        "membership": membership.pk,
        "user_id": membership.user_id,
        "username": membership.user.get_username(),
        "unit": _ref(membership.unit),
        "role": membership.role,
    }


def membership_grant(
    *,
    user: User,
    unit: Unit,
    role: str,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    by: User | None,
    acting_role: str = "",
    acting_unit: Unit | None = None,
) -> Membership:
    """Let ``user`` hold ``role`` at ``unit`` from ``valid_from`` (default:
    now) until ``valid_until`` (default: open-ended).

    Rules: the role is in the catalogue (``permissions.roles.ROLES``) and may
    be held at this kind of unit (``Role.unit_kinds``); the unit is open; the
    user's account is active; nobody grants a role to themselves; the period
    ends after it starts and not in the past; the user has no membership of
    the same role at the same unit whose period overlaps this one.
    """
    definition = ROLES.get(role)
    if definition is None:
        raise RuleViolation(
            _("角色：未知的角色“%(role)s”。") % {"role": role}, code="membership.role_unknown", field="role"
        )
    if not user.is_active:
        raise RuleViolation(
            _("用户：账号“%(user)s”已停用，不能授予角色。") % {"user": user.get_username()},
            code="membership.user_inactive",
            field="user",
        )
    if by is not None and by.pk == user.pk:
        raise RuleViolation(
            _("用户：不能给自己授予角色，请由另一位管理员授予。"), code="membership.self_grant", field="user"
        )
    now = timezone.now()
    start = valid_from or now
    if valid_until is not None and valid_until <= start:
        raise RuleViolation(
            _("终止时间：必须晚于生效时间（%(start)s）。") % {"start": local_moment(start)},
            code="membership.period_invalid",
            field="valid_until",
        )
    if valid_until is not None and valid_until <= now:
        raise RuleViolation(
            _("终止时间：%(until)s已经过去，不能授予已结束的任职。") % {"until": local_moment(valid_until)},
            code="membership.period_over",
            field="valid_until",
        )
    with transaction.atomic():
        fresh = units_lock([unit])[unit.pk]
        raise_first(unit_closed_error(fresh))
        if fresh.kind not in definition.unit_kinds:
            raise RuleViolation(
                _("角色：“%(role)s”只能在%(kinds)s任职，不能在%(kind)s任职。")
                % {
                    "role": definition.label,
                    "kinds": "、".join(kind_label(kind) for kind in definition.unit_kinds),
                    "kind": kind_label(fresh.kind),
                },
                code="membership.role_not_at_kind",
                field="role",
            )
        overlapping = (
            Membership.objects.filter(user=user, unit=fresh, role=role)
            .exclude(valid_until=F("valid_from"))  # ended before it started: never held
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
        )
        if valid_until is not None:
            overlapping = overlapping.filter(valid_from__lt=valid_until)
        clash = overlapping.order_by("valid_from").first()
        if clash is not None:
            raise RuleViolation(
                _("角色：用户“%(user)s”在“%(unit)s”已有时间重叠的“%(role)s”任职（自%(start)s起），不能重复授予。")
                % {
                    "user": user.get_username(),
                    "unit": fresh.name,
                    "role": definition.label,
                    "start": local_moment(clash.valid_from),
                },
                code="membership.duplicate",
                field="role",
            )
        membership = Membership.objects.create(
            user=user, unit=fresh, role=role, valid_from=start, valid_until=valid_until, granted_by=by
        )
        ledger_append(
            action="membership.granted",
            subject=membership,
            subject_unit=fresh,
            by=by,
            role=acting_role,
            unit=acting_unit,
            to_state="current" if start <= now else "pending",
            payload={
                **_membership_ref(membership),
                "valid_from": start,
                "valid_until": valid_until,
            },
        )
    return membership


def membership_end(
    *,
    membership: Membership,
    at: datetime | None = None,
    reason: str,
    by: User | None,
    acting_role: str = "",
    acting_unit: Unit | None = None,
) -> Membership:
    """End ``membership`` at ``at`` (default: now; a membership that has not
    started yet then ends at its start, so it is never held).

    Refused without a reason, for a membership already ended, when ``at`` is
    before its start, or when it already ends at or before ``at``. An ``at``
    in the past records a departure after the fact; the ledger shows when it
    was recorded. Returns the membership, re-read.
    """
    reason, reason_error = reason_clean(reason, prefix="membership")
    raise_first(reason_error)
    with transaction.atomic():
        units_lock([membership.unit])  # unit row first
        fresh = Membership.objects.select_for_update().select_related("user", "unit").get(pk=membership.pk)
        now = timezone.now()
        if fresh.valid_until is not None and fresh.valid_until <= now:
            raise RuleViolation(
                _("角色任职：已于%(until)s终止。") % {"until": local_moment(fresh.valid_until)},
                code="membership.already_ended",
                field="membership",
            )
        end = at if at is not None else max(now, fresh.valid_from)
        if end < fresh.valid_from:
            raise RuleViolation(
                _("终止时间：%(at)s早于生效时间%(start)s。")
                % {"at": local_moment(end), "start": local_moment(fresh.valid_from)},
                code="membership.end_before_start",
                field="at",
            )
        if fresh.valid_until is not None and end >= fresh.valid_until:
            raise RuleViolation(
                _("终止时间：该任职本来就在%(until)s终止，早于%(at)s。")
                % {"until": local_moment(fresh.valid_until), "at": local_moment(end)},
                code="membership.end_after_until",
                field="at",
            )
        previous_until = fresh.valid_until
        fresh.valid_until = end
        fresh.save(update_fields=["valid_until"])
        ledger_append(
            action="membership.ended",
            subject=fresh,
            subject_unit=fresh.unit,
            by=by,
            role=acting_role,
            unit=acting_unit,
            from_state="current" if fresh.valid_from <= now else "pending",
            to_state="ended",
            reason=reason,
            payload={
                **_membership_ref(fresh),
                "valid_from": fresh.valid_from,
                "previous_valid_until": previous_until,
                "valid_until": end,
            },
        )
    membership.valid_until = fresh.valid_until
    return fresh
