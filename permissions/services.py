"""Writes of the permissions package: object grants and declared conflicts.

Each change is one ledger entry in the same transaction; a broken rule
raises and changes nothing. Who may grant is asked the one way
(``require(by, "grant.manage", obj)``); ``by=None`` is the system itself
(a flow assigning a lawyer records its own decision, then grants).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.ledger.services import ledger_append
from casework.org.models import Membership, Unit
from casework.people.models import Person
from permissions.access import acting_as
from permissions.models import ConflictDeclaration, ObjectGrant
from permissions.targets import target_of

LEVELS = {"view": "view", "work": "change"}  # grant level -> Django permission verb


def _grant_subject(obj: Model) -> tuple[str, str]:
    """Where a grant's entry stands in the trail: on the object grants are
    recorded against (a legal-aid case's on ``cases.case``, with its steps)."""
    return target_of(obj).grant_model._meta.label_lower, str(obj.pk)


def _reason_required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("理由：必填，请说明原因。"), code="reason_required", field="reason")
    return reason


def object_access_grant(
    *,
    user: User,
    obj: Model,
    level: str,
    reason: str,
    valid_until: datetime | None = None,
    by: User | None,
) -> ObjectGrant:
    """Give ``user`` access to ``obj``: ``level`` ``"view"`` to read it,
    ``"work"`` to act on it with their role's actions. ``valid_until``
    (optional) ends it by itself. Writes one ledger entry ``access.granted``.
    An expired grant of the same level is renewed in place."""
    if level not in LEVELS:
        raise RuleViolation(_("授权级别：只能是“查看”或“办理”。"), code="access.level_invalid", field="level")
    reason = _reason_required(reason)
    now = timezone.now()
    if valid_until is not None and valid_until <= now:
        raise RuleViolation(_("到期时间：必须晚于现在。"), code="access.expiry_past", field="valid_until")
    if not user.is_active:
        raise RuleViolation(_("用户：账号已停用，不能授权。"), code="access.user_inactive", field="user")
    if not Membership.objects.current(now).filter(user=user).exists():
        raise RuleViolation(
            _("用户：该用户没有任何有效的角色任职，授权不会生效。"), code="access.user_without_role", field="user"
        )
    if by is not None and by.pk == user.pk:
        raise RuleViolation(_("用户：不能给自己授权。"), code="access.self_grant", field="user")
    acting = acting_as(by, "grant.manage", obj)
    content_type = ContentType.objects.get_for_model(target_of(obj).grant_model)
    permission = Permission.objects.get(content_type=content_type, codename=f"{LEVELS[level]}_{content_type.model}")
    with transaction.atomic():
        grant = (
            ObjectGrant.everything.select_for_update()
            .filter(user=user, permission=permission, object_pk=str(obj.pk))
            .first()
        )
        previous_expiry = None
        if grant is not None:
            if grant.valid_until is None or grant.valid_until > now:
                raise RuleViolation(
                    _("用户：“%(user)s”已有此对象的同级授权。") % {"user": user},
                    code="access.already_granted",
                    field="user",
                )
            previous_expiry = grant.valid_until
            grant.reason, grant.valid_until, grant.granted_by, grant.granted_at = reason, valid_until, by, now
            grant.save(update_fields=["reason", "valid_until", "granted_by", "granted_at"])
        else:
            grant = ObjectGrant.everything.create(
                user=user,
                permission=permission,
                content_type=content_type,
                object_pk=str(obj.pk),
                reason=reason,
                valid_until=valid_until,
                granted_by=by,
                granted_at=now,
            )
        ledger_append(
            action="access.granted",
            subject=_grant_subject(obj),
            subject_unit=target_of(obj).unit_of(obj),
            reason=reason,
            payload={
                "grantee": user.get_username(),
                "level": level,
                "valid_until": valid_until,
                "renews_expired": previous_expiry,
            },
            **acting,
        )
    return grant


def object_access_revoke(*, grant: ObjectGrant, reason: str, by: User | None) -> None:
    """End a grant now. Writes one ledger entry ``access.revoked``; the
    grant's row goes (the ledger keeps its history)."""
    reason = _reason_required(reason)
    obj = grant.content_object
    if obj is None:  # the object itself is gone: nothing left to protect
        raise RuleViolation(_("授权：授权对象已不存在。"), code="access.object_gone", field="grant")
    acting = acting_as(by, "grant.manage", obj)
    with transaction.atomic():
        deleted, _rows = ObjectGrant.everything.filter(pk=grant.pk).delete()
        if not deleted:
            raise RuleViolation(_("授权：该授权已被收回。"), code="access.already_revoked", field="grant")
        ledger_append(
            action="access.revoked",
            subject=_grant_subject(obj),
            subject_unit=target_of(obj).unit_of(obj),
            reason=reason,
            payload={"grantee": grant.user.get_username(), "permission": grant.permission.codename},
            **acting,
        )


def conflict_declare(
    *,
    by: User,
    person: Person | None = None,
    unit: Unit | None = None,
    organisation_code: str = "",
    organisation_name: str = "",
    reason: str,
) -> ConflictDeclaration:
    """``by`` declares a conflict of interest with a person, a unit, or an
    outside organisation by its unified social credit code (an employer a
    lawyer acts for); from now on the four-eyes rule ``declared_conflict``
    keeps them out of its cases. Writes one ledger entry ``conflict.declared``."""
    from casework.legalaid.uscc import uscc_valid  # the code's check character (GB 32100)

    organisation_code = organisation_code.strip().upper()
    if sum(x is not None and x != "" for x in (person, unit, organisation_code)) != 1:
        raise RuleViolation(
            _("申报对象：人员、单位和机构必须且只能填写一项。"), code="conflict.target_required", field="person"
        )
    if organisation_code and not uscc_valid(organisation_code):
        raise RuleViolation(
            _("统一社会信用代码：应为18位，且校验码正确（GB 32100）。"),
            code="uscc_invalid",
            field="organisation_code",
        )
    reason = _reason_required(reason)
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.create(
            user=by,
            person=person,
            unit=unit,
            organisation_code=organisation_code,
            organisation_name=organisation_name.strip()[:200],
            reason=reason,
        )
        ledger_append(
            action="conflict.declared",
            subject=declaration,
            by=by,
            subject_unit=unit or (person.employer if person else None),
            reason=reason,
            payload={
                "person": person.pk if person else None,
                "unit": unit.code if unit else None,
                "organisation_code": organisation_code,
            },
        )
    return declaration


def conflict_withdraw(*, declaration: ConflictDeclaration, by: User, reason: str) -> ConflictDeclaration:
    """The declarer withdraws a conflict declaration. One ledger entry."""
    reason = _reason_required(reason)
    if declaration.user_id != by.pk:
        raise RuleViolation(_("申报人：只有申报人本人可以撤回申报。"), code="conflict.not_declarer", field="user")
    with transaction.atomic():
        locked = ConflictDeclaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.withdrawn_at is not None:
            raise RuleViolation(_("申报：该申报已撤回。"), code="conflict.already_withdrawn", field="declaration")
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
        ledger_append(
            action="conflict.withdrawn",
            subject=locked,
            by=by,
            subject_unit=locked.unit or (locked.person.employer if locked.person else None),
            reason=reason,
        )
    return locked
