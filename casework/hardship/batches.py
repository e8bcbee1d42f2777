"""Campaign lists of payments (送温暖, 高温慰问, 金秋助学): many lines, one decision.

A street caseworker lists filed records with an amount each, from one budget
line. Every line is checked by the same rules as a single payment
(``payments.check_payable``); if any line breaks one, the whole list is
refused with every bad line named and nothing is kept. A valid list is
approved or refused once, by a finance officer who did not request it.

Each line is a payment on its record's trail (one ledger entry per record),
and the list itself has its own entries; the deciders and then the requester
get one notification for the whole list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext

from casework.accounts.models import User
from casework.cases import data as d
from casework.cases.services import case_subject, cases_lock
from casework.errors import CaseworkError, LineErrors, RuleViolation
from casework.hardship.assistance import AssistancePayment, BudgetLine, PaymentBatch, PaymentState
from casework.hardship.models import HardshipCase
from casework.hardship.payments import (
    PAYABLE_STATES,
    check_balance,
    check_line_fits,
    check_payable,
    payment_deciders,
    positive_amount,
)
from casework.hardship.transitions import STREET_STAFF
from casework.ledger.services import ledger_append, subject_of
from notifications.services import outbox_queue
from permissions.access import acting_as, can, scope

MAX_LINES = 2000


@dataclass(frozen=True)
class BatchLine:
    """One line as entered: the record's id, the amount, a note."""

    case: int | str
    amount: Any
    note: str = ""


def _line_error(number: int, error: CaseworkError) -> dict[str, Any]:
    return {"line": number, **error.as_dict()}


def _refuse(errors: list[dict[str, Any]]) -> LineErrors:
    numbers = pgettext("list separator", "、").join(str(e["line"]) for e in errors[:20])
    more = "…" if len(errors) > 20 else ""
    return LineErrors(
        _("清单：第%(lines)s%(more)s行不符合规定，整张清单未提交，请修改后重新提交。")
        % {"lines": numbers, "more": more},
        errors,
    )


def _record_ids(lines: list[BatchLine]) -> dict[int, int]:
    """Line number → record id, for lines whose id is a number."""
    ids = {}
    for number, line in enumerate(lines, start=1):
        raw = str(line.case).strip()
        if raw.isascii() and raw.isdigit() and len(raw) <= 18:
            ids[number] = int(raw)
    return ids


def payment_batch_request(
    *,
    campaign: str,
    budget_line: BudgetLine,
    lines: Iterable[BatchLine],
    by: User,
    today: date | None = None,
) -> PaymentBatch:
    """Request a campaign's payments from ``budget_line`` as one list.

    Refused as a whole (``LineErrors`` naming each bad line) when any line
    names a record the requester cannot prepare or that is not filed, when a
    worker would go over the year's ceiling, when a record appears twice, or when the list's total is
    more than the line's balance."""
    today = today or timezone.localdate()
    campaign = d.text({"campaign": campaign}, "campaign", _l("活动名称"), max_length=100)
    entered = list(lines)
    if not entered:
        raise RuleViolation(_("清单：至少要有一行。"), code="batch.empty", field="lines")
    if len(entered) > MAX_LINES:
        raise RuleViolation(
            _("清单：一张清单最多%(n)d行，请分成几张提交。") % {"n": MAX_LINES}, code="batch.too_long", field="lines"
        )
    assistance_type = budget_line.assistance_type
    check_line_fits(budget_line, assistance_type, today)
    with transaction.atomic():
        ids = _record_ids(entered)
        visible = scope(by, HardshipCase.objects.filter(pk__in=set(ids.values())))
        # Cases in id order, the budget line last: as single payments lock.
        cases = cases_lock(HardshipCase, visible.values_list("pk", flat=True))
        errors: list[dict[str, Any]] = []
        seen: set[int] = set()
        accepted: list[tuple[HardshipCase, Decimal, str]] = []
        for number, entry in enumerate(entered, start=1):
            try:
                case = cases.get(ids.get(number, 0))
                if case is None:
                    raise RuleViolation(_("档案：不存在。"), code="payment.record_unknown", field="case")
                if case.pk in seen:
                    raise RuleViolation(_("档案：同一档案在本清单中重复。"), code="batch.record_repeated", field="case")
                seen.add(case.pk)
                if not can(by, "case.prepare", case, roles=STREET_STAFF):
                    raise RuleViolation(
                        _("档案：您不能为该档案申请发放。"), code="payment.record_not_yours", field="case"
                    )
                amount = positive_amount(entry.amount)
                note = d.text({"note": entry.note}, "note", _l("说明"), required=False, max_length=200)
                # One active record per worker, so a record named once is a worker counted once.
                check_payable(case, budget_line, assistance_type, amount, today)
            except RuleViolation as error:
                errors.append(_line_error(number, error))
                continue
            accepted.append((case, amount, note))
        if errors:
            raise _refuse(errors)
        total = sum((amount for _case, amount, _note in accepted), Decimal("0"))
        line = check_balance(budget_line, total)
        batch = PaymentBatch.objects.create(
            campaign=campaign, assistance_type=assistance_type, budget_line=line, requested_by=by
        )
        acting: dict[str, Any] = {}
        for case, amount, note in accepted:
            # The membership that lets the requester prepare this record; the
            # list's own entry names the first line's.
            acting_here = acting_as(by, "case.prepare", case, roles=STREET_STAFF)
            acting = acting or acting_here
            payment = AssistancePayment.objects.create(
                case=case,
                batch=batch,
                assistance_type=assistance_type,
                amount=amount,
                budget_line=line,
                requested_by=by,
                note=note,
            )
            ledger_append(
                action="hardship.payment_requested",
                subject=case_subject(case),
                subject_unit=case.unit,
                from_state=case.state,
                to_state=case.state,
                payload={
                    "payment": payment.pk,
                    "batch": batch.pk,
                    "assistance_type": assistance_type,
                    "amount": amount,
                },
                **acting_here,
            )
        ledger_append(
            action="hardship.batch_requested",
            subject=batch,
            subject_unit=line.unit,
            to_state=PaymentState.REQUESTED,
            payload={"campaign": campaign, "lines": len(accepted), "total": total, "line": line.pk},
            **acting,
        )
        outbox_queue(
            event="hardship.batch_requested",
            subject=subject_of(batch),
            recipients=payment_deciders(line),
            payload={"batch": batch.pk, "lines": len(accepted), "total": total},
        )
    return batch


