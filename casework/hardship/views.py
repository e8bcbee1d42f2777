"""The hardship pages of its own: filing, and a payment request and its
decision on a filed record. The steps themselves are the case page's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.cases.documents import size_label, upload_limit
from casework.errors import CaseworkError, NotAllowed
from casework.hardship.assistance import AssistancePayment, BudgetLine
from casework.hardship.forms import FilingForm
from casework.hardship.models import HardshipCase
from casework.hardship.payments import payment_decide, payment_request
from casework.hardship.services import hardship_case_submit
from casework.org.models import Unit
from permissions.access import object_in_scope_or_404, scope

DOCUMENT_FIELDS = {"documents": "documents", "kind": "document_kind"}


@login_required
def file_case(request: HttpRequest) -> HttpResponse:
    if not scope(request.user, Unit.objects.all(), "case.file").exists():
        raise PermissionDenied(_("您不能提出困难职工建档申请。"))
    form = FilingForm(request.POST or None, request.FILES or None, user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            case = hardship_case_submit(by=request.user, **form.application())  # type: ignore[arg-type]
        except NotAllowed as error:
            raise PermissionDenied(str(error.message)) from error
        except CaseworkError as error:
            # The documents' rules name the upload fields; the others are shown above the form.
            form.add_error(DOCUMENT_FIELDS.get(error.field or ""), str(error.message))
        else:
            messages.success(request, _("申请已提交，等待入户调查。"))
            return redirect("cases:case", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "hardship/file.html", {"form": form, "upload_limit": size_label(upload_limit())}, status=status
    )


@login_required
@require_POST
def request_payment(request: HttpRequest, pk: int) -> HttpResponse:
    case = object_in_scope_or_404(request.user, HardshipCase.objects.all(), pk=pk)
    line = scope(request.user, BudgetLine.objects.all(), "budget.view").filter(pk=request.POST.get("line") or 0).first()
    try:
        payment_request(
            case=case,
            assistance_type=request.POST.get("assistance_type", ""),
            amount=request.POST.get("amount", ""),
            budget_line=line,
            by=request.user,  # type: ignore[arg-type]
            note=request.POST.get("note", ""),
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("已提交发放申请，等待财务审核。"))
    return redirect("cases:case", pk=case.pk)


@login_required
@require_POST
def decide_payment(request: HttpRequest, pk: int) -> HttpResponse:
    payment = object_in_scope_or_404(request.user, AssistancePayment.objects.select_related("case"), pk=pk)
    try:
        payment_decide(
            payment=payment,
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""),
            by=request.user,  # type: ignore[arg-type]
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        messages.error(request, str(error.message))
    return redirect("cases:case", pk=payment.case_id)


def case_page_payments(request: HttpRequest, case: HardshipCase) -> dict[str, object]:
    """What the case page shows of assistance: the payments, a request form
    for whoever may request, a decision form on each payment for finance."""
    from casework.district.catalogue import ASSISTANCE_TYPES
    from casework.hardship.payments import PAYABLE_STATES
    from casework.hardship.transitions import STREET_STAFF
    from permissions.access import can

    payments = list(case.payments.select_related("budget_line__unit", "requested_by").order_by("-requested_at"))
    may_request = case.state in PAYABLE_STATES and can(request.user, "case.prepare", case, roles=STREET_STAFF)
    lines = (
        [
            line
            for line in scope(request.user, BudgetLine.objects.select_related("unit"), "budget.view")
            if case.unit_path.startswith(line.unit.path)
        ]
        if may_request
        else []
    )
    # Whether the user may decide a requested payment: the case's scope and
    # conflicts are the same for all of them, only who requested each differs,
    # and no one decides their own request (four-eyes). So one check for the
    # page, not one per payment.
    others = {p.pk for p in payments if p.state == "requested" and p.requested_by_id != request.user.pk}
    first = next((p for p in payments if p.pk in others), None)
    may_decide = first is not None and can(request.user, "payment.decide", first)
    return {
        "payments": [(p, may_decide and p.pk in others) for p in payments],
        "may_request_payment": may_request,
        "budget_lines": lines,
        "assistance_types": list(ASSISTANCE_TYPES.items()),
    }
