"""Entering district settings. One row and one ledger entry per value."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.district.catalogue import SETTINGS, Measure
from casework.district.models import DistrictSetting
from casework.errors import RuleViolation
from casework.ledger.services import ledger_append
from casework.org.models import Unit, UnitKind
from permissions.access import acting_as

WHOLE = (Measure.DAYS, Measure.WORKING_DAYS, Measure.MONTHS, Measure.COUNT, Measure.YEARS, Measure.HOUR)


def district_setting_enter(
    *, district: Unit, key: str, value: Decimal | int | str, effective_from: date, reason: str, by: User | None
) -> DistrictSetting:
    """Record that ``key`` is ``value`` in ``district`` from ``effective_from``
    on. ``by`` needs ``settings.manage`` on the district. Values are checked
    against the setting's measure and bounds (whole numbers for periods;
    money to the fen). Earlier values stay: they applied to earlier days."""
    spec = SETTINGS.get(key)
    if spec is None:
        raise RuleViolation(
            _("参数：未知的参数“%(key)s”。") % {"key": key}, code="district.unknown_setting", field="key"
        )
    if district.kind not in (UnitKind.DISTRICT, UnitKind.CITY):
        raise RuleViolation(
            _("区总工会：参数只能为区（市）总工会设置。"), code="district.not_a_district", field="district"
        )
    if isinstance(value, float):
        raise RuleViolation(_("数值：请以文字或整数给出，避免浮点误差。"), code="district.value_float", field="value")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise RuleViolation(_("数值：不是有效的数字。"), code="district.value_invalid", field="value")
    if spec.measure in WHOLE and number != number.to_integral_value():
        raise RuleViolation(_("数值：期限和次数必须是整数。"), code="district.value_not_whole", field="value")
    if spec.measure is Measure.YUAN and number != number.quantize(Decimal("0.01")):
        raise RuleViolation(_("数值：金额最多精确到分。"), code="district.value_fen", field="value")
    if number < spec.minimum or (spec.maximum is not None and number > spec.maximum):
        bounds = f"{spec.minimum}–{spec.maximum}" if spec.maximum is not None else f"≥ {spec.minimum}"
        raise RuleViolation(
            _("数值：“%(setting)s”的取值范围是%(bounds)s。") % {"setting": spec.label, "bounds": bounds},
            code="district.value_out_of_range",
            field="value",
        )
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("依据：必填，请写明文件或会议依据。"), code="reason_required", field="reason")
    acting = acting_as(by, "settings.manage", district)
    with transaction.atomic():
        row = DistrictSetting.objects.create(
            district=district, key=key, value=number, effective_from=effective_from, reason=reason, entered_by=by
        )
        ledger_append(
            action="district_setting.entered",
            subject=row,
            subject_unit=district,
            reason=reason,
            payload={"key": key, "value": number, "effective_from": effective_from},
            **acting,
        )
    return row


def district_settings_enter_missing(
    *, district: Unit, values: Mapping[str, str], effective_from: date, reason: str, by: User | None
) -> int:
    """Enter each of ``values`` that ``district`` has no value of yet (the
    demo's seed, run again: nothing twice); returns how many were entered."""
    entered = 0
    for key, value in values.items():
        if not DistrictSetting.objects.filter(district=district, key=key).exists():
            district_setting_enter(
                district=district, key=key, value=value, effective_from=effective_from, reason=reason, by=by
            )
            entered += 1
    return entered
