"""The rules a person's record must satisfy, shared by the services, the
admin forms and the bulk importer.

``person_clean`` collects *every* broken rule (the importer reports them all);
services raise the first one as a ``RuleViolation``. Error codes are stable:
``people.<rule>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import RuleViolation
from casework.org.models import Unit
from casework.people.choices import Gender, NewFormCategory, Relation
from casework.people.idnumber import parse_id_number, validate_mobile
from casework.people.models import MONEY_DIGITS, MONEY_PLACES, NAME_MAX_LENGTH
from casework.people.names import name_initials

# What a caller may set on a person; gender, birth date, initials and the
# ID's last four are derived.
PERSON_INPUT_FIELDS = frozenset(
    {
        "name",
        "id_number",
        "gender",  # optional: only checked against the ID number
        "mobile",
        "employer",
        "is_member",
        "member_since",
        "is_migrant_worker",
        "new_form_category",
    }
)
# Enum ``values`` is recomputed on every access: too slow for a 100k-row import.
CATEGORY_VALUES = frozenset(NewFormCategory.values)
RELATION_VALUES = frozenset(Relation.values)
GENDER_VALUES = frozenset(Gender.values)
PERSON_DEFAULTS: dict[str, Any] = {
    "mobile": "",
    "employer": None,
    "is_member": False,
    "member_since": None,
    "is_migrant_worker": False,
    "new_form_category": NewFormCategory.NONE.value,
}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One broken rule about one input."""

    field: str
    code: str
    message: str

    def as_violation(self) -> RuleViolation:
        return RuleViolation(self.message, code=self.code, field=self.field)


def _from_validation(field: str, exc: ValidationError) -> FieldError:
    return FieldError(field, f"people.{exc.code}", exc.messages[0])


def name_clean(value: object, field: str = "name") -> tuple[str, FieldError | None]:
    name = ("" if value is None else str(value)).strip()
    if not name:
        return name, FieldError(field, "people.name_required", _("姓名：必填。"))
    if len(name) > NAME_MAX_LENGTH:
        return name, FieldError(
            field,
            "people.name_too_long",
            _("姓名：不能超过%(max)d个字符。") % {"max": NAME_MAX_LENGTH},
        )
    return name, None


def person_clean(
    data: Mapping[str, Any], *, check_employer_open: bool = True, today: date | None = None
) -> tuple[dict[str, Any], list[FieldError]]:
    """Check a complete set of a person's inputs (``PERSON_INPUT_FIELDS``,
    missing ones take ``PERSON_DEFAULTS``) and return the values to store —
    including the derived ``gender``, ``birth_date``, ``name_initials`` and
    ``id_last4`` — with every broken rule. ``check_employer_open`` is off
    when the employer is not being changed (a unit closing later must not
    block edits of its people's other fields)."""
    today = today or timezone.localdate()
    values: dict[str, Any] = {**PERSON_DEFAULTS, **{k: v for k, v in data.items() if k != "gender"}}
    errors: list[FieldError] = []

    values["name"], error = name_clean(values.get("name"))
    if error:
        errors.append(error)
    values["name_initials"] = name_initials(values["name"])

    birth_date: date | None = None
    try:
        info = parse_id_number(values.get("id_number"), today=today)
    except ValidationError as exc:
        errors.append(_from_validation("id_number", exc))
    else:
        values.update(id_number=info.number, gender=info.gender, birth_date=info.birth_date, id_last4=info.number[-4:])
        birth_date = info.birth_date
        stated = data.get("gender")
        if stated not in (None, "") and stated != info.gender:
            errors.append(
                FieldError(
                    "gender",
                    "people.gender_mismatch",
                    _("性别：填写的“%(stated)s”与身份证号第17位所示性别“%(derived)s”不符。")
                    % {
                        "stated": Gender(stated).label if stated in GENDER_VALUES else stated,
                        "derived": Gender(info.gender).label,
                    },
                )
            )

    mobile = values.get("mobile") or ""
    if mobile:
        try:
            values["mobile"] = validate_mobile(mobile)
        except ValidationError as exc:
            errors.append(_from_validation("mobile", exc))
    else:
        values["mobile"] = ""

    employer = values.get("employer")
    if employer is not None and not isinstance(employer, Unit):
        raise TypeError("employer must be an org.Unit or None")
    if check_employer_open and employer is not None and employer.closed_on is not None:
        errors.append(
            FieldError(
                "employer",
                "people.employer_closed",
                _("工作单位：%(unit)s已于%(date)s撤销，不能作为工作单位。")
                % {"unit": employer, "date": employer.closed_on.isoformat()},
            )
        )

    values["is_member"] = bool(values.get("is_member"))
    values["is_migrant_worker"] = bool(values.get("is_migrant_worker"))
    member_since = values.get("member_since")
    if member_since is not None:
        if not isinstance(member_since, date):
            raise TypeError("member_since must be a date or None")
        if not values["is_member"]:
            errors.append(
                FieldError(
                    "member_since",
                    "people.member_since_requires_member",
                    _("入会日期：只有工会会员才能填写入会日期。"),
                )
            )
        if member_since > today:
            errors.append(FieldError("member_since", "people.member_since_future", _("入会日期：不能晚于今天。")))
        if birth_date is not None and member_since < birth_date:
            errors.append(
                FieldError("member_since", "people.member_since_before_birth", _("入会日期：不能早于出生日期。"))
            )

    category = values.get("new_form_category") or NewFormCategory.NONE.value
    if category not in CATEGORY_VALUES:
        errors.append(
            FieldError(
                "new_form_category",
                "people.new_form_category_invalid",
                _("新就业形态：“%(value)s”不是可选的类别。") % {"value": category},
            )
        )
    values["new_form_category"] = category
    return values, errors


