"""The means test of domain.md §1, with the district's figures passed in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.hardship.choices import Category
from casework.hardship.means import means_test

STANDARD = Decimal("1000")  # a made-up 低保 standard, yuan per person per month


def household(income: str, expenses: str, members: int = 3):
    return means_test(
        members=members,
        income_total=Decimal(income),
        expenses_total=Decimal(expenses),
        standard=STANDARD,
        relative_multiple=Decimal("2"),
        accident_share=Decimal("0.8"),
    )


def test_the_per_capita_figure():
    # (43,200 − 7,200) / 12 / 3 = 1,000.00
    assert household("43200", "7200").per_capita_monthly == Decimal("1000.00")
    # Rounded half up to the fen: 10,000 / 12 / 7 = 119.047…
    assert household("10000", "0", members=7).per_capita_monthly == Decimal("119.05")


@pytest.mark.parametrize(
    ("income", "expenses", "deep", "relative"),
    [
        ("35999.64", "0", True, False),  # 999.99 a month: below the standard
        ("36000", "0", False, True),  # exactly the standard: not deep, relative
        ("71999.64", "0", False, True),  # 1,999.99: still below twice the standard
        ("72000", "0", False, False),  # twice the standard: neither
        ("72000", "36000.36", True, False),  # rigid expenses bring it below (999.99)
    ],
)
def test_deep_and_relative_thresholds(income, expenses, deep, relative):
    test = household(income, expenses)
    assert test.qualifies(Category.DEEP) is deep
    assert test.qualifies(Category.RELATIVE) is relative


def test_accident_compares_rigid_expenses_with_the_yearly_income():
    assert household("100000", "80000.01").qualifies(Category.ACCIDENT)
    assert not household("100000", "80000").qualifies(Category.ACCIDENT)


def test_each_refusal_names_the_rule_and_the_figures():
    refusal = household("72000", "0").refusal(Category.DEEP)
    assert refusal is not None
    assert (refusal.code, refusal.field) == ("hardship.means_test_failed", "category")
    assert "2000.00" in str(refusal.message) and "1000" in str(refusal.message)
    wrong_way = household("12000", "0").refusal(Category.RELATIVE)
    assert wrong_way is not None and "深度困难" in str(wrong_way.message)
    assert household("12000", "0").refusal(Category.DEEP) is None


@given(
    income=st.decimals(min_value=0, max_value=10**7, places=2),
    expenses=st.decimals(min_value=0, max_value=10**7, places=2),
    members=st.integers(min_value=1, max_value=12),
)
def test_categories_never_overlap(income, expenses, members):
    test = household(str(income), str(expenses), members)
    assert not (test.qualifies(Category.DEEP) and test.qualifies(Category.RELATIVE))
    assert abs(test.per_capita_monthly * 12 * members - (income - expenses)) <= Decimal("0.005") * 12 * members
