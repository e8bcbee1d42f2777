"""Writes for login accounts. Each change is one ledger entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.ledger.services import ledger_append
from casework.org.models import Unit

if TYPE_CHECKING:
    from casework.people.models import Person


def user_account_create(
    *,
    username: str,
    password: str,
    display_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    by: User | None,
    role: str = "",
    unit: Unit | None = None,
) -> User:
    """Create a login. The password is checked by Django's validators; the
    ledger records who created which account (never the password)."""
    username = username.strip()
    if not username:
        raise RuleViolation(_("用户名不能为空。"), code="accounts.username_required", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise RuleViolation(
            _("用户名“%(username)s”已被使用。") % {"username": username},
            code="accounts.username_taken",
            field="username",
        )
    try:
        validate_password(password, User(username=username, display_name=display_name))
    except ValidationError as exc:
        raise RuleViolation(" ".join(exc.messages), code="accounts.password_rejected", field="password") from exc
    with transaction.atomic():
        user = User(username=username, display_name=display_name, is_staff=is_staff, is_superuser=is_superuser)
        user.set_password(password)
        user.save()
        payload: dict[str, Any] = {"username": username, "is_staff": is_staff, "is_superuser": is_superuser}
        ledger_append(
            action="account.created",
            subject=user,
            by=by,
            role=role,
            unit=unit,
            payload=payload,
            personal={"display_name": display_name},
        )
    return user


def user_person_link(*, user: User, person: Person, by: User, reason: str = "") -> User:
    """Say which registry person a login is (a union chair is the chief
    representative of its side by default, 集体合同规定 20). An
    administrator of a unit over the person's employer does it; one ledger
    entry."""
    from permissions.access import acting_as

    acting = acting_as(by, "person.manage", person)
    with transaction.atomic():
        taken = User.objects.filter(person=person).exclude(pk=user.pk).first()
        if taken is not None:
            raise RuleViolation(
                _("人员：已关联账号%(username)s。") % {"username": taken.get_username()},
                code="accounts.person_taken",
                field="person",
            )
        user.person = person
        user.save(update_fields=["person"])
        ledger_append(
            action="account.person_linked",
            subject=user,
            reason=reason,
            payload={"username": user.get_username(), "person": person.pk},
            **acting,
        )
    return user