def money_clean(value: object, field: str = "monthly_income") -> tuple[Decimal, FieldError | None]:
    """A fen-exact, non-negative amount of yuan. Floats are refused: they are
    not exact (0.1 + 0.2)."""
    if isinstance(value, float):
        raise TypeError("money must be a Decimal, int or str, never a float")
    try:
        amount = Decimal(str(value).strip()) if value not in (None, "") else Decimal("0")
    except InvalidOperation:
        return Decimal("0"), FieldError(field, "people.income_invalid", _("月收入：不是有效的金额。"))
    if not amount.is_finite():
        return Decimal("0"), FieldError(field, "people.income_invalid", _("月收入：不是有效的金额。"))
    if amount < 0:
        return amount, FieldError(field, "people.income_negative", _("月收入：不能为负数。"))
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MONEY_PLACES:
        return amount, FieldError(field, "people.income_precision", _("月收入：最多精确到分（两位小数）。"))
    if amount >= Decimal(10) ** (MONEY_DIGITS - MONEY_PLACES):
        return amount, FieldError(field, "people.income_too_large", _("月收入：金额过大。"))
    return amount.quantize(Decimal(1).scaleb(-MONEY_PLACES)), None


def household_member_clean(
    data: Mapping[str, Any], *, today: date | None = None
) -> tuple[dict[str, Any], list[FieldError]]:
    """Check a household member's inputs (name, relation, optional ID number,
    monthly income) and return the values to store with every broken rule."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    values["name"], error = name_clean(data.get("name"))
    if error:
        errors.append(error)
    relation = data.get("relation") or ""
    if relation not in RELATION_VALUES:
        errors.append(
            FieldError(
                "relation",
                "people.relation_invalid",
                _("关系：“%(value)s”不是可选的家庭关系。") % {"value": relation},
            )
        )
    values["relation"] = relation
    id_number = data.get("id_number") or ""
    values["id_number"] = ""
    if str(id_number).strip():
        try:
            values["id_number"] = parse_id_number(id_number, today=today).number
        except ValidationError as exc:
            errors.append(_from_validation("id_number", exc))
    values["monthly_income"], error = money_clean(data.get("monthly_income"))
    if error:
        errors.append(error)
    return values, errors
