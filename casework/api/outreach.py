"""The outreach register over the API: events in scope (filtered by year,
unit subtree, topic), recording one, one event, withdrawing it, and the
year's totals per organiser unit and per street or park. Photos are added
on the event's page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.cases import LARGEST_ID
from casework.api.serializers import Reason
from casework.api.views import choice_param, whole_param
from casework.errors import NotAllowed, RuleViolation
from casework.org.models import Unit
from casework.outreach.models import MAX_AUDIENCE, OutreachEvent, OutreachForm, OutreachPhoto
from casework.outreach.selectors import Total, grand_total, outreach_events, totals_by_street, totals_by_unit
from casework.outreach.services import outreach_event_record, outreach_event_withdraw, records_anywhere
from permissions.access import REFUSALS, object_in_scope_or_404, require

FIRST_YEAR, LAST_YEAR = 2000, 2100


class PhotoOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField(help_text="bytes")
    content_type = serializers.CharField()
    sha256 = serializers.CharField()
    download = serializers.SerializerMethodField(help_text="the file, for a signed-in browser session")

    def get_download(self, photo: OutreachPhoto) -> str:
        return reverse("outreach:photo", args=[photo.event_id, photo.pk])


class EventOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    held_on = serializers.DateField()
    place = serializers.CharField()
    topic = serializers.CharField()
    form = serializers.CharField()
    form_label = serializers.CharField(source="get_form_display")
    audience = serializers.IntegerField()
    partner = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    recorded_at = serializers.DateTimeField()
    withdrawn = serializers.BooleanField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField()


class EventDetailOut(EventOut):
    notes = serializers.CharField()
    photos = PhotoOut(many=True)


class EventIn(serializers.Serializer):
    unit = serializers.IntegerField(help_text="the organiser: a unit where you may record events")
    held_on = serializers.CharField(help_text="YYYY-MM-DD, not after today")
    place = serializers.CharField(allow_blank=True, max_length=200)
    topic = serializers.CharField(allow_blank=True, max_length=200)
    form = serializers.ChoiceField(choices=OutreachForm.choices)
    audience = serializers.IntegerField(help_text=f"1 to {MAX_AUDIENCE}")
    partner = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="e.g. 区司法局")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class WithdrawIn(serializers.Serializer):
    reason = Reason()


class TotalOut(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    code = serializers.CharField()
    name = serializers.CharField()
    events = serializers.IntegerField()
    audience = serializers.IntegerField()


class TotalsOut(serializers.Serializer):
    year = serializers.IntegerField()
    events = serializers.IntegerField()
    audience = serializers.IntegerField()
    units = TotalOut(many=True, help_text="per organiser unit")
    streets = TotalOut(many=True, help_text="rolled up to each street or park; the district's own events as its row")


YEAR = OpenApiParameter(
    "year", {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}, description="the calendar year"
)
UNIT = OpenApiParameter("unit", int, description="events of this unit and the units under it")


def _year(request: Request, default: int | None) -> int | None:
    value = whole_param(request, "year")
    if value is None:
        return default
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise RuleViolation(
            _("year：应在%(first)d至%(last)d之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="invalid",
            field="year",
        )
    return value


def _detail(queryset: QuerySet[OutreachEvent]) -> QuerySet[OutreachEvent]:
    return queryset.select_related("unit", "recorded_by").prefetch_related("photos")


@extend_schema(
    parameters=[
        YEAR,
        UNIT,
        OpenApiParameter("q", str, description="in the topic, place or partner"),
        OpenApiParameter("withdrawn", str, enum=["true", "false"], description="include withdrawn events"),
    ]
)
class EventList(generics.ListCreateAPIView):
    """Outreach events in my scope, newest first; record one."""

    serializer_class = EventOut

    def get_queryset(self) -> QuerySet[OutreachEvent]:
        return outreach_events(
            self.request.user,
            year=_year(self.request, None),
            unit=whole_param(self.request, "unit"),
            topic=self.request.query_params.get("q", ""),
            include_withdrawn=choice_param(self.request, "withdrawn", ["true", "false"]) == "true",
        )

    @extend_schema(request=EventIn, responses={201: EventDetailOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not records_anywhere(request.user):  # before the input: a reader learns nothing from it
            raise NotAllowed(str(REFUSALS["access.no_role"]), code="access.no_role")
        body = EventIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        unit_id = values.pop("unit")
        unit = Unit.objects.filter(pk=unit_id).first() if 0 < unit_id <= LARGEST_ID else None
        event = outreach_event_record(unit=unit, data=values, by=request.user)  # type: ignore[arg-type]
        return Response(EventDetailOut(_detail(OutreachEvent.objects.filter(pk=event.pk)).get()).data, status=201)


def _event(request: Request, pk: int) -> OutreachEvent:
    if not 0 < pk <= LARGEST_ID:
        raise Http404
    return object_in_scope_or_404(request.user, _detail(OutreachEvent.objects.all()), pk=pk)


class EventDetail(APIView):
    @extend_schema(responses=EventDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(EventDetailOut(_event(request, pk)).data)


class EventWithdraw(APIView):
    """Withdraw an event recorded in error, with a reason: it stays, marked, and leaves the totals."""

    @extend_schema(request=WithdrawIn, responses=EventDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        event = _event(request, pk)
        require(request.user, "outreach.record", event)
        body = WithdrawIn(data=request.data)
        body.is_valid(raise_exception=True)
        outreach_event_withdraw(event=event, reason=body.validated_data["reason"], by=request.user)  # type: ignore[arg-type]
        return Response(EventDetailOut(_event(request, pk)).data, status=status.HTTP_200_OK)


class Totals(APIView):
    """A year's events and audience (withdrawn ones left out) per organiser
    unit in my scope and per street or park."""

    @extend_schema(parameters=[YEAR, UNIT], responses=TotalsOut)
    def get(self, request: Request) -> Response:
        year = _year(request, timezone.localdate().year)
        assert year is not None
        units: list[Total] = totals_by_unit(request.user, year=year, unit=whole_param(request, "unit"))
        events, audience = grand_total(units)
        data = {
            "year": year,
            "events": events,
            "audience": audience,
            "units": units,
            "streets": totals_by_street(units),
        }
        return Response(TotalsOut(data).data)


urlpatterns: list[URLPattern] = [
    path("outreach/events/", EventList.as_view(), name="outreach-events"),
    path("outreach/events/<int:pk>/", EventDetail.as_view(), name="outreach-event"),
    path("outreach/events/<int:pk>/withdraw/", EventWithdraw.as_view(), name="outreach-event-withdraw"),
    path("outreach/totals/", Totals.as_view(), name="outreach-totals"),
]
