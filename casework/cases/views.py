"""Pages every case type shares: the inbox and the case page, where the open
step's actions are taken and documents are listed, attached and downloaded.
Thin: selectors read, ``task_complete`` and ``case_document_attach`` write."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.accounts.models import User
from casework.cases.documents import Attachment, CaseDocument, DocumentKind, size_label, upload_limit
from casework.cases.models import Case
from casework.cases.selectors import (
    TABLES,
    case_documents,
    case_open_task,
    case_trail,
    hardship_cases,
    inbox,
    tasks_shown,
)
from casework.cases.services import case_document_attach, held_step, next_memberships
from casework.cases.tasks import task_complete, task_reassign
from casework.deadlines.selectors import task_deadline
from casework.errors import CaseworkError, NotAllowed
from casework.hardship.choices import Category, State
from casework.org.models import Unit
from casework.web.paging import list_page, page_of_rows
from permissions.access import can, object_in_scope_or_404, scope

logger = logging.getLogger(__name__)

DATA_PREFIX = "data."
# case_type -> (template, context function) drawn under the case's steps.
PAGE_EXTRAS: dict[str, tuple[str, Any]] = {}


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    filters = {"overdue": request.GET.get("overdue") == "1", "due_this_week": request.GET.get("due") == "this_week"}
    # Pages through the ids, then reads the page's rows (see ``inbox``).
    ids = inbox(request.user, **filters).values_list("pk", flat=True)  # type: ignore[arg-type]
    page = list_page(ids, request)
    return render(request, "cases/inbox.html", {"tasks": tasks_shown(page), "page": page, "filters": filters})


def case_page_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    leaf = case.coerced
    task = case_open_task(case)
    table = TABLES.get(case.case_type)
    actions = table.available(leaf, request.user) if table is not None and task is not None else []  # type: ignore[arg-type]
    documents = list(case_documents(case))
    by_id = {d.pk: d for d in documents}
    # Each entry with the files its evidence lists (and their rows, for the link).
    trail = [
        (entry, [(item, by_id.get(item.get("document") or 0)) for item in entry.evidence if isinstance(item, dict)])
        for entry in case_trail(case)
    ]
    context = {
        "case": leaf,
        "task": task,
        "actions": actions,
        "deadline": task_deadline(task) if task is not None else None,
        "reassign_to": reassign_candidates(leaf, task, request.user),
        # Whoever holds the step may attach documents and stop its clock.
        "holds_step": task is not None and held_step(leaf, request.user) is not None,  # type: ignore[arg-type]
        "trail": trail,
        "documents": documents,
        "document_kinds": DocumentKind.choices,
        "upload_limit": size_label(upload_limit()),
    }
    if case.case_type in PAGE_EXTRAS:
        template, extra = PAGE_EXTRAS[case.case_type]
        context.update(extra_template=template, **extra(request, leaf))
    return context


def case_page_refused(request: HttpRequest, case: Case, **refusal: Any) -> HttpResponse:
    """The case page again after a refused form, with what was posted and
    ``refusal`` (the error under the name its form's template reads): 400."""
    context = case_page_context(request, case)
    context.update(posted=request.POST, **refusal)
    return render(request, "cases/case.html", context, status=400)


@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = object_in_scope_or_404(request.user, Case.objects.select_related("unit", "person"), pk=pk)
    return render(request, "cases/case.html", case_page_context(request, case))


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
    kind = request.POST.get("document_kind", DocumentKind.OTHER)
    try:
        task_complete(
            task=task,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
            data=data,
            documents=[Attachment(upload, kind) for upload in request.FILES.getlist("documents")],
            by=request.user,  # type: ignore[arg-type]
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        return case_page_refused(request, case, error=error, posted_action=request.POST.get("action", ""))
    messages.success(request, _("已办理。"))
    return redirect("cases:case", pk=case.pk)


@login_required
@require_POST
def case_document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach one document on its own (not with a step): for whoever holds
    the case's current step. A refusal re-shows the page; nothing was stored."""
    case = object_in_scope_or_404(request.user, Case.objects.select_related("unit", "person"), pk=pk)
    try:
        case_document_attach(
            case=case,
            uploaded_file=request.FILES.get("documents"),
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,  # type: ignore[arg-type]
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        return case_page_refused(request, case, document_error=error)
    messages.success(request, _("材料已上传。"))
    return redirect("cases:case", pk=case.pk)


@login_required
def case_document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """One document of a case in scope, as an attachment of its recorded
    type; outside scope, or not of this case: 404."""
    case = object_in_scope_or_404(request.user, Case.objects.all(), pk=pk)
    document = get_object_or_404(CaseDocument, pk=document_pk, case_id=case.pk, purged_at__isnull=True)
    try:
        handle = default_storage.open(document.file.name, "rb")
    except FileNotFoundError:
        logger.error("document %s of case %s: file %s is missing", document.pk, case.pk, document.file.name)
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def hardship_list_page(request: HttpRequest) -> HttpResponse:
    """Hardship cases in scope, filtered by state, unit (with the units
    under it) and category; one query for the page whatever its size."""
    filters = hardship_filters(request)
    cases = hardship_cases(request.user, **filters)  # type: ignore[arg-type]
    page, rows = page_of_rows(cases, request)
    units = scope(request.user, Unit.objects.order_by("path"))
    return render(
        request,
        "cases/hardship_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "states": State.choices,
            "categories": Category.choices,
            "units": units,
        },
    )


def hardship_filters(request: HttpRequest) -> dict[str, Any]:
    get = request.GET
    unit = get.get("unit", "")
    return {
        "state": get.get("state") if get.get("state") in State.values else None,
        "category": get.get("category") if get.get("category") in Category.values else None,
        "unit": int(unit) if unit.isdigit() else None,
        "overdue": get.get("overdue") == "1",
    }


def reassign_candidates(case: Case, task: Any, user: Any) -> list[Any]:
    """Whom ``user`` may give the open task to: nobody unless they may
    reassign; else everyone who may take the step, but its assignee."""
    if task is None or not getattr(task.flow_task, "claimable", True) or not can(user, "case.reassign", case):
        return []
    table = TABLES.get(case.case_type)
    people = {m.user for m in next_memberships(case, table)} if table is not None else set()
    return sorted((p for p in people if p.pk != task.owner_id), key=lambda p: p.get_username())


@login_required
@require_POST
def case_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the open task to a colleague, with a reason."""
    case = object_in_scope_or_404(request.user, Case.objects.select_related("unit"), pk=pk)
    task = case_open_task(case)
    if task is None:
        raise PermissionDenied(_("此案件没有待办步骤。"))
    to = User.objects.filter(pk=request.POST.get("to") or 0, is_active=True).first()
    try:
        task_reassign(task=task, to=to, by=request.user, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("已改派给%(user)s。") % {"user": to})
    return redirect("cases:case", pk=case.pk)
