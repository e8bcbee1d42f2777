"""Pages of campaign payment lists: the lists in scope, a new list from a
budget line's payable records, one list with its decision, its XLSX."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.errors import CaseworkError, LineErrors, NotAllowed
from casework.hardship.assistance import BudgetLine, PaymentBatch, PaymentState
from casework.hardship.batches import batch_lines, batch_lines_from_form, payment_batch_decide, payment_batch_request
from casework.hardship.exports import XLSX_TYPE, batch_workbook
from casework.hardship.models import HardshipCase
from casework.hardship.payments import PAYABLE_STATES
from casework.hardship.transitions import STREET_STAFF
from casework.ledger.models import LedgerEntry
from casework.ledger.services import subject_of
from casework.web.paging import CappedPaginator
from permissions.access import can, object_in_scope_or_404, scope


def _batches(user: Any) -> QuerySet[PaymentBatch]:
    return scope(user, PaymentBatch.objects.all()).select_related("budget_line__unit", "requested_by")


def request_lines(user: Any) -> list[BudgetLine]:
    """This year's budget lines the user may draw a campaign list from: in
    their scope, at a unit where they prepare records."""
    lines = scope(user, BudgetLine.objects.filter(year=timezone.localdate().year), "budget.view")
    return [
        line
        for line in lines.select_related("unit").order_by("unit__path", "name")
        if can(user, "case.prepare", line.unit, roles=STREET_STAFF)
    ]


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = _batches(request.user).annotate(line_count=Count("lines"), total=Sum("lines__amount"))
    state = request.GET.get("state")
    if state in PaymentState.values:
        batches = batches.filter(state=state)
    page = CappedPaginator(batches.order_by("-requested_at", "-pk"), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "states": PaymentState.choices,
        "state": state,
        "may_request": bool(request_lines(request.user)),
    }
    return render(request, "hardship/batch_list.html", context)


@login_required
def batch_new(request: HttpRequest) -> HttpResponse:
    """Pick a budget line, tick the records, give each an amount."""
    lines = request_lines(request.user)
    if not lines:
        raise PermissionDenied(_("您不能申请批量发放。"))
    data = request.POST if request.method == "POST" else request.GET
    chosen = next((line for line in lines if str(line.pk) == data.get("line")), None)
    records = (
        list(
            scope(request.user, HardshipCase.objects.all(), "case.prepare")
            .filter(state__in=PAYABLE_STATES, unit_path__startswith=chosen.unit.path)
            .select_related("person", "unit")
            .order_by("unit__path", "number")
        )
        if chosen
        else []
    )
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    if request.method == "POST" and chosen is not None:
        entered = batch_lines_from_form(request.POST)
        try:
            batch = payment_batch_request(
                campaign=request.POST.get("campaign", ""),
                budget_line=chosen,
                lines=entered,
                by=request.user,  # type: ignore[arg-type]
            )
        except NotAllowed as error:
            raise PermissionDenied(str(error.message)) from error
        except LineErrors as error:
            general.append(str(error.message))
            for item in error.lines:
                errors.setdefault(str(entered[item["line"] - 1].case), []).append(item["message"])
        except CaseworkError as error:
            general.append(str(error.message))
        else:
            messages.success(request, _("批量发放清单已提交，等待财务审核。"))
            return redirect("hardship:batch", pk=batch.pk)
    ticked = set(request.POST.getlist("record")) if request.method == "POST" else set()
    rows = [
        {
            "case": case,
            "ticked": str(case.pk) in ticked,
            "amount": request.POST.get(f"amount-{case.pk}", data.get("amount", "")),
            "note": request.POST.get(f"note-{case.pk}", ""),
            "errors": errors.get(str(case.pk), []),
        }
        for case in records
    ]
    context = {"lines": lines, "chosen": chosen, "rows": rows, "general": general, "campaign": data.get("campaign", "")}
    status = 400 if general else 200
    return render(request, "hardship/batch_new.html", context, status=status)


@login_required
def batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    batch = object_in_scope_or_404(request.user, _batches(request.user), pk=pk)
    lines = batch_lines(batch)
    trail = (
        LedgerEntry.objects.filter(subject_type=subject_of(batch)[0], subject_id=subject_of(batch)[1])
        .select_related("actor", "actor_unit")
        .order_by("seq")
    )
    context = {
        "batch": batch,
        "lines": lines,
        "total": sum(line.amount for line in lines),
        "trail": trail,
        "may_decide": batch.state == PaymentState.REQUESTED and can(request.user, "payment.decide", batch),
    }
    return render(request, "hardship/batch.html", context)


@login_required
@require_POST
def batch_decide(request: HttpRequest, pk: int) -> HttpResponse:
    batch = object_in_scope_or_404(request.user, _batches(request.user), pk=pk)
    try:
        payment_batch_decide(
            batch=batch,
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""),
            by=request.user,  # type: ignore[arg-type]
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except LineErrors as error:
        lines = "；".join(_("第%(line)d行：%(message)s") % item for item in error.lines[:20])
        messages.error(request, f"{error.message} {lines}")
    except CaseworkError as error:
        messages.error(request, str(error.message))
    return redirect("hardship:batch", pk=batch.pk)


@login_required
def batch_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    batch = object_in_scope_or_404(request.user, _batches(request.user), pk=pk)
    response = HttpResponse(batch_workbook(batch), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="payment-list-{batch.pk}.xlsx"'
    return response
