"""Writes of assistance: budget lines, allocations passed down, payments.

Every amount is checked against the line's balance under a row lock on the
line, so two requests cannot both spend its last yuan; each change is one
ledger entry (payments on the case's trail, funds on the line's).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.cases import data as d
from casework.cases.services import case_lock, case_subject
from casework.district.catalogue import ASSISTANCE_TYPES
from casework.district.selectors import setting_value
from casework.errors import RuleViolation
from casework.hardship.assistance import Allocation, AssistancePayment, BudgetLine, PaymentState
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.hardship.transitions import STREET_STAFF
from casework.ledger.services import ledger_append
from casework.org.models import Membership, Unit, unit_path_ancestors
from notifications.services import outbox_queue
from permissions.access import acting_as
from permissions.roles import FINANCE_OFFICER

PAYABLE_STATES = (State.FILED, State.ANNUAL_REVIEW)


def positive_amount(value: Any, field: str = "amount") -> Decimal:
    amount = d.money({field: value}, field, _l("金额"))
    assert amount is not None
    if amount <= 0:
        raise RuleViolation(_("金额：必须大于0。"), code="payment.amount_not_positive", field=field)
    return amount


def known_assistance_type(value: str) -> str:
    return d.choice({"assistance_type": value}, "assistance_type", _l("帮扶类型"), dict(ASSISTANCE_TYPES))


def _locked_balance(line: BudgetLine) -> tuple[BudgetLine, Decimal]:
    locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
    return locked, locked.balance()


def budget_line_create(
    *, unit: Unit, year: int, assistance_type: str, name: str, appropriated: Any, by: User
) -> BudgetLine:
    """Open a budget line for ``unit``'s ``year`` (a finance officer of it or above)."""
    assistance_type = known_assistance_type(assistance_type)
    name = d.text({"name": name}, "name", _l("名称"), max_length=100)
    amount = d.money({"appropriated": appropriated}, "appropriated", _l("年初预算"))
    assert amount is not None  # required
    acting = acting_as(by, "budget.manage", unit)
    if BudgetLine.objects.filter(unit=unit, year=year, assistance_type=assistance_type, name=name).exists():
        raise RuleViolation(_("名称：该单位本年度已有同名预算。"), code="budget.line_exists", field="name")
    with transaction.atomic():
        line = BudgetLine.objects.create(
            unit=unit, year=year, assistance_type=assistance_type, name=name, appropriated=amount
        )
        ledger_append(
            action="budget.line_created",
            subject=line,
            subject_unit=unit,
            payload={"year": year, "assistance_type": assistance_type, "name": name, "appropriated": amount},
            **acting,
        )
    return line


def allocation_make(*, from_line: BudgetLine, to_line: BudgetLine, amount: Any, reason: str, by: User) -> Allocation:
    """Pass funds down from a line to a line of a unit directly under it, same
    year and type. The giving line may not go below zero."""
    amount = positive_amount(amount)
    reason = d.text({"reason": reason}, "reason", _l("依据"))
    if to_line.unit.parent_id != from_line.unit_id:
        raise RuleViolation(
            _("接收预算：只能下拨给直属下级单位的预算。"), code="budget.not_a_child_unit", field="to_line"
        )
    if (to_line.year, to_line.assistance_type) != (from_line.year, from_line.assistance_type):
        raise RuleViolation(
            _("接收预算：年度和帮扶类型必须与下拨预算一致。"), code="budget.line_mismatch", field="to_line"
        )
    acting = acting_as(by, "budget.manage", from_line)
    with transaction.atomic():
        locked, balance = _locked_balance(from_line)
        if amount > balance:
            raise RuleViolation(
                _("金额：超过可用余额%(balance)s元。") % {"balance": balance},
                code="budget.insufficient",
                field="amount",
            )
        allocation = Allocation.objects.create(
            from_line=locked, to_line=to_line, amount=amount, reason=reason, allocated_by=by
        )
        ledger_append(
            action="budget.allocated",
            subject=locked,
            subject_unit=locked.unit,
            reason=reason,
            payload={"to_line": to_line.pk, "to_unit": to_line.unit.code, "amount": amount},
            **acting,
        )
    return allocation


def _used_this_year(case: HardshipCase, assistance_type: str, year: int) -> Decimal:
    used = AssistancePayment.objects.filter(
        case__person=case.person,
        assistance_type=assistance_type,
        state__in=[PaymentState.REQUESTED, PaymentState.APPROVED],
        requested_at__year=year,
    ).aggregate(s=Sum("amount"))["s"]
    return used or Decimal("0")


def _check_ceiling(case: HardshipCase, assistance_type: str, amount: Decimal, today: date) -> None:
    ceiling = setting_value(case.unit, f"hardship.ceiling.{assistance_type}", on=today)
    used = _used_this_year(case, assistance_type, today.year)
    if used + amount > ceiling:
        raise RuleViolation(
            _("金额：本年度该类帮扶已申请或发放%(used)s元，加上本次%(amount)s元将超过每人每年上限%(ceiling)s元。")
            % {"used": used, "amount": amount, "ceiling": ceiling},
            code="payment.over_ceiling",
            field="amount",
        )


