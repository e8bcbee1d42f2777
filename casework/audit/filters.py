"""What every auditor page and the trail API ask first: does the user read
the trail somewhere (403 otherwise), and which of their units (the shared
parameters of casework/web/params.py, for ``ledger.view``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from casework.accounts.models import User
from casework.errors import NotAllowed
from casework.org.models import Unit
from casework.web.params import LONGEST_ID, day_start, period_check, unit_param, units_where
from casework.web.params import period_param as audit_period
from permissions.access import REFUSALS, permitted_anywhere

ACTION = "ledger.view"
__all__ = ["ACTION", "LONGEST_ID", "audit_period", "audit_unit", "audit_units", "auditor", "auditor_of_page"]
__all__ += ["day_start", "period_check"]


def auditor(user: Any) -> User:
    """``user`` when a current role of theirs reads the trail somewhere:
    the question every auditor page and endpoint asks before its input.
    ``NotAllowed`` (403) otherwise."""
    if not permitted_anywhere(user, ACTION):
        raise NotAllowed(str(REFUSALS["access.no_role"]), code="access.no_role")
    return user


def auditor_of_page(request: HttpRequest) -> User:
    """``auditor`` for a page: the page's 403."""
    try:
        return auditor(request.user)
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error


def audit_units(user: User) -> QuerySet[Unit]:
    """The units whose trail ``user`` reads."""
    return units_where(user, ACTION)


def audit_unit(user: User, params: Mapping[str, str], *, own_by_default: bool = False) -> Unit | None:
    """The ``unit`` parameter among the units whose trail ``user`` reads."""
    return unit_param(user, params, action=ACTION, own_by_default=own_by_default)
