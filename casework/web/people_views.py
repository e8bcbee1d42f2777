"""The unit tree and the people registry as pages, scoped like the API:
lists start from ``scope``, details from ``object_in_scope_or_404``;
personal numbers are masked, and a reveal asks a reason and is logged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from casework.errors import NotAllowed, RuleViolation
from casework.org.models import Unit
from casework.people.models import Person
from casework.people.selectors import person_search
from casework.people.services import person_reveal
from casework.web.paging import list_page
from permissions.access import can, object_in_scope_or_404, scope


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = scope(request.user, Unit.objects.select_related("parent").order_by("path"))
    q = request.GET.get("q", "").strip()
    if q:
        units = units.filter(code__icontains=q) | units.filter(name__icontains=q)
    page = list_page(units, request)
    return render(request, "web/units/list.html", {"page": page, "q": q})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = object_in_scope_or_404(request.user, Unit.objects.select_related("parent"), pk=pk)
    children = scope(request.user, Unit.objects.filter(parent=unit).order_by("path"))
    people = scope(request.user, Person.objects.filter(employer=unit)).count()
    return render(request, "web/units/detail.html", {"unit": unit, "children": children, "people": people})


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    people = scope(request.user, Person.objects.select_related("employer").order_by("name", "id"))
    q = request.GET.get("q", "").strip()
    page = list_page(person_search(people, q), request)
    return render(request, "web/people/list.html", {"page": page, "q": q})


def _person_page(request: HttpRequest, person: Person, **extra: object) -> dict[str, object]:
    return {
        "person": person,
        "household": person.household.all(),
        "may_reveal": can(request.user, "person.reveal", person),
        **extra,
    }


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = object_in_scope_or_404(request.user, Person.objects.select_related("employer"), pk=pk)
    return render(request, "web/people/detail.html", _person_page(request, person))


@login_required
@require_POST
def person_reveal_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full numbers once, on this response only (never stored in the
    session or put in a URL), after logging who asked and why."""
    person = object_in_scope_or_404(request.user, Person.objects.select_related("employer"), pk=pk)
    try:
        shown = person_reveal(person=person, by=request.user, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except RuleViolation as error:
        return render(request, "web/people/detail.html", _person_page(request, person, error=error), status=400)
    return render(request, "web/people/detail.html", _person_page(request, person, shown=shown))
