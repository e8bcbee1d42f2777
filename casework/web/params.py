"""Query parameters that pages and the API share: a unit the user may
reach for an action (404 for any other, as for one that does not exist)
and a period of days in Asia/Shanghai. A malformed value is a
``RuleViolation`` naming the parameter."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.org.models import Unit
from permissions.access import scope

FROM_LABEL = _l("起始日期")
TO_LABEL = _l("截止日期")
# A period is clamped to these years: earlier or later means "from the
# start" or "to the end", and the clock's time-zone shift stays in range.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)
LONGEST_ID = 18  # digits; a longer id names no row


def units_where(user: User, action: str) -> QuerySet[Unit]:
    """The units where ``user`` may do ``action``."""
    return scope(user, Unit.objects.all(), action)


def unit_param(user: User, params: Mapping[str, str], *, action: str, own_by_default: bool = False) -> Unit | None:
    """The ``unit`` parameter, a unit where ``user`` may do ``action``;
    absent, the user's own top unit (with ``own_by_default``) or None."""
    raw = params.get("unit", "").strip()
    if not raw:
        return units_where(user, action).order_by("depth", "path").first() if own_by_default else None
    digits = raw.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        raise RuleViolation(_("单位：请从列表中选择。"), code="invalid_unit", field="unit")
    # A negative or overlong id names no row: 404 like any other.
    unit = units_where(user, action).filter(pk=int(raw) if len(digits) <= LONGEST_ID else 0).first()
    if unit is None:
        raise Http404
    return unit


def refuse_blank(params: Mapping[str, str], names: tuple[str, ...]) -> None:
    """The API's stricter reading: a parameter given empty is a 400 naming
    it (a page's blank field means "the default")."""
    for name in names:
        if name in params and not params[name].strip():
            raise RuleViolation(_("%(name)s：不能为空。") % {"name": name}, code="invalid", field=name)


def _day(params: Mapping[str, str], name: str, label: object, default: date | None) -> date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        if not raw.isascii() or len(raw) != len("2026-01-31"):
            raise ValueError(raw)
        value = date.fromisoformat(raw)
    except ValueError:
        raise RuleViolation(
            _("%(field)s：请按“年-月-日”填写，如2026-01-31。") % {"field": label}, code="invalid_date", field=name
        ) from None
    return min(max(value, FIRST_DAY), LAST_DAY)


def period_param(
    params: Mapping[str, str], *, default_from: date | None = None, default_to: date | None = None
) -> tuple[date | None, date | None]:
    """The ``from`` and ``to`` parameters (both days included), or the defaults."""
    date_from = _day(params, "from", FROM_LABEL, default_from)
    date_to = _day(params, "to", TO_LABEL, default_to)
    if date_from is not None and date_to is not None:
        period_check(date_from, date_to)
    return date_from, date_to


def day_start(day: date) -> datetime:
    """The first moment of ``day`` in the district's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def period_check(date_from: date, date_to: date, *, field: str = "to") -> None:
    """A period ends on or after its start (the selectors ask it too)."""
    if date_to < date_from:
        raise RuleViolation(
            _("%(to)s：不能早于%(from)s。") % {"to": TO_LABEL, "from": FROM_LABEL},
            code="audit.period_reversed",
            field=field,
        )
