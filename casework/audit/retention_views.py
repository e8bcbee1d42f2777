"""Pages of retention: the people whose files have passed their retention
term (and, on request, every one with a recorded term), the tombstones of
purges done, and one person's page with the purge form.

Read by whoever reads the trail (the auditors) or may purge (the
administrators); anyone else gets 403. A person outside scope answers 404;
only the administrator of the person's district is shown the form, and a
post by anyone else answers 403 before its input is read.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.audit.retention import (
    PURGE_ACTION,
    cases_about,
    may_purge,
    person_purge,
    purge_terms,
    purges_seen,
    retention_people,
)
from casework.audit.retention_models import PersonPurge
from casework.errors import NotAllowed, RuleViolation
from casework.people.models import Person
from casework.web.paging import list_page
from permissions.access import REFUSALS, object_in_scope_or_404, permitted_anywhere, scope

PER_PAGE = 50
RECENT_PURGES = 20


def _reader(request: HttpRequest) -> User:
    user = request.user
    if not (permitted_anywhere(user, "ledger.view") or permitted_anywhere(user, PURGE_ACTION)):
        raise PermissionDenied(str(REFUSALS["access.no_role"]))
    assert isinstance(user, User)
    return user


@login_required
def retention_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    show_all = request.GET.get("all") == "1"
    today = timezone.localdate()
    page = list_page(retention_people(user, due_only=not show_all, today=today), request, PER_PAGE)
    for person in page:
        person.earliest = person.kept_until + timedelta(days=1)
    context = {
        "page": page,
        "show_all": show_all,
        "today": today,
        "purges": purges_seen(user)[:RECENT_PURGES],
    }
    return render(request, "audit/retention.html", context)


def _person_context(user: User, person: Person) -> dict[str, Any]:
    purge = PersonPurge.objects.filter(person=person).select_related("purged_by", "unit").first()
    context: dict[str, Any] = {
        "person": person,
        "purge": purge,
        # Only the cases the reader sees; the purge rule itself weighs them all.
        "cases": scope(user, cases_about(person)).select_related("retention", "unit").order_by("pk"),
        "may_purge": purge is None and may_purge(user, person),
        "refusal": None,
    }
    if purge is None:
        try:
            purge_terms(person)
        except RuleViolation as refusal:
            context["refusal"] = refusal
    return context


@login_required
def retention_person(request: HttpRequest, pk: int) -> HttpResponse:
    user = _reader(request)
    person = object_in_scope_or_404(user, Person.objects.select_related("employer"), pk=pk)
    if request.method != "POST":
        return render(request, "audit/retention_person.html", _person_context(user, person))
    if not may_purge(user, person):  # before any input is read
        raise PermissionDenied(_("清除个人信息：只有当事人所在区的区总工会系统管理员可以执行。"))
    try:
        if request.POST.get("confirm") != "1":
            raise RuleViolation(
                _("确认：请勾选确认清除，清除后不可恢复。"), code="retention.confirm_required", field="confirm"
            )
        person_purge(person=person, reason=request.POST.get("reason", ""), by=user)
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except RuleViolation as error:
        context = {**_person_context(user, person), "error": error, "reason": request.POST.get("reason", "")}
        return render(request, "audit/retention_person.html", context, status=400)
    messages.success(request, _("已清除此人的个人信息，清除记录已留存。"))
    return redirect("audit:retention")


urlpatterns: list[URLPattern] = [
    path("retention/", retention_list, name="retention"),
    path("retention/people/<int:pk>/", retention_person, name="retention-person"),
]
