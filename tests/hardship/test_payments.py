"""Assistance payments and their funds: every rule, and nothing changes when one says no."""

from __future__ import annotations

import pytest
from django.utils import timezone

from casework.errors import NotAllowed, RuleViolation
from casework.hardship.assistance import AssistancePayment, BudgetLine, PaymentState
from casework.hardship.payments import allocation_make, payment_decide, payment_request
from casework.ledger.models import LedgerEntry
from casework.org.models import Membership
from casework.people.models import Person
from casework.people.synthetic import SyntheticPeople
from notifications.models import OutboxMessage
from tests.hardship.test_flow import walk_to_street_review
from tests.hardship.test_paths import filed


def state():
    return (
        list(AssistancePayment.objects.order_by("pk").values_list("pk", "state", "amount")),
        LedgerEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_request_and_approval_move_the_money_and_the_trail(world, staff, money):
    case = filed(world, staff)
    payment = payment_request(
        case=case, assistance_type="living", amount="1500", budget_line=money["street"], by=staff["caseworker"]
    )
    assert money["street"].balance() == 2500  # 4,000 passed down, 1,500 promised
    assert money["district"].balance() == 6000
    payment_decide(payment=payment, approve=True, by=money["finance"])
    payment.refresh_from_db()
    assert payment.state == PaymentState.APPROVED and payment.paid_on is not None
    actions = list(LedgerEntry.objects.filter(subject_id=str(case.pk)).values_list("action", "actor_role"))[-2:]
    assert actions == [
        ("hardship.payment_requested", "street_caseworker"),
        ("hardship.payment_approved", "finance_officer"),
    ]


def test_over_the_years_ceiling(world, staff, money):
    case = filed(world, staff)
    payment_request(
        case=case, assistance_type="living", amount="2000", budget_line=money["street"], by=staff["caseworker"]
    )
    before = state()
    with pytest.raises(RuleViolation) as error:
        payment_request(
            case=case, assistance_type="living", amount="1000.01", budget_line=money["street"], by=staff["caseworker"]
        )
    assert (error.value.code, error.value.field) == ("payment.over_ceiling", "amount")
    assert "3000" in str(error.value.message)
    assert state() == before


def test_to_a_record_that_is_not_filed(world, staff, money):
    case = walk_to_street_review(world, staff)
    before = state()
    with pytest.raises(RuleViolation) as error:
        payment_request(
            case=case, assistance_type="living", amount="100", budget_line=money["street"], by=staff["caseworker"]
        )
    assert error.value.code == "payment.record_not_filed"
    assert state() == before


def test_the_requester_never_approves_their_own_payment(world, staff, money):
    case = filed(world, staff)
    Membership.objects.create(user=staff["caseworker"], unit=world.units["S1"], role="finance_officer")
    payment = payment_request(
        case=case, assistance_type="living", amount="100", budget_line=money["street"], by=staff["caseworker"]
    )
    before = state()
    with pytest.raises(NotAllowed) as error:
        payment_decide(payment=payment, approve=True, by=staff["caseworker"])
    assert error.value.code == "four_eyes.own_preparation"
    assert state() == before


def test_a_line_never_goes_below_zero(world, staff, money):
    first = filed(world, staff)
    p = SyntheticPeople(3).person(today=timezone.localdate())
    worker = Person.objects.create(
        name=p.name, id_number=p.id_number, gender="male", birth_date=p.birth_date, employer=world.units["E1"]
    )
    second = filed(world, staff, worker=worker)
    payment_request(
        case=first, assistance_type="living", amount="3000", budget_line=money["street"], by=staff["caseworker"]
    )
    before = state()
    with pytest.raises(RuleViolation) as error:  # 1,000 left on the street's line
        payment_request(
            case=second, assistance_type="living", amount="1000.01", budget_line=money["street"], by=staff["caseworker"]
        )
    assert (error.value.code, error.value.field) == ("payment.insufficient_funds", "amount")
    with pytest.raises(RuleViolation) as error:  # 6,000 left at the district
        allocation_make(
            from_line=money["district"], to_line=money["street"], amount="6000.01", reason="追加", by=money["finance"]
        )
    assert (error.value.code, error.value.field) == ("budget.insufficient", "amount")
    with pytest.raises(RuleViolation) as error:
        allocation_make(from_line=money["street"], to_line=money["street"], amount="1", reason="x", by=money["finance"])
    assert error.value.code == "budget.not_a_child_unit"
    assert state() == before


def test_a_line_of_another_street_is_out_of_reach(world, staff, money):
    case = filed(world, staff)
    neighbour_line = BudgetLine.objects.create(
        unit=world.units["S2"], year=money["year"], assistance_type="living", name="x", appropriated=5000
    )
    before = state()
    with pytest.raises(RuleViolation) as error:
        payment_request(
            case=case, assistance_type="living", amount="100", budget_line=neighbour_line, by=staff["caseworker"]
        )
    assert error.value.code == "payment.line_out_of_reach"
    assert state() == before


def test_a_refusal_needs_a_reason(world, staff, money):
    case = filed(world, staff)
    payment = payment_request(
        case=case, assistance_type="living", amount="100", budget_line=money["street"], by=staff["caseworker"]
    )
    before = state()
    with pytest.raises(RuleViolation) as error:
        payment_decide(payment=payment, approve=False, by=money["finance"])
    assert error.value.code == "reason_required"
    assert state() == before
    payment_decide(payment=payment, approve=False, reason="同类救助已由民政发放", by=money["finance"])
    assert money["street"].balance() == 4000  # a refused request gives its money back
