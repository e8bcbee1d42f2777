"""Masking, the mobile validator and pinyin initials."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from casework.people.idnumber import mask_id_number, mask_phone, validate_mobile
from casework.people.names import name_initials
from tests.people.conftest import STANDARD_EXAMPLE


def test_id_number_mask_keeps_region_and_last_four() -> None:
    assert mask_id_number(STANDARD_EXAMPLE) == "110105********002X"
    assert mask_id_number("110105194912311234") == "110105********1234"


def test_id_number_mask_hides_the_birth_date() -> None:
    masked = mask_id_number("440524188001010014")
    assert "18800101" not in masked and "1880" not in masked


@pytest.mark.parametrize(("raw", "masked"), [("", ""), ("123", "***"), ("12345678", "****5678")])
def test_short_values_keep_at_most_the_last_four(raw: str, masked: str) -> None:
    assert mask_id_number(raw) == masked


def test_phone_mask() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone("12345") == "*****"


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("8619912345678", "19912345678"),
        (13812345678, "13812345678"),
    ],
)
def test_mobile_accepted_and_normalised(raw: object, number: str) -> None:
    assert validate_mobile(raw) == number


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "1381234567a", "", "01012345678"])
def test_mobile_rejected(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_mobile(raw)
    assert caught.value.code == "mobile_format"
    assert "手机号" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("张三", "zs"),
        ("欧阳娜娜", "oynn"),
        ("曾国藩", "zgf"),  # 曾 read as a surname, not as 曾经
        ("单雄信", "sxx"),
        ("阿卜杜拉·买买提", "abdlmmt"),
        ("John Smith", "js"),
        (" 李 四 ", "ls"),
    ],
)
def test_name_initials(name: str, initials: str) -> None:
    assert name_initials(name) == initials
