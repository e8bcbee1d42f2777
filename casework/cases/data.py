"""Reading the ``data`` of a step: each field checked, errors naming it.

Pages post forms and the API posts JSON; both arrive here as a dict of
strings, numbers or dates. Each reader returns the typed value or raises
``RuleViolation`` with ``field`` set and a message that starts with the
field's label. ``schema_*`` build the matching JSON Schema properties that
the generic task API publishes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from casework.errors import RuleViolation


def _missing(name: str, label: Promise | str) -> RuleViolation:
    return RuleViolation(_("%(label)s：必填。") % {"label": label}, code="field_required", field=name)


def text(
    data: dict[str, Any], name: str, label: Promise | str, *, required: bool = True, max_length: int = 5000
) -> str:
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise _missing(name, label)
    if len(value) > max_length:
        raise RuleViolation(
            _("%(label)s：不能超过%(n)d个字。") % {"label": label, "n": max_length}, code="field_too_long", field=name
        )
    return value


def day(
    data: dict[str, Any], name: str, label: Promise | str, *, required: bool = True, not_after: date | None = None
) -> date | None:
    value = data.get(name)
    if value in (None, ""):
        if required:
            raise _missing(name, label)
        return None
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            raise RuleViolation(
                _("%(label)s：日期格式应为YYYY-MM-DD。") % {"label": label}, code="field_date_invalid", field=name
            ) from None
    if not_after is not None and value > not_after:
        raise RuleViolation(
            _("%(label)s：不能晚于%(date)s。") % {"label": label, "date": not_after.isoformat()},
            code="field_date_future",
            field=name,
        )
    return value


def whole(data: dict[str, Any], name: str, label: Promise | str, *, minimum: int = 0) -> int:
    value = data.get(name)
    if value in (None, ""):
        raise _missing(name, label)
    if isinstance(value, bool) or not (isinstance(value, int) or str(value).strip().isdigit()):
        raise RuleViolation(_("%(label)s：必须是整数。") % {"label": label}, code="field_not_whole", field=name)
    number = int(str(value))
    if number < minimum:
        raise RuleViolation(
            _("%(label)s：不能小于%(n)d。") % {"label": label, "n": minimum}, code="field_too_small", field=name
        )
    return number


def money(data: dict[str, Any], name: str, label: Promise | str, *, required: bool = True) -> Decimal | None:
    value = data.get(name)
    if value in (None, ""):
        if required:
            raise _missing(name, label)
        return None
    if isinstance(value, float):
        value = str(value)  # JSON numbers arrive as floats; their text is what the user typed
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise RuleViolation(
            _("%(label)s：应为不小于0、最多两位小数的金额。") % {"label": label}, code="field_money_invalid", field=name
        )
    return amount


def choice(data: dict[str, Any], name: str, label: Promise | str, choices: dict[str, Any]) -> str:
    value = text(data, name, label)
    if value not in choices:
        raise RuleViolation(
            _("%(label)s：只能是%(choices)s之一。") % {"label": label, "choices": "、".join(choices)},
            code="field_choice_invalid",
            field=name,
        )
    return value


def schema(required: list[str], **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


def schema_text(label: Promise | str) -> dict[str, Any]:
    return {"type": "string", "title": label, "minLength": 1}


def schema_date(label: Promise | str) -> dict[str, Any]:
    return {"type": "string", "format": "date", "title": label}


def schema_whole(label: Promise | str) -> dict[str, Any]:
    return {"type": "integer", "minimum": 0, "title": label}


def schema_money(label: Promise | str) -> dict[str, Any]:
    return {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "title": label}


def schema_choice(label: Promise | str, choices: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """One of ``choices`` ((value, label) pairs), each with its title."""
    return {"type": "string", "title": label, "oneOf": [{"const": value, "title": title} for value, title in choices]}
