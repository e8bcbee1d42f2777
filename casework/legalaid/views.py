"""The legal-aid pages of its own: the list, recording an application,
and on the case page the applicant's hardship record, the case events and
their form for the lawyer, and the lawyer's reassignment. The steps are
the case page's own (casework/cases/views.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.cases.documents import Attachment, DocumentKind
from casework.cases.selectors import cases_of
from casework.cases.views import case_page_refused
from casework.errors import CaseworkError, NotAllowed, RuleViolation
from casework.legalaid.choices import AidForm, Basis, Channel, Dispute, EventKind, State
from casework.legalaid.models import LegalAidCase
from casework.legalaid.services import (
    RECEIVERS,
    hardship_record_of,
    lawyers_of,
    legalaid_apply,
    legalaid_event_record,
    legalaid_lawyer_reassign,
)
from casework.org.models import Unit
from casework.people.models import Person
from casework.web.paging import page_of_rows
from permissions.access import can, object_in_scope_or_404, scope

FIELDS: tuple[str, ...] = ("opposing_party", "opposing_code", "dispute", "facts", "amount_claimed", "aid_form")
FIELDS += ("channel", "oral_recorder", "basis", "per_capita_income")


@login_required
def legalaid_list(request: HttpRequest) -> HttpResponse:
    get = request.GET
    filters = {
        "state": get.get("state") if get.get("state") in State.values else None,
        "overdue": get.get("overdue") == "1",
    }
    cases = cases_of(request.user, LegalAidCase, **filters).select_related("lawyer")  # type: ignore[arg-type]
    page, rows = page_of_rows(cases, request)
    return render(
        request,
        "legalaid/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "states": State.choices,
            "may_apply": bool(_receiving_units(request)),
        },
    )


def _receiving_units(request: HttpRequest) -> list[Unit]:
    """The units where the user may record an application."""
    units = scope(request.user, Unit.objects.filter(closed_on=None).order_by("path"), "case.file")
    return [u for u in units if can(request.user, "case.file", u, roles=RECEIVERS)]


@login_required
def legalaid_new(request: HttpRequest) -> HttpResponse:
    units = _receiving_units(request)
    if not units:
        raise PermissionDenied(_("您不能登记法律援助申请。"))
    posted = request.POST if request.method == "POST" else {}
    context: dict[str, Any] = {
        "units": units,
        "posted": posted,
        "disputes": Dispute.choices,
        "aid_forms": AidForm.choices,
        "channels": Channel.choices,
        "bases": Basis.choices,
    }
    if request.method == "POST":
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
        number = request.POST.get("id_number", "").strip().upper()
        person = scope(request.user, Person.objects.all()).filter(id_number=number).first()
        try:
            if unit is None:
                raise RuleViolation(_("受理单位：请选择。"), code="legalaid.unit_required", field="unit")
            if person is None:
                raise RuleViolation(
                    _("申请人身份证号：登记册中没有此人，请先登记人员。"),
                    code="legalaid.person_unknown",
                    field="id_number",
                )
            fields: dict[str, Any] = {name: request.POST.get(name, "") for name in FIELDS}
            case = legalaid_apply(
                person=person,
                unit=unit,
                by=request.user,  # type: ignore[arg-type]
                documents=[Attachment(f, DocumentKind.OTHER) for f in request.FILES.getlist("documents")],
                **fields,
            )
        except NotAllowed as error:
            raise PermissionDenied(str(error.message)) from error
        except CaseworkError as error:
            context["error"] = error
            return render(request, "legalaid/new.html", context, status=400)
        messages.success(request, _("法律援助申请已登记，等待审查申请材料。"))
        return redirect("cases:case", pk=case.pk)
    return render(request, "legalaid/new.html", context)


def case_page_legalaid(request: HttpRequest, case: LegalAidCase) -> dict[str, Any]:
    """What the case page shows of a legal-aid case beyond its steps."""
    user = request.user
    in_progress = case.state == State.IN_PROGRESS
    may_reassign = in_progress and can(user, "legalaid.assign", case)
    return {
        "hardship_record": hardship_record_of(case.person) if case.person is not None else None,
        "events": list(case.events.all()),
        "event_kinds": EventKind.choices,
        "may_record_event": in_progress and can(user, "case.work", case),
        "reassign_lawyers": [u for u in lawyers_of(case) if u.pk != case.lawyer_id] if may_reassign else [],
    }


def _case(request: HttpRequest, pk: int) -> LegalAidCase:
    return object_in_scope_or_404(request.user, LegalAidCase.objects.select_related("unit", "person", "lawyer"), pk=pk)


@login_required
@require_POST
def event_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    try:
        legalaid_event_record(
            case=case,
            kind=request.POST.get("kind", ""),
            happened_on=request.POST.get("happened_on", ""),
            outcome=request.POST.get("outcome", ""),
            documents=[Attachment(f, DocumentKind.RECORD) for f in request.FILES.getlist("documents")],
            by=request.user,  # type: ignore[arg-type]
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        return case_page_refused(request, case, legalaid_error=error)
    messages.success(request, _("办案事项已登记。"))
    return redirect("cases:case", pk=case.pk)


@login_required
@require_POST
def lawyer_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    try:
        legalaid_lawyer_reassign(
            case=case,
            lawyer_id=request.POST.get("lawyer", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,  # type: ignore[arg-type]
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        return case_page_refused(request, case, legalaid_error=error)
    messages.success(request, _("已改派承办人。"))
    return redirect("cases:case", pk=case.pk)
