"""The bargaining pages of its own: the list, opening a case, naming a
side and recording a round. The steps themselves are the case page's
(casework/cases/views.py); this module adds the case's seats, rounds and
terms under them (``case_page_bargaining``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.bargaining.choices import SeatRole, Side, State
from casework.bargaining.models import BargainingCase
from casework.bargaining.services import (
    PREPARATION_FIGURES,
    SEATS_OPEN,
    bargaining_case_open,
    bargaining_round_record,
    bargaining_side_set,
    chair_person_ids,
)
from casework.bargaining.transitions import UNION
from casework.cases.documents import Attachment, DocumentKind
from casework.cases.selectors import cases_of
from casework.cases.views import case_page_refused
from casework.district.selectors import setting_value
from casework.errors import CaseworkError, NotAllowed, RuleViolation
from casework.org.models import Unit
from casework.people.models import Person
from casework.web.paging import page_of_rows
from permissions.access import can, object_in_scope_or_404, scope
from permissions.roles import GRASS_ROOTS

SEAT_ROWS = 8  # blank rows of the side form; a side rarely has more


@login_required
def bargaining_list(request: HttpRequest) -> HttpResponse:
    """Bargaining cases in scope, by state, unit and overdue; one query for the page."""
    get = request.GET
    unit = get.get("unit", "")
    filters = {
        "state": get.get("state") if get.get("state") in State.values else None,
        "unit": int(unit) if unit.isdigit() else None,
        "overdue": get.get("overdue") == "1",
    }
    cases = cases_of(request.user, BargainingCase, **filters)  # type: ignore[arg-type]
    page, rows = page_of_rows(cases, request)
    return render(
        request,
        "bargaining/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "states": State.choices,
            "units": scope(request.user, Unit.objects.order_by("path")),
            "may_open": _enterprises(request).exists(),
        },
    )


def _enterprises(request: HttpRequest) -> Any:
    """The enterprises the user may open a bargaining for."""
    return scope(request.user, Unit.objects.filter(kind__in=GRASS_ROOTS, closed_on=None), "case.file").order_by("path")


@login_required
def bargaining_new(request: HttpRequest) -> HttpResponse:
    enterprises = _enterprises(request)
    if not enterprises.exists():
        raise PermissionDenied(_("您不能发起工资集体协商。"))
    posted = request.POST if request.method == "POST" else {}
    context: dict[str, Any] = {
        "enterprises": enterprises,
        "figure_rows": [(name, label, posted.get(name, "")) for name, label in PREPARATION_FIGURES.items()],
        "posted": posted,
    }
    if request.method == "POST":
        post = request.POST
        unit = enterprises.filter(pk=post.get("unit") or 0).first()
        try:
            if unit is None:
                raise RuleViolation(
                    _("单位：请选择您可以发起协商的企业。"), code="bargaining.unit_required", field="unit"
                )
            case = bargaining_case_open(
                unit=unit,
                workers_covered=post.get("workers_covered", ""),  # checked by the service
                preparation={k: post.get(k, "") for k in (*PREPARATION_FIGURES, "preparation_sources")},
                by=request.user,  # type: ignore[arg-type]
            )
        except NotAllowed as error:
            raise PermissionDenied(str(error.message)) from error
        except CaseworkError as error:
            context["error"] = error
            return render(request, "bargaining/new.html", context, status=400)
        messages.success(request, _("已发起工资集体协商，请确定职工方协商代表后发出要约。"))
        return redirect("cases:case", pk=case.pk)
    return render(request, "bargaining/new.html", context)


def case_page_bargaining(request: HttpRequest, case: BargainingCase) -> dict[str, Any]:
    """What the case page shows of a bargaining: its terms, both sides, the
    rounds, and the forms of whoever may record them now."""
    may_record = can(request.user, "case.file", case, roles=UNION)
    seats = list(case.seats.select_related("person"))
    chairs = Person.objects.filter(pk__in=chair_person_ids(case)).order_by("pk")
    try:
        local_minimum = setting_value(case.unit, "bargaining.local_minimum_wage", on=timezone.localdate())
    except RuleViolation:
        local_minimum = None  # the district has not entered it: nothing to compare with
    return {
        "local_minimum_wage": local_minimum,
        "below_local_minimum": local_minimum is not None
        and case.lowest_wage is not None
        and case.lowest_wage < local_minimum,
        "seats_by_side": [(side, label, [s for s in seats if s.side == side]) for side, label in Side.choices],
        "rounds": list(case.rounds.prefetch_related("attendance")),
        "may_set_sides": may_record and case.state in SEATS_OPEN,
        "may_record_round": may_record and case.state == State.NEGOTIATING,
        "seat_roles": SeatRole.choices,
        "seat_rows": seat_rows({}),
        "chairs": chairs,
        "seats": seats,
    }


def _case(request: HttpRequest, pk: int) -> BargainingCase:
    return object_in_scope_or_404(request.user, BargainingCase.objects.select_related("unit", "person"), pk=pk)


def _refused(request: HttpRequest, case: BargainingCase, error: CaseworkError, form: str) -> HttpResponse:
    """The case page again, the refused form open with what was typed and the message on it."""
    rows = {"seat_rows": seat_rows(request.POST)} if form.startswith("side-") else {}
    return case_page_refused(request, case, bargaining_error=error, bargaining_form=form, **rows)


def seat_rows(post: Any) -> list[dict[str, Any]]:
    """Every row of the side form, as posted (blank rows: the first a chief, the others members)."""
    rows = []
    for i in range(SEAT_ROWS):
        row = {key: post.get(f"seat-{i}-{key}", "").strip() for key in ("name", "id_number", "role", "position")}
        row["role"] = row["role"] or (SeatRole.CHIEF if i == 0 else SeatRole.MEMBER)
        rows.append({**row, "i": i, "outside_expert": post.get(f"seat-{i}-outside_expert") == "on"})
    return rows


def seats_posted(post: Any) -> list[dict[str, Any]]:
    """The side form's rows, blank ones left out."""
    return [{k: v for k, v in row.items() if k != "i"} for row in seat_rows(post) if row["name"] or row["id_number"]]


@login_required
@require_POST
def side_set(request: HttpRequest, pk: int, side: str) -> HttpResponse:
    case = _case(request, pk)
    try:
        bargaining_side_set(
            case=case,
            side=side,
            seats=seats_posted(request.POST),
            chief_delegated=request.POST.get("chief_delegated") == "on",
            documents=[Attachment(f, DocumentKind.LETTER) for f in request.FILES.getlist("documents")],
            by=request.user,  # type: ignore[arg-type]
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        return _refused(request, case, error, f"side-{side}")
    messages.success(request, _("协商代表已确定。"))
    return redirect("cases:case", pk=case.pk)


@login_required
@require_POST
def round_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    post = request.POST
    try:
        bargaining_round_record(
            case=case,
            held_on=post.get("held_on", ""),
            recorder=post.get("recorder", ""),
            minutes=post.get("minutes", ""),
            attendance=[int(i) for i in post.getlist("attendance") if i.isdigit()],
            chiefs_confirmed=post.get("chiefs_confirmed") == "on",
            documents=[Attachment(f, DocumentKind.AGREEMENT) for f in request.FILES.getlist("documents")],
            by=request.user,  # type: ignore[arg-type]
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        return _refused(request, case, error, "round")
    messages.success(request, _("协商会议已登记。"))
    return redirect("cases:case", pk=case.pk)
