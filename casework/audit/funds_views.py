"""Pages of the auditors' workspace: the funds audit (经费审计) of a unit's
subtree over a period, on the page and as XLSX with the same filters.

Only users who read the trail (``ledger.view``) get the page; a unit outside
their scope, or none such, answers 404 like everything absent; malformed
input answers 400 with a message naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import urlencode

from casework.accounts.models import User
from casework.audit.filters import audit_period, audit_unit, audit_units, auditor_of_page
from casework.audit.funds import FundsReport, funds_audit
from casework.audit.funds_exports import funds_workbook
from casework.errors import CaseworkError, NotAllowed
from casework.hardship.exports import XLSX_TYPE
from casework.org.models import Unit
from casework.web.paging import list_page
from permissions.roles import GRASS_ROOTS

PAGE_SIZE = 100


@dataclass
class Filters:
    unit: Unit
    date_from: date
    date_to: date
    show_all: bool

    def query(self) -> str:
        """The filters as a query string, for the export and the pager."""
        values = {"unit": str(self.unit.pk), "from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        if self.show_all:
            values["all"] = "1"
        return urlencode(values)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _filters(request: HttpRequest, user: User) -> Filters:
    today = timezone.localdate()
    unit = audit_unit(user, request.GET, own_by_default=True)
    assert unit is not None  # the page is refused to users with no such unit
    date_from, date_to = audit_period(request.GET, default_from=today.replace(month=1, day=1), default_to=today)
    assert date_from is not None and date_to is not None  # defaults given
    return Filters(unit=unit, date_from=date_from, date_to=date_to, show_all=request.GET.get("all") == "1")


def _report(request: HttpRequest) -> tuple[dict[str, Any], FundsReport | None, int]:
    """The page's context and the report, or the context with the error and its status."""
    user = _user(request)
    auditor_of_page(request)
    units = audit_units(user)
    context: dict[str, Any] = {
        "units": units.exclude(kind__in=GRASS_ROOTS).order_by("path"),
        "entered": {name: request.GET.get(name, "") for name in ("unit", "from", "to")},
    }
    try:
        chosen = _filters(request, user)
        context["filters"] = chosen
        report = funds_audit(user=user, unit=chosen.unit, date_from=chosen.date_from, date_to=chosen.date_to)
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        context["error"] = error
        return context, None, error.http_status
    return context, report, 200


@login_required
def funds_page(request: HttpRequest) -> HttpResponse:
    context, report, status = _report(request)
    if report is not None:
        chosen: Filters = context["filters"]
        context.update(
            report=report,
            query=chosen.query(),
            page=list_page(report.traces, request, PAGE_SIZE) if chosen.show_all else None,
        )
    return render(request, "audit/funds.html", context, status=status)


@login_required
def funds_xlsx(request: HttpRequest) -> HttpResponse:
    context, report, status = _report(request)
    if report is None:
        return render(request, "audit/funds.html", context, status=status)
    response = HttpResponse(funds_workbook(report), content_type=XLSX_TYPE)
    name = f"funds-audit-{report.unit.pk}-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns: list[URLPattern] = [
    path("funds/", funds_page, name="funds"),
    path("funds/xlsx/", funds_xlsx, name="funds-xlsx"),
]
