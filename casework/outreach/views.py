"""Pages of the outreach register: the events in scope with the year's
totals, a new event, one event with its photos and trail, a correction,
withdrawal, a photo, and the year as XLSX."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.errors import CaseworkError, NotAllowed, RuleViolation
from casework.hardship.exports import XLSX_TYPE
from casework.ledger.models import LedgerEntry
from casework.ledger.services import subject_of
from casework.org.models import Unit
from casework.outreach.exports import outreach_workbook
from casework.outreach.models import OutreachEvent, OutreachForm, OutreachPhoto
from casework.outreach.selectors import grand_total, outreach_events, totals_by_street, totals_by_unit
from casework.outreach.services import (
    FIELDS,
    outreach_event_correct,
    outreach_event_record,
    outreach_event_withdraw,
)
from casework.web.paging import list_page
from permissions.access import can, object_in_scope_or_404, scope

logger = logging.getLogger(__name__)


def _events() -> QuerySet[OutreachEvent]:
    return OutreachEvent.objects.select_related("unit", "recorded_by", "withdrawn_by")


def recording_units(user: Any) -> QuerySet[Unit]:
    """Open units where ``user`` may record events, in tree order."""
    return scope(user, Unit.objects.filter(closed_on__isnull=True), "outreach.record").order_by("path")


def filters(request: HttpRequest) -> dict[str, Any]:
    """year (default this year), unit, q, withdrawn — anything malformed is ignored."""
    this_year = timezone.localdate().year
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isascii() and raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else this_year
    raw_unit = request.GET.get("unit", "")
    unit = int(raw_unit) if raw_unit.isascii() and raw_unit.isdigit() and len(raw_unit) <= 18 else None
    return {
        "year": year,
        "unit": unit,
        "topic": request.GET.get("q", "").strip()[:100],
        "include_withdrawn": request.GET.get("withdrawn") == "1",
    }


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    chosen = filters(request)
    events = outreach_events(request.user, **chosen)
    totals = totals_by_unit(request.user, year=chosen["year"], unit=chosen["unit"])
    context = {
        "page": list_page(events, request),
        "filters": chosen,
        "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        "units": scope(request.user, Unit.objects.order_by("path")),
        "totals": totals,
        "streets": totals_by_street(totals),
        "grand": grand_total(totals),
        "may_record": recording_units(request.user).exists(),
        "query": request.GET.urlencode(),
    }
    return render(request, "outreach/list.html", context)


def _form(request: HttpRequest, event: OutreachEvent | None, error: CaseworkError | None = None) -> HttpResponse:
    if request.method == "POST":
        values: dict[str, Any] = {name: request.POST.get(name, "") for name in FIELDS}
        values["reason"] = request.POST.get("reason", "")
    elif event is not None:
        values = {name: getattr(event, name) for name in FIELDS}
        values["unit"] = event.unit_id
        values["held_on"] = event.held_on.isoformat()
    else:
        values = {"form": OutreachForm.LECTURE}
    context = {
        "event": event,
        "values": values,
        "units": recording_units(request.user),
        "forms": OutreachForm.choices,
        "error": error,
        "today": timezone.localdate().isoformat(),
    }
    return render(request, "outreach/form.html", context, status=400 if error else 200)


def _posted_unit(request: HttpRequest) -> Unit | None:
    raw = request.POST.get("unit", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        return None
    return recording_units(request.user).filter(pk=int(raw)).first()


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    if not recording_units(request.user).exists():
        raise PermissionDenied(_("您不能登记普法宣传活动。"))
    if request.method != "POST":
        return _form(request, None)
    try:
        event = outreach_event_record(
            unit=_posted_unit(request),
            data=request.POST,
            photos=request.FILES.getlist("photos"),
            by=request.user,  # type: ignore[arg-type]
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        return _form(request, None, error)
    messages.success(request, _("普法宣传活动已登记。"))
    return redirect("outreach:event", pk=event.pk)


def _writable(request: HttpRequest, pk: int) -> OutreachEvent:
    event = object_in_scope_or_404(request.user, _events(), pk=pk)
    if not can(request.user, "outreach.record", event):
        raise PermissionDenied(_("您不能修改该普法宣传活动。"))
    return event


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _writable(request, pk)
    if event.withdrawn:
        messages.error(request, _("活动：该活动已撤回，不能再修改。"))
        return redirect("outreach:event", pk=event.pk)
    if request.method != "POST":
        return _form(request, event)
    raw_unit = request.POST.get("unit", "")
    unit = event.unit if raw_unit == str(event.unit_id) else _posted_unit(request)
    try:
        if unit is None:
            raise RuleViolation(
                _("主办单位：只能是您可以登记普法活动的单位。"), code="outreach.unit_not_yours", field="unit"
            )
        outreach_event_correct(
            event=event,
            unit=unit,
            data=request.POST,
            reason=request.POST.get("reason", ""),
            photos=request.FILES.getlist("photos"),
            by=request.user,  # type: ignore[arg-type]
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        return _form(request, event, error)
    messages.success(request, _("普法宣传活动已更正。"))
    return redirect("outreach:event", pk=event.pk)


@login_required
def event_page(request: HttpRequest, pk: int) -> HttpResponse:
    event = object_in_scope_or_404(request.user, _events(), pk=pk)
    kind, key = subject_of(event)
    trail = (
        LedgerEntry.objects.filter(subject_type=kind, subject_id=key)
        .select_related("actor", "actor_unit")
        .order_by("seq")
    )
    context = {
        "event": event,
        "photos": list(event.photos.all()),
        "trail": trail,
        "may_record": not event.withdrawn and can(request.user, "outreach.record", event),
    }
    return render(request, "outreach/event.html", context)


@login_required
@require_POST
def event_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    event = _writable(request, pk)
    try:
        outreach_event_withdraw(event=event, reason=request.POST.get("reason", ""), by=request.user)  # type: ignore[arg-type]
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("普法宣传活动已撤回。"))
    return redirect("outreach:event", pk=event.pk)


@login_required
def photo_download(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    """A photo of an event in scope; outside scope, or of another event: 404."""
    event = object_in_scope_or_404(request.user, OutreachEvent.objects.all(), pk=pk)
    photo = get_object_or_404(OutreachPhoto, pk=photo_pk, event_id=event.pk)
    try:
        handle = default_storage.open(photo.file.name, "rb")
    except FileNotFoundError:
        logger.error("photo %s of outreach event %s: file %s is missing", photo.pk, event.pk, photo.file.name)
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=photo.original_name, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def events_xlsx(request: HttpRequest) -> HttpResponse:
    chosen = filters(request)
    events = list(
        outreach_events(request.user, year=chosen["year"], unit=chosen["unit"]).annotate(photo_count=Count("photos"))
    )
    totals = totals_by_unit(request.user, year=chosen["year"], unit=chosen["unit"])
    book = outreach_workbook(chosen["year"], events, totals, totals_by_street(totals))
    response = HttpResponse(book, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="outreach-{chosen["year"]}.xlsx"'
    return response
