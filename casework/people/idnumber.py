"""Resident ID numbers (GB 11643-1999), mainland mobile numbers, and masking.

Pure functions: no database, no app registry, so the importer can validate a
hundred thousand rows quickly and forms, services and admin share one rule.

An ID number has 18 characters: a 6-digit region code (GB/T 2260; only the
province-level first two digits are checked here, a full region table goes
stale as counties merge), the birth date ``YYYYMMDD``, a 3-digit sequence
(odd for men, even for women) and a check character computed with ISO 7064
MOD 11-2. The standard's own example is ``11010519491231002X``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.people.choices import Gender

ID_NUMBER_LENGTH = 18
LEGACY_ID_NUMBER_LENGTH = 15

# GB/T 2260 province-level codes, plus 81/82/83 (residence permits of Hong
# Kong, Macao and Taiwan residents, which use the same format) and 91
# (permanent residence cards of foreigners issued since 2023).
PROVINCE_CODES: frozenset[str] = frozenset(
    {
        *("11", "12", "13", "14", "15"),
        *("21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        *("71", "81", "82", "83", "91"),
    }
)

CHECK_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum modulo 11

_SHAPE = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_LEGACY_SHAPE = re.compile(r"[0-9]{15}", re.ASCII)
_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_MOBILE_SEPARATORS = re.compile(r"[\s\-]")


@dataclass(frozen=True, slots=True)
class IdNumberInfo:
    """A validated ID number and what it says about its holder."""

    number: str
    birth_date: date
    gender: str  # a Gender value


def check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def parse_id_number(value: object, *, today: date | None = None) -> IdNumberInfo:
    """Validate ``value`` and return the normalised number with its birth date
    and gender. Raises ``ValidationError`` whose ``code`` names the rule:
    ``id_number_required``, ``id_number_legacy``, ``id_number_length``,
    ``id_number_characters``, ``id_number_region``, ``id_number_birth_date``,
    ``id_number_birth_date_future``, ``id_number_check_digit``.

    Surrounding whitespace is ignored and a lower-case ``x`` is accepted; the
    number returned is upper-case. ``today`` (default: today in the project's
    time zone) bounds the birth date.
    """
    number = (value if isinstance(value, str) else "" if value is None else str(value)).strip().upper()
    if not number:
        raise ValidationError(_("身份证号：必填。"), code="id_number_required")
    if len(number) == LEGACY_ID_NUMBER_LENGTH and _LEGACY_SHAPE.fullmatch(number):
        raise ValidationError(
            _("身份证号：不接受15位旧号码，请填写18位公民身份号码（GB 11643）。"),
            code="id_number_legacy",
        )
    if len(number) != ID_NUMBER_LENGTH:
        raise ValidationError(
            _("身份证号：应为18位，实际为%(length)d位。"),
            code="id_number_length",
            params={"length": len(number)},
        )
    if not _SHAPE.fullmatch(number):
        raise ValidationError(
            _("身份证号：只能由数字组成，最后一位可以是数字或X。"),
            code="id_number_characters",
        )
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("身份证号：前6位地址码的前两位“%(province)s”不是有效的省级行政区划代码（GB/T 2260）。"),
            code="id_number_region",
            params={"province": number[:2]},
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号：第7至14位出生日期“%(digits)s”不是有效日期。"),
            code="id_number_birth_date",
            params={"digits": number[6:14]},
        ) from None
    if birth > (today or timezone.localdate()):
        raise ValidationError(
            _("身份证号：第7至14位出生日期“%(digits)s”晚于今天。"),
            code="id_number_birth_date_future",
            params={"digits": number[6:14]},
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("身份证号：第18位校验码不符（GB 11643 校验规则），请核对号码。"),
            code="id_number_check_digit",
        )
    gender = Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE
    return IdNumberInfo(number=number, birth_date=birth, gender=gender.value)


def validate_id_number(value: object, *, today: date | None = None) -> str:
    """Validate an 18-character resident ID number and return it normalised
    (stripped, ``X`` upper-case). Raises ``ValidationError`` naming the rule
    (see ``parse_id_number`` for the codes). Usable as a form validator."""
    return parse_id_number(value, today=today).number


def birth_date_from_id(value: object) -> date:
    """The birth date in digits 7–14 of a valid ID number."""
    return parse_id_number(value).birth_date


def gender_from_id(value: object) -> str:
    """``Gender.MALE`` when the 17th digit is odd, else ``Gender.FEMALE``."""
    return parse_id_number(value).gender


def validate_mobile(value: object) -> str:
    """Validate a mainland mobile number and return its 11 digits.

    Spaces and hyphens inside are ignored, as is a leading ``+86`` / ``86``;
    the number must then be 11 digits starting with 13–19. Raises
    ``ValidationError`` with code ``mobile_format``.
    """
    raw = "" if value is None else str(value)
    number = _MOBILE_SEPARATORS.sub("", raw)
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("86") and len(number) == 13:
        number = number[2:]
    if not _MOBILE.fullmatch(number):
        raise ValidationError(
            _("手机号：应为11位中国大陆手机号码，以13至19开头。"),
            code="mobile_format",
        )
    return number


def mask_id_number(value: str) -> str:
    """``110105********123X``: the region code and the last four characters
    stay, the birth date and the rest are hidden. Shorter, invalid values keep
    at most their last four characters."""
    value = (value or "").strip()
    if len(value) >= 14:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) > 4:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)


def mask_phone(value: str) -> str:
    """``138****5678``: the first three and last four digits stay."""
    value = (value or "").strip()
    if len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)
