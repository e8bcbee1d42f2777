"""validate_id_number: every rule, its code and its message."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from casework.people.choices import Gender
from casework.people.idnumber import (
    birth_date_from_id,
    check_character,
    gender_from_id,
    parse_id_number,
    validate_id_number,
)
from tests.people.conftest import OLD_EXAMPLE, STANDARD_EXAMPLE, id_number, with_wrong_check


def rule_of(value: object) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(value)
    return str(caught.value.code), caught.value.messages[0]


def test_the_standards_example_is_valid() -> None:
    assert validate_id_number(STANDARD_EXAMPLE) == STANDARD_EXAMPLE
    assert birth_date_from_id(STANDARD_EXAMPLE) == date(1949, 12, 31)
    assert gender_from_id(STANDARD_EXAMPLE) == Gender.FEMALE  # 17th digit 2


def test_year_is_not_capped_at_1900() -> None:
    assert validate_id_number(OLD_EXAMPLE) == OLD_EXAMPLE
    assert birth_date_from_id(OLD_EXAMPLE) == date(1880, 1, 1)
    assert gender_from_id(OLD_EXAMPLE) == Gender.MALE


def test_number_without_x() -> None:
    number = id_number(seq=1)
    assert number[-1].isdigit()
    assert validate_id_number(number) == number


@pytest.mark.parametrize("raw", ["11010519491231002x", " 11010519491231002x ", "\t11010519491231002X\n"])
def test_lower_case_x_and_whitespace_are_accepted_and_normalised(raw: str) -> None:
    assert validate_id_number(raw) == "11010519491231002X"


def test_wrong_check_digit() -> None:
    code, message = rule_of(with_wrong_check(STANDARD_EXAMPLE))
    assert code == "id_number_check_digit"
    assert "校验码" in message and "身份证号" in message


@given(st.integers(min_value=0, max_value=999), st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)))
def test_every_generated_number_passes_and_every_other_last_character_fails(seq: int, born: date) -> None:
    number = id_number(born=born, seq=seq)
    assert validate_id_number(number) == number
    for other in "0123456789X":
        if other != number[-1]:
            with pytest.raises(ValidationError):
                validate_id_number(number[:-1] + other)


def test_check_character_matches_the_table() -> None:
    # Remainders 0..10 map to 1 0 X 9 8 7 6 5 4 3 2: the example's remainder is 2.
    assert check_character(STANDARD_EXAMPLE[:17]) == "X"


@pytest.mark.parametrize(
    ("digits", "why"),
    [
        ("19900230", "February 30"),
        ("19901301", "month 13"),
        ("19900001", "month 0"),
        ("19900100", "day 0"),
        ("19010229", "1901 is not a leap year"),
        ("00000101", "year 0"),
    ],
)
def test_impossible_birth_dates(digits: str, why: str) -> None:
    body = f"110105{digits}001"
    code, message = rule_of(body + "0")  # the date is checked before the check digit
    assert code == "id_number_birth_date", why
    assert digits in message and "出生日期" in message


def test_leap_day_is_a_real_date() -> None:
    assert birth_date_from_id(id_number(born=date(2000, 2, 29))) == date(2000, 2, 29)


def test_birth_date_in_the_future() -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    code, message = rule_of(id_number(born=tomorrow))
    assert code == "id_number_birth_date_future"
    assert "晚于今天" in message
    # Today itself is fine (a newborn's number).
    assert validate_id_number(id_number(born=timezone.localdate()))


def test_today_can_be_given() -> None:
    number = id_number(born=date(2030, 1, 1))
    assert parse_id_number(number, today=date(2030, 1, 1)).birth_date == date(2030, 1, 1)
    with pytest.raises(ValidationError):
        parse_id_number(number, today=date(2029, 12, 31))


def test_legacy_15_digit_number_names_the_18_digit_rule() -> None:
    code, message = rule_of("440524800101001")
    assert code == "id_number_legacy"
    assert "15位" in message and "18位" in message


@pytest.mark.parametrize("raw", ["1101051949123100", "1101051949123100211", "11010519491231002XX", "1"])
def test_wrong_length(raw: str) -> None:
    code, message = rule_of(raw)
    assert code == "id_number_length"
    assert "18位" in message and str(len(raw)) in message


@pytest.mark.parametrize(
    "raw",
    ["11010519491231002Y", "1101051949123100X2", "11010519491231-02X", "１１0105194912310021", "11010519491231 02X"],
)
def test_bad_characters(raw: str) -> None:
    code, message = rule_of(raw)
    assert code == "id_number_characters"
    assert "数字" in message


@pytest.mark.parametrize(
    "province", ["00", "10", "16", "20", "24", "30", "38", "47", "55", "60", "66", "72", "84", "99"]
)
def test_bad_region_prefix(province: str) -> None:
    code, message = rule_of(id_number(region=f"{province}0105"))
    assert code == "id_number_region"
    assert province in message and "GB/T 2260" in message


@pytest.mark.parametrize("province", ["11", "15", "23", "37", "46", "54", "65", "71", "81", "82", "83", "91"])
def test_valid_province_codes(province: str) -> None:
    assert validate_id_number(id_number(region=f"{province}0101"))


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_empty_is_required(empty: object) -> None:
    assert rule_of(empty)[0] == "id_number_required"


def test_gender_from_17th_digit() -> None:
    assert gender_from_id(id_number(seq=123)) == Gender.MALE
    assert gender_from_id(id_number(seq=124)) == Gender.FEMALE
    with pytest.raises(ValidationError):
        gender_from_id(with_wrong_check(id_number(seq=123)))
