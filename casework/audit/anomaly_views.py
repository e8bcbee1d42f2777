"""Pages of the auditors' workspace: the anomaly rules' findings for a unit
subtree and a period, grouped by rule, each linking to its case."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.audit.anomalies import RULES, Finding, anomalies_find
from casework.audit.filters import audit_period, audit_unit, audit_units, auditor_of_page
from casework.district.catalogue import SETTINGS
from casework.errors import NotAllowed, RuleViolation
from casework.web.paging import list_page

PER_PAGE = 100
# The selector's field names, as the page's form calls them.
FIELDS = {"date_from": "from", "date_to": "to", "rules": "rule"}


@login_required
def anomalies_page(request: HttpRequest) -> HttpResponse:
    user = auditor_of_page(request)
    rule = request.GET.get("rule", "")
    context: dict[str, Any] = {
        "units": list(audit_units(user).order_by("path")),
        "rules": RULES.values(),
        "chosen": {"rule": rule, "from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
    }
    try:
        unit = audit_unit(user, request.GET, own_by_default=True)
        assert unit is not None  # auditor_of_page: the user reads the trail somewhere
        context["unit"] = unit
        today = timezone.localdate()
        date_from, date_to = audit_period(request.GET, default_from=today.replace(month=1, day=1), default_to=today)
        assert date_from is not None and date_to is not None  # defaults given
        context["chosen"].update({"from": date_from.isoformat(), "to": date_to.isoformat()})
        if rule and rule not in RULES:
            raise RuleViolation(_("规则：请从列表中选择。"), code="audit.rule_unknown", field="rule")
        findings = anomalies_find(
            user=user,
            unit=unit,
            date_from=date_from,
            date_to=date_to,
            rules=[rule] if rule else None,
        )
    except NotAllowed as refused:
        raise PermissionDenied(refused.message) from refused
    except RuleViolation as error:
        context["error"] = {"message": error.message, "field": FIELDS.get(error.field or "", error.field)}
        return render(request, "audit/anomalies.html", context, status=400)
    page = list_page(findings, request, PER_PAGE)
    context.update(
        {"page": page, "total": len(findings), "groups": _groups(findings, list(page), rule, page.number == 1)}
    )
    return render(request, "audit/anomalies.html", context)


def _groups(findings: list[Finding], on_page: list[Finding], rule: str, first_page: bool) -> list[dict[str, Any]]:
    """The page's findings under each rule asked for, in the rules' order:
    a rule with findings on this page, or (on the first page) one with none
    at all, which then says so; not a rule whose findings are on other pages."""
    found = Counter(f.rule for f in findings)
    groups = []
    for r in RULES.values():
        mine = [f for f in on_page if f.rule == r.code]
        if (rule and r.code != rule) or not (mine or (first_page and not found[r.code])):
            continue
        groups.append({"rule": r, "settings": [SETTINGS[key].label for key in r.settings], "findings": mine})
    return groups


urlpatterns: list[URLPattern] = [
    path("anomalies/", anomalies_page, name="anomalies"),
]
