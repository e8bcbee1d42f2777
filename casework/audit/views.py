"""Pages of the auditors' workspace: the integrity checks, the trail search,
a case's timeline, the reveal log, and evidence packs (PDF, JSON, XLSX).

Every page asks first whether the user reads the trail anywhere (403
otherwise); a unit or case outside their scope answers 404. Running the
check on demand changes no record: it keeps one more result, so the
read-only auditor may ask for it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.accounts.models import User
from casework.audit.filters import auditor_of_page
from casework.audit.integrity import integrity_check_requested, integrity_checks
from casework.audit.packs import evidence_pack, pack_json, pack_pdf, pack_workbook
from casework.audit.trail import (
    TrailQuery,
    case_timeline,
    reveal_log,
    trail_describe,
    trail_query_parse,
    trail_search,
)
from casework.celery import enqueue_on_commit
from casework.errors import NotAllowed, RuleViolation
from casework.hardship.exports import XLSX_TYPE
from casework.org.models import Unit
from casework.web.paging import list_page
from permissions.access import scope
from permissions.roles import MIDDLE, UPPER

PER_PAGE = 50
RECENT_CHECKS = 20
# A trail search exported as one pack: beyond this, narrow the search.
PACK_LIMIT = 5000
PACK_TYPES = {"pdf": "application/pdf", "json": "application/json", "xlsx": XLSX_TYPE}


def _units(user: User) -> list[Unit]:
    """Units to search under: the district and street levels in scope (an
    enterprise is reached by its id in the address)."""
    kinds = (*UPPER, *MIDDLE)
    return list(scope(user, Unit.objects.filter(kind__in=kinds), "ledger.view").order_by("path"))


@login_required
def audit_home(request: HttpRequest) -> HttpResponse:
    auditor_of_page(request)
    checks = list(integrity_checks()[:RECENT_CHECKS])
    return render(request, "audit/home.html", {"checks": checks, "latest": checks[0] if checks else None})


@login_required
@require_POST
def integrity_run(request: HttpRequest) -> HttpResponse:
    """Ask for a check now: a worker walks the chain (a long walk has no
    place in a request); its result joins the list when done."""
    user = auditor_of_page(request)
    enqueue_on_commit(integrity_check_requested, user.pk)
    messages.success(request, _("已开始核验，完成后结果显示在下表。"))
    return redirect("audit:home")


def _search(request: HttpRequest, template: str, select: Any) -> HttpResponse:
    user = auditor_of_page(request)
    context: dict[str, Any] = {"units": _units(user), "params": request.GET, "error": None, "page": None}
    try:
        query = trail_query_parse(user, request.GET)
    except RuleViolation as error:
        context["error"] = error
        return render(request, template, context, status=400)
    page = list_page(select(user, query), request, PER_PAGE)
    context.update(query=query, page=page, rows=trail_describe(page.object_list))
    return render(request, template, context)


@login_required
def trail_page(request: HttpRequest) -> HttpResponse:
    return _search(request, "audit/trail.html", trail_search)


@login_required
def reveals_page(request: HttpRequest) -> HttpResponse:
    return _search(request, "audit/reveals.html", reveal_log)


@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = auditor_of_page(request)
    query = trail_query_parse(user, {"case": str(pk)})
    assert query.case is not None
    try:
        steps = case_timeline(user, query.case)
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    rows = trail_describe([step.entry for step in steps])
    return render(
        request,
        "audit/case.html",
        {"case": query.case.coerced, "timeline": list(zip(steps, rows, strict=True))},
    )


def _pack_response(request: HttpRequest, query: TrailQuery, kind: str, name: str) -> HttpResponse:
    user = auditor_of_page(request)
    try:
        pack = evidence_pack(user=user, query=query)
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    body = {"pdf": pack_pdf, "json": pack_json, "xlsx": pack_workbook}[kind](pack)
    response = HttpResponse(body, content_type=PACK_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@login_required
def case_pack_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = auditor_of_page(request)
    query = trail_query_parse(user, {"case": str(pk)})
    return _pack_response(request, query, kind, f"evidence-case-{pk}")


@login_required
def trail_pack_download(request: HttpRequest, kind: str) -> HttpResponse:
    user = auditor_of_page(request)
    try:
        query = trail_query_parse(user, request.GET)
        if trail_search(user, query).count() > PACK_LIMIT:
            raise RuleViolation(
                _("查询条件：结果超过%(n)d条，请缩小范围后再导出证据包。") % {"n": PACK_LIMIT},
                code="audit.pack_too_large",
                field="from",
            )
    except RuleViolation as error:
        context = {"units": _units(user), "params": request.GET, "error": error, "page": None}
        return render(request, "audit/trail.html", context, status=400)
    return _pack_response(request, query, kind, "evidence-trail")


urlpatterns: list[URLPattern] = [
    path("", audit_home, name="home"),
    path("integrity/run/", integrity_run, name="integrity-run"),
    path("trail/", trail_page, name="trail"),
    path("reveals/", reveals_page, name="reveals"),
    path("cases/<int:pk>/", case_page, name="case"),
    # One address per kind of file (audit:trail-pdf, audit:case-json …).
    *(path(f"trail/pack.{kind}", trail_pack_download, {"kind": kind}, name=f"trail-{kind}") for kind in PACK_TYPES),
    *(
        path(f"cases/<int:pk>/pack.{kind}", case_pack_download, {"kind": kind}, name=f"case-{kind}")
        for kind in PACK_TYPES
    ),
]
