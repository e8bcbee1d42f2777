"""Pages of the reports: a unit's figures for a period, each linking to
the records behind it (the same queryset that counted them)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode

from casework.cases.models import Case
from casework.errors import NotAllowed, RuleViolation
from casework.hardship.exports import XLSX_TYPE
from casework.reports.charts import dashboard_charts
from casework.reports.exports import annual_draft_pdf, figures_workbook
from casework.reports.figures import FIGURES, SECTION_ORDER, SECTIONS, Window
from casework.reports.selectors import ACTION, figure_records, report_summary, report_window
from casework.web.paging import list_page
from casework.web.params import units_where
from permissions.roles import MIDDLE, UPPER

PER_PAGE = 50


def _window(request: HttpRequest) -> Window:
    try:
        return report_window(request.user, request.GET)
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error


def _query(window: Window) -> str:
    return urlencode(
        {"unit": str(window.unit.pk), "from": window.date_from.isoformat(), "to": window.date_to.isoformat()}
    )


@login_required
def summary_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"params": request.GET}
    try:
        window = _window(request)
    except RuleViolation as error:
        return render(request, "reports/summary.html", {**context, "error": error}, status=400)
    units = units_where(window.user, ACTION).filter(kind__in=(*UPPER, *MIDDLE)).order_by("path")
    context.update(window=window, units=units, query=_query(window), sections=report_summary(window))
    return render(request, "reports/summary.html", context)


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """The figures drawn: each unit under the window's side by side (a
    district's streets, a street's enterprises), and month by month."""
    context: dict[str, Any] = {"params": request.GET}
    try:
        window = _window(request)
    except RuleViolation as error:
        return render(request, "reports/dashboard.html", {**context, "error": error}, status=400)
    units = units_where(window.user, ACTION).filter(kind__in=(*UPPER, *MIDDLE)).order_by("path")
    figures = [spec for key in SECTION_ORDER if key in SECTIONS for spec in SECTIONS[key].figures]
    context.update(window=window, units=units, query=_query(window), charted=dashboard_charts(window, figures))
    return render(request, "reports/dashboard.html", context)


def _row(record: Any) -> tuple[str, str | None]:
    """A record as a line and the page of its case, when it has one."""
    if isinstance(record, Case):
        return f"{record.number or record.pk} · {record.unit.name}", reverse("cases:case", args=[record.pk])
    case_id = getattr(record, "case_id", None)
    return str(record), reverse("cases:case", args=[case_id]) if case_id else None


@login_required
def records_page(request: HttpRequest) -> HttpResponse:
    try:
        window = _window(request)
    except RuleViolation as error:
        return render(request, "reports/records.html", {"error": error}, status=400)
    key = request.GET.get("figure", "")
    records = figure_records(window, key)
    page = list_page(records, request, PER_PAGE)
    context = {"window": window, "figure": FIGURES[key], "page": page, "query": _query(window)}
    return render(request, "reports/records.html", {**context, "rows": [_row(r) for r in page]})


def _file(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        window = _window(request)
    except RuleViolation as error:
        return render(request, "reports/summary.html", {"params": request.GET, "error": error}, status=400)
    sections = report_summary(window)
    name = f"figures-{window.unit.code}-{window.date_from:%Y%m%d}-{window.date_to:%Y%m%d}"
    if kind == "xlsx":
        response = HttpResponse(figures_workbook(window, sections), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(annual_draft_pdf(window, sections), content_type="application/pdf")
        name = f"annual-draft-{window.unit.code}-{window.date_to:%Y}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@login_required
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    return _file(request, "xlsx")


@login_required
def annual_draft(request: HttpRequest) -> HttpResponse:
    return _file(request, "pdf")


app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("", summary_page, name="summary"),
    path("dashboard/", dashboard_page, name="dashboard"),
    path("records/", records_page, name="records"),
    path("figures.xlsx", figures_xlsx, name="xlsx"),
    path("annual-draft.pdf", annual_draft, name="annual-draft"),
]
