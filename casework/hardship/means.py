"""The means test of domain.md §1, as a pure function.

per-capita monthly figure = (income − rigid expenses over the last 12 months)
/ 12 / household members, rounded half up to the fen.

- deep (深度困难): below the minimum-living standard;
- relative (相对困难): at or above the standard, below ``multiple`` × standard;
- accident (意外致困): rigid expenses above ``accident_share`` × the
  household's income over the same months (costs still borne after
  compensation and insurance).

The thresholds are district settings, passed in; nothing here is a constant
of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from casework.errors import RuleViolation
from casework.hardship.choices import Category

FEN = Decimal("0.01")


@dataclass(frozen=True)
class MeansTest:
    per_capita_monthly: Decimal
    income_total: Decimal
    expenses_total: Decimal
    members: int
    standard: Decimal
    relative_limit: Decimal
    accident_limit: Decimal  # the expenses an accident case must exceed

    def qualifies(self, category: str) -> bool:
        if category == Category.DEEP:
            return self.per_capita_monthly < self.standard
        if category == Category.RELATIVE:
            return self.standard <= self.per_capita_monthly < self.relative_limit
        if category == Category.ACCIDENT:
            return self.expenses_total > self.accident_limit
        raise ValueError(category)

    def refusal(self, category: str) -> RuleViolation | None:
        """The rule the category fails, in the user's words, or None."""
        if self.qualifies(category):
            return None
        figures = {
            "pc": self.per_capita_monthly,
            "standard": self.standard,
            "limit": self.relative_limit,
            "expenses": self.expenses_total,
            "accident_limit": self.accident_limit,
        }
        if category == Category.DEEP:
            message = _("困难类别：家庭人均月收入%(pc)s元不低于低保标准%(standard)s元，不符合深度困难条件。")
        elif category == Category.RELATIVE and self.per_capita_monthly < self.standard:
            message = _("困难类别：家庭人均月收入%(pc)s元低于低保标准%(standard)s元，应按深度困难申请。")
        elif category == Category.RELATIVE:
            message = _("困难类别：家庭人均月收入%(pc)s元不低于相对困难标准%(limit)s元，不符合相对困难条件。")
        else:
            message = _(
                "困难类别：12个月刚性支出%(expenses)s元未超过家庭年收入的规定比例（%(accident_limit)s元），不符合意外致困条件。"
            )
        return RuleViolation(message % figures, code="hardship.means_test_failed", field="category")


def means_test(
    *,
    members: int,
    income_total: Decimal,
    expenses_total: Decimal,
    standard: Decimal,
    relative_multiple: Decimal,
    accident_share: Decimal,
) -> MeansTest:
    if members < 1:
        raise ValueError("a household has at least the worker")
    per_capita = ((income_total - expenses_total) / 12 / members).quantize(FEN, rounding=ROUND_HALF_UP)
    return MeansTest(
        per_capita_monthly=per_capita,
        income_total=income_total,
        expenses_total=expenses_total,
        members=members,
        standard=standard.quantize(FEN, rounding=ROUND_HALF_UP),
        relative_limit=(standard * relative_multiple).quantize(FEN, rounding=ROUND_HALF_UP),
        accident_limit=(income_total * accident_share).quantize(FEN, rounding=ROUND_HALF_UP),
    )