def check_line_fits(line: BudgetLine, assistance_type: str, today: date) -> None:
    """The budget line is of this year and of the payment's type."""
    if (line.year, line.assistance_type) != (today.year, assistance_type):
        raise RuleViolation(
            _("资金来源：预算的年度和帮扶类型必须与本次发放一致。"),
            code="payment.line_mismatch",
            field="budget_line",
        )


def check_payable(
    case: HardshipCase,
    line: BudgetLine,
    assistance_type: str,
    amount: Decimal,
    today: date,
) -> None:
    """The rules of one payment to one record, alone or on a campaign list:
    the record is filed, the line's unit is the record's street or district,
    and the year's ceiling for the type holds. The caller holds the case lock."""
    if case.state not in PAYABLE_STATES:
        raise RuleViolation(
            _("档案：只能向已建档的困难职工发放帮扶（当前：%(state)s）。") % {"state": State(case.state).label},
            code="payment.record_not_filed",
            field="case",
        )
    if not case.unit_path.startswith(line.unit.path):
        raise RuleViolation(
            _("资金来源：只能使用本档案所属街道或区的预算。"), code="payment.line_out_of_reach", field="budget_line"
        )
    _check_ceiling(case, assistance_type, amount, today)


def check_balance(line: BudgetLine, amount: Decimal) -> BudgetLine:
    """Lock the line and check it covers ``amount``; return it locked."""
    locked, balance = _locked_balance(line)
    if amount > balance:
        raise RuleViolation(
            _("金额：超过预算可用余额%(balance)s元。") % {"balance": balance},
            code="payment.insufficient_funds",
            field="amount",
        )
    return locked


def payment_request(
    *,
    case: HardshipCase,
    assistance_type: str,
    amount: Any,
    budget_line: BudgetLine | None,
    by: User,
    note: str = "",
    today: date | None = None,
) -> AssistancePayment:
    """A street caseworker asks for a payment to a filed record, from a line
    of a unit the record belongs to. Refused outside the filed state, above
    the year's ceiling for the type, or beyond the line's balance."""
    today = today or timezone.localdate()
    with transaction.atomic():
        case = case_lock(case)
        acting = acting_as(by, "case.prepare", case, roles=STREET_STAFF)
        assistance_type = known_assistance_type(assistance_type)
        amount = positive_amount(amount)
        if budget_line is None:
            raise RuleViolation(_("资金来源：请选择预算。"), code="field_required", field="budget_line")
        check_line_fits(budget_line, assistance_type, today)
        check_payable(case, budget_line, assistance_type, amount, today)
        line = check_balance(budget_line, amount)
        payment = AssistancePayment.objects.create(
            case=case, assistance_type=assistance_type, amount=amount, budget_line=line, requested_by=by, note=note
        )
        ledger_append(
            action="hardship.payment_requested",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            payload={"payment": payment.pk, "assistance_type": assistance_type, "amount": amount, "line": line.pk},
            **acting,
        )
        outbox_queue(
            event="hardship.payment_requested",
            subject=case_subject(case),
            recipients=payment_deciders(line),
            payload={"payment": payment.pk, "amount": amount},
        )
    return payment


def payment_deciders(line: BudgetLine) -> list[User]:
    """The finance officers who may decide payments from ``line``: at its
    unit or above (their role reaches down)."""
    paths = unit_path_ancestors(line.unit.path)
    memberships = Membership.objects.current().filter(role=FINANCE_OFFICER, unit__path__in=paths)
    return [m.user for m in memberships.select_related("user")]


def payment_decide(
    *, payment: AssistancePayment, approve: bool, by: User, reason: str = "", paid_on: date | None = None
) -> AssistancePayment:
    """A finance officer, never the requester, approves (with the paid date)
    or refuses (with a reason) a requested payment."""
    with transaction.atomic():
        case = case_lock(payment.case)
        fresh = AssistancePayment.objects.select_for_update().select_related("case", "budget_line").get(pk=payment.pk)
        acting = acting_as(by, "payment.decide", fresh)
        if fresh.batch_id is not None:
            raise RuleViolation(
                _("发放：该笔属于批量发放清单，须随清单一并审核。"), code="payment.in_batch", field="payment"
            )
        if fresh.state != PaymentState.REQUESTED:
            raise RuleViolation(_("发放：该申请已审核。"), code="payment.already_decided", field="payment")
        if not approve and not reason.strip():
            raise RuleViolation(_("理由：不批准时必须说明理由。"), code="reason_required", field="reason")
        if approve and case.state not in PAYABLE_STATES:
            raise RuleViolation(
                _("档案：该档案已不在建档状态，不能发放。"), code="payment.record_not_filed", field="case"
            )
        fresh.state = PaymentState.APPROVED if approve else PaymentState.REFUSED
        fresh.decided_by, fresh.decided_at = by, timezone.now()
        fresh.paid_on = (paid_on or timezone.localdate()) if approve else None
        fresh.save(update_fields=["state", "decided_by", "decided_at", "paid_on"])
        ledger_append(
            action="hardship.payment_approved" if approve else "hardship.payment_refused",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            reason=reason,
            payload={"payment": fresh.pk, "amount": fresh.amount, "paid_on": fresh.paid_on},
            **acting,
        )
        outbox_queue(
            event="hardship.payment_approved" if approve else "hardship.payment_refused",
            subject=case_subject(case),
            recipients=[fresh.requested_by],
            payload={"payment": fresh.pk, "amount": fresh.amount},
        )
    return fresh
