"""Pages every case type shares: the inbox and the case page, where the open
step's actions are taken. Thin: selectors read, ``task_complete`` writes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.cases.models import Case
from casework.cases.selectors import TABLES, case_open_task, case_trail, hardship_cases, inbox
from casework.cases.tasks import task_complete
from casework.errors import CaseworkError, NotAllowed
from casework.hardship.choices import Category, State
from casework.org.models import Unit
from permissions.access import object_in_scope_or_404, scope

DATA_PREFIX = "data."
# case_type -> (template, context function) drawn under the case's steps.
PAGE_EXTRAS: dict[str, tuple[str, Any]] = {}


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    tasks = list(inbox(request.user))  # type: ignore[arg-type]
    return render(request, "cases/inbox.html", {"tasks": tasks})


def _case_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    leaf = case.coerced
    task = case_open_task(case)
    table = TABLES.get(case.case_type)
    actions = table.available(leaf, request.user) if table is not None and task is not None else []  # type: ignore[arg-type]
    context = {"case": leaf, "task": task, "actions": actions, "trail": case_trail(case)}
    if case.case_type in PAGE_EXTRAS:
        template, extra = PAGE_EXTRAS[case.case_type]
        context.update(extra_template=template, **extra(request, leaf))
    return context


@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = object_in_scope_or_404(request.user, Case.objects.select_related("unit", "person"), pk=pk)
    return render(request, "cases/case.html", _case_context(request, case))


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one action of the case's open step. A broken rule re-shows the
    page with the message on its field; nothing was changed."""
    case = object_in_scope_or_404(request.user, Case.objects.select_related("unit", "person"), pk=pk)
    task = case_open_task(case)
    if task is None:
        raise PermissionDenied(_("此案件没有待办步骤。"))
    data = {k[len(DATA_PREFIX) :]: v for k, v in request.POST.items() if k.startswith(DATA_PREFIX)}
    try:
        task_complete(
            task=task,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
            data=data,
            by=request.user,  # type: ignore[arg-type]
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        context = _case_context(request, case)
        context.update(error=error, posted_action=request.POST.get("action", ""), posted=request.POST)
        return render(request, "cases/case.html", context, status=400)
    messages.success(request, _("已办理。"))
    return redirect("cases:case", pk=case.pk)


@login_required
def hardship_list_page(request: HttpRequest) -> HttpResponse:
    """Hardship cases in scope, filtered by state, unit (with the units
    under it) and category; one query for the page whatever its size."""
    filters = hardship_filters(request)
    cases = hardship_cases(request.user, **filters)  # type: ignore[arg-type]
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    units = scope(request.user, Unit.objects.order_by("path"))
    return render(
        request,
        "cases/hardship_list.html",
        {"page": page, "filters": filters, "states": State.choices, "categories": Category.choices, "units": units},
    )


def hardship_filters(request: HttpRequest) -> dict[str, Any]:
    get = request.GET
    unit = get.get("unit", "")
    return {
        "state": get.get("state") if get.get("state") in State.values else None,
        "category": get.get("category") if get.get("category") in Category.values else None,
        "unit": int(unit) if unit.isdigit() else None,
    }