def payment_batch_decide(
    *, batch: PaymentBatch, approve: bool, by: User, reason: str = "", paid_on: date | None = None
) -> PaymentBatch:
    """Approve (every line paid on ``paid_on``) or refuse (with a reason) a
    requested list, once. A finance officer who did not request it; refused
    as a whole, naming the lines, when a record on it is no longer filed."""
    with transaction.atomic():
        fresh = PaymentBatch.objects.select_for_update().select_related("budget_line__unit").get(pk=batch.pk)
        acting = acting_as(by, "payment.decide", fresh)
        if fresh.state != PaymentState.REQUESTED:
            raise RuleViolation(_("清单：该清单已审核。"), code="batch.already_decided", field="batch")
        if not approve and not reason.strip():
            raise RuleViolation(_("理由：不批准时必须说明理由。"), code="reason_required", field="reason")
        payments = list(fresh.lines.order_by("pk"))
        cases = cases_lock(HardshipCase, (p.case_id for p in payments))
        if approve:
            stale = [
                _line_error(
                    number,
                    RuleViolation(
                        _("档案：该档案已不在建档状态，不能发放。"), code="payment.record_not_filed", field="case"
                    ),
                )
                for number, payment in enumerate(payments, start=1)
                if cases[payment.case_id].state not in PAYABLE_STATES
            ]
            if stale:
                raise _refuse(stale)
        state = PaymentState.APPROVED if approve else PaymentState.REFUSED
        now = timezone.now()
        paid = (paid_on or timezone.localdate()) if approve else None
        for payment in payments:
            case = cases[payment.case_id]
            payment.state, payment.decided_by, payment.decided_at, payment.paid_on = state, by, now, paid
            payment.save(update_fields=["state", "decided_by", "decided_at", "paid_on"])
            ledger_append(
                action="hardship.payment_approved" if approve else "hardship.payment_refused",
                subject=case_subject(case),
                subject_unit=case.unit,
                from_state=case.state,
                to_state=case.state,
                reason=reason,
                payload={"payment": payment.pk, "batch": fresh.pk, "amount": payment.amount, "paid_on": paid},
                **acting,
            )
        fresh.state, fresh.decided_by, fresh.decided_at, fresh.paid_on = state, by, now, paid
        fresh.save(update_fields=["state", "decided_by", "decided_at", "paid_on"])
        ledger_append(
            action="hardship.batch_approved" if approve else "hardship.batch_refused",
            subject=fresh,
            subject_unit=fresh.budget_line.unit,
            from_state=PaymentState.REQUESTED,
            to_state=state,
            reason=reason,
            payload={"lines": len(payments), "total": sum((p.amount for p in payments), Decimal("0")), "paid_on": paid},
            **acting,
        )
        outbox_queue(
            event="hardship.batch_approved" if approve else "hardship.batch_refused",
            subject=subject_of(fresh),
            recipients=[fresh.requested_by],
            payload={"batch": fresh.pk},
        )
    return fresh


def batch_lines(batch: PaymentBatch) -> list[AssistancePayment]:
    """The list's lines in the order they were entered."""
    return list(
        batch.lines.select_related("case__person", "case__unit").order_by("pk"),
    )


def batch_lines_from_form(data: Mapping[str, Any]) -> list[BatchLine]:
    """The lines a page posts: ``record`` (repeated, the ticked records) and
    ``amount-<id>`` / ``note-<id>`` beside each."""
    getlist = getattr(data, "getlist", None)
    records = getlist("record") if getlist else list(data.get("record", []))
    return [BatchLine(r, data.get(f"amount-{r}", ""), data.get(f"note-{r}", "")) for r in records]
