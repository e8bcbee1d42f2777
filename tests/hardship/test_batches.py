"""Campaign payment lists: every line checked by the single payment's rules,
the list refused whole with the bad lines named, decided once, exported."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from casework.errors import LineErrors, NotAllowed, RuleViolation
from casework.hardship.assistance import AssistancePayment, BudgetLine, PaymentBatch, PaymentState
from casework.hardship.batches import BatchLine, payment_batch_decide, payment_batch_request
from casework.hardship.exports import batch_workbook
from casework.hardship.payments import payment_decide
from casework.ledger.models import LedgerEntry
from casework.org.models import Membership
from notifications.models import OutboxMessage
from tests.hardship.conftest import past_notice
from tests.hardship.test_flow import step


def state():
    return (
        list(PaymentBatch.objects.order_by("pk").values_list("pk", "state")),
        list(AssistancePayment.objects.order_by("pk").values_list("pk", "state", "amount")),
        LedgerEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def request(money, staff, lines, campaign="2026年送温暖"):
    return payment_batch_request(campaign=campaign, budget_line=money["street"], lines=lines, by=staff["caseworker"])


def test_a_valid_list_is_requested_and_approved_once(world, staff, money, records):
    ledger, outbox = LedgerEntry.objects.count(), OutboxMessage.objects.count()
    batch = request(money, staff, [BatchLine(c.pk, "500", "节日慰问") for c in records])
    assert batch.state == PaymentState.REQUESTED
    assert [p.amount for p in batch.lines.order_by("pk")] == [500, 500, 500]
    assert money["street"].balance() == 2500
    # One entry on each record's trail, one for the list; one message to finance.
    assert LedgerEntry.objects.count() == ledger + 4
    assert list(OutboxMessage.objects.filter(pk__gt=0).values_list("event", flat=True))[outbox:] == [
        "hardship.batch_requested"
    ]
    payment_batch_decide(batch=batch, approve=True, by=money["finance"])
    batch.refresh_from_db()
    assert batch.state == PaymentState.APPROVED and batch.paid_on == timezone.localdate()
    assert set(batch.lines.values_list("state", flat=True)) == {PaymentState.APPROVED}
    for case in records:
        actions = list(
            LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
            .order_by("seq")
            .values_list("action", "payload__batch")
        )
        assert actions[-2:] == [("hardship.payment_requested", batch.pk), ("hardship.payment_approved", batch.pk)]
    assert list(
        LedgerEntry.objects.filter(subject_type="hardship.paymentbatch", subject_id=str(batch.pk))
        .order_by("seq")
        .values_list("action", "actor_role")
    ) == [("hardship.batch_requested", "street_caseworker"), ("hardship.batch_approved", "finance_officer")]


def test_bad_lines_refuse_the_whole_list_and_each_is_named(world, staff, money, records):
    before = state()
    with pytest.raises(LineErrors) as error:
        request(
            money,
            staff,
            [
                BatchLine(records[0].pk, "2000"),
                BatchLine(records[0].pk, "100"),  # twice
                BatchLine(records[1].pk, "0"),  # not positive
                BatchLine("abc", "100"),  # not an id
                BatchLine(999999, "100"),  # no such record
                BatchLine(records[2].pk, "3000.01"),  # over the year's ceiling of 3,000
            ],
        )
    assert error.value.field == "lines"
    assert [(e["line"], e["code"], e["field"]) for e in error.value.lines] == [
        (2, "batch.record_repeated", "case"),
        (3, "payment.amount_not_positive", "amount"),
        (4, "payment.record_unknown", "case"),
        (5, "payment.record_unknown", "case"),
        (6, "payment.over_ceiling", "amount"),
    ]
    assert "第2、3、4、5、6行" in str(error.value.message)
    assert state() == before


def test_the_ceiling_counts_the_workers_earlier_payments(world, staff, money, records):
    request(money, staff, [BatchLine(records[0].pk, "2500")], campaign="春节")
    before = state()
    with pytest.raises(LineErrors) as error:
        request(money, staff, [BatchLine(records[1].pk, "100"), BatchLine(records[0].pk, "600")], campaign="端午")
    assert [(e["line"], e["code"]) for e in error.value.lines] == [(2, "payment.over_ceiling")]
    assert "2500" in error.value.lines[0]["message"]
    assert state() == before


def test_a_record_not_filed_cannot_be_on_a_list(world, staff, money, records):
    step(records[1], "propose_exit", staff["caseworker"], exit_reason="death", reason="本人已去世", **past_notice())
    before = state()
    with pytest.raises(LineErrors) as error:
        request(money, staff, [BatchLine(records[0].pk, "100"), BatchLine(records[1].pk, "100")])
    assert [(e["line"], e["code"]) for e in error.value.lines] == [(2, "payment.record_not_filed")]
    assert state() == before


def test_a_neighbouring_streets_record_is_unknown(world, staff, money, records, user_with):
    outsider = user_with("street_caseworker", world.units["S2"])
    line = BudgetLine.objects.create(
        unit=world.units["S2"], year=money["year"], assistance_type="living", name="送温暖", appropriated=5000
    )
    before = state()
    with pytest.raises(LineErrors) as error:
        payment_batch_request(campaign="x", budget_line=line, lines=[BatchLine(records[0].pk, "100")], by=outsider)
    assert [e["code"] for e in error.value.lines] == ["payment.record_unknown"]
    assert state() == before


def test_the_total_must_fit_the_lines_balance(world, staff, money, records):
    before = state()
    with pytest.raises(RuleViolation) as error:  # 4,000 on the street's line
        request(money, staff, [BatchLine(c.pk, "1500") for c in records])
    assert (error.value.code, error.value.field) == ("payment.insufficient_funds", "amount")
    assert state() == before


def test_an_empty_list_and_a_line_of_another_type_are_refused(world, staff, money, records):
    before = state()
    with pytest.raises(RuleViolation) as error:
        request(money, staff, [])
    assert (error.value.code, error.value.field) == ("batch.empty", "lines")
    with pytest.raises(RuleViolation) as error:
        request(money, staff, [BatchLine(records[0].pk, "100")], campaign="  ")
    assert error.value.field == "campaign"
    medical = BudgetLine.objects.create(
        unit=world.units["S1"], year=money["year"] - 1, assistance_type="medical", name="去年", appropriated=100
    )
    with pytest.raises(RuleViolation) as error:
        payment_batch_request(
            campaign="x", budget_line=medical, lines=[BatchLine(records[0].pk, "1")], by=staff["caseworker"]
        )
    assert error.value.code == "payment.line_mismatch"
    assert state() == before


def test_the_requester_never_approves_their_own_list(world, staff, money, records):
    Membership.objects.create(user=staff["caseworker"], unit=world.units["S1"], role="finance_officer")
    batch = request(money, staff, [BatchLine(records[0].pk, "100")])
    before = state()
    with pytest.raises(NotAllowed) as error:
        payment_batch_decide(batch=batch, approve=True, by=staff["caseworker"])
    assert error.value.code == "four_eyes.own_preparation"
    assert state() == before


def test_a_line_is_decided_with_its_list_not_alone(world, staff, money, records):
    batch = request(money, staff, [BatchLine(records[0].pk, "100")])
    before = state()
    with pytest.raises(RuleViolation) as error:
        payment_decide(payment=batch.lines.get(), approve=True, by=money["finance"])
    assert error.value.code == "payment.in_batch"
    assert state() == before


def test_a_refusal_needs_a_reason_and_gives_the_money_back(world, staff, money, records):
    batch = request(money, staff, [BatchLine(c.pk, "1000") for c in records])
    before = state()
    with pytest.raises(RuleViolation) as error:
        payment_batch_decide(batch=batch, approve=False, by=money["finance"], reason=" ")
    assert (error.value.code, error.value.field) == ("reason_required", "reason")
    assert state() == before
    payment_batch_decide(batch=batch, approve=False, by=money["finance"], reason="名单须经街道公示")
    assert money["street"].balance() == 4000
    before = state()
    with pytest.raises(RuleViolation) as error:
        payment_batch_decide(batch=batch, approve=True, by=money["finance"])
    assert error.value.code == "batch.already_decided"
    assert state() == before


def test_approval_is_refused_when_a_record_left_the_filed_state_meanwhile(world, staff, money, records):
    batch = request(money, staff, [BatchLine(c.pk, "100") for c in records])
    step(records[2], "propose_exit", staff["caseworker"], exit_reason="death", reason="本人已去世", **past_notice())
    before = state()
    with pytest.raises(LineErrors) as error:
        payment_batch_decide(batch=batch, approve=True, by=money["finance"])
    assert [(e["line"], e["code"]) for e in error.value.lines] == [(3, "payment.record_not_filed")]
    assert state() == before


def test_the_xlsx_lists_every_line_masked_with_the_total_and_no_formula(world, staff, money, records):
    batch = request(
        money, staff, [BatchLine(records[0].pk, "300", '=HYPERLINK("http://x")'), BatchLine(records[1].pk, "200.5")]
    )
    sheet = load_workbook(BytesIO(batch_workbook(batch))).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows.index(["序号", "档案编号", "姓名", "身份证号", "所属工会", "金额（元）", "说明", "状态"])
    lines = rows[header + 1 : header + 3]
    assert [r[1] for r in lines] == [records[0].number, records[1].number]
    assert [r[5] for r in lines] == [300, 200.5]
    assert lines[0][3] == records[0].person.masked_id_number != records[0].person.id_number
    assert rows[header + 3][0] == "合计" and rows[header + 3][5] == 500.5
    note = sheet.cell(row=header + 2, column=7)
    assert note.value == '=HYPERLINK("http://x")' and note.data_type == "s"
    assert rows[0][:2] == ["活动名称", "2026年送温暖"]
