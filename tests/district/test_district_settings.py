"""District settings: values with effective dates, entered by the district's
administrators, read back as they applied on a day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from casework.district.catalogue import SETTINGS
from casework.district.models import DistrictSetting
from casework.district.selectors import district_of, setting_value
from casework.district.services import district_setting_enter
from casework.errors import NotAllowed, RuleViolation
from casework.ledger.models import LedgerEntry

STANDARD = "hardship.minimum_living_standard"


@pytest.fixture
def admin(world, user_with):
    return user_with("administrator", world.units["D1"])


def state():
    return list(DistrictSetting.objects.order_by("pk").values_list("pk", "value")), LedgerEntry.objects.count()


def test_the_value_on_a_day_is_the_latest_effective_one(world, admin):
    d1 = world.units["D1"]
    district_setting_enter(
        district=d1, key=STANDARD, value="1120", effective_from=date(2026, 1, 1), reason="2026年低保标准", by=admin
    )
    district_setting_enter(
        district=d1, key=STANDARD, value="1150.50", effective_from=date(2026, 7, 1), reason="年中调整", by=admin
    )
    e1 = world.units["E1"]  # an enterprise reads its district's values
    assert setting_value(e1, STANDARD, on=date(2026, 6, 30)) == Decimal("1120")
    assert setting_value(e1, STANDARD, on=date(2026, 7, 1)) == Decimal("1150.50")
    with pytest.raises(RuleViolation) as error:
        setting_value(e1, STANDARD, on=date(2025, 12, 31))
    assert error.value.code == "district.setting_missing" and error.value.field == STANDARD
    assert "一区总工会" in str(error.value.message)
    # The neighbouring district has its own values.
    with pytest.raises(RuleViolation):
        setting_value(world.units["S3"], STANDARD, on=date(2026, 7, 1))
    entry = LedgerEntry.objects.latest("seq")
    assert (entry.action, entry.actor, entry.actor_role, entry.reason) == (
        "district_setting.entered",
        admin,
        "administrator",
        "年中调整",
    )
    assert entry.payload == {"key": STANDARD, "value": "1150.50", "effective_from": "2026-07-01"}


def test_a_correction_on_the_same_day_wins_and_the_first_value_stays_on_record(world, admin):
    d1 = world.units["D1"]
    district_setting_enter(
        district=d1, key=STANDARD, value="1120", effective_from=date(2026, 1, 1), reason="录入", by=admin
    )
    district_setting_enter(
        district=d1, key=STANDARD, value="1102", effective_from=date(2026, 1, 1), reason="更正笔误", by=admin
    )
    assert setting_value(d1, STANDARD, on=date(2026, 3, 1)) == Decimal("1102")
    assert DistrictSetting.objects.filter(district=d1, key=STANDARD).count() == 2


def test_district_of(world):
    assert district_of(world.units["E2"]) == world.units["D1"]
    assert district_of(world.units["D2"]) == world.units["D2"]


@pytest.mark.parametrize(
    ("key", "value", "code", "field"),
    [
        ("hardship.nonsense", "1", "district.unknown_setting", "key"),
        (STANDARD, 1120.0, "district.value_float", "value"),
        (STANDARD, "abc", "district.value_invalid", "value"),
        (STANDARD, "1120.005", "district.value_fen", "value"),
        (STANDARD, "0", "district.value_out_of_range", "value"),
        ("hardship.notice_working_days", "4.5", "district.value_not_whole", "value"),
        ("hardship.relative_multiple", "6", "district.value_out_of_range", "value"),
    ],
)
def test_bad_values_change_nothing(world, admin, key, value, code, field):
    before = state()
    with pytest.raises(RuleViolation) as error:
        district_setting_enter(
            district=world.units["D1"], key=key, value=value, effective_from=date(2026, 1, 1), reason="依据", by=admin
        )
    assert (error.value.code, error.value.field) == (code, field)
    assert state() == before


def test_reason_and_district_are_required(world, admin):
    before = state()
    with pytest.raises(RuleViolation) as error:
        district_setting_enter(
            district=world.units["D1"], key=STANDARD, value="1", effective_from=date(2026, 1, 1), reason=" ", by=admin
        )
    assert error.value.code == "reason_required"
    with pytest.raises(RuleViolation) as error:
        district_setting_enter(
            district=world.units["S1"], key=STANDARD, value="1", effective_from=date(2026, 1, 1), reason="x", by=admin
        )
    assert error.value.code == "district.not_a_district"
    assert state() == before


@pytest.mark.parametrize(
    ("role", "unit"), [("administrator", "S1"), ("auditor", "D1"), ("district_approver", "D1"), ("administrator", "D2")]
)
def test_only_the_districts_administrators_enter_values(world, user_with, role, unit):
    user = user_with(role, world.units[unit])
    before = state()
    with pytest.raises(NotAllowed):
        district_setting_enter(
            district=world.units["D1"], key=STANDARD, value="1", effective_from=date(2026, 1, 1), reason="x", by=user
        )
    assert state() == before


def test_every_setting_has_a_label_and_a_source():
    for spec in SETTINGS.values():
        assert str(spec.label) and spec.source
