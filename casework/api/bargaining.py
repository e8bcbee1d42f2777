"""Bargaining cases in the API: list and open them, name a side, record a
round. The steps themselves (offer, replies, draft, congress, signing,
filing, the bureau's review, publication) go through the generic task API;
a letter a step needs is uploaded first to the case's documents."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.cases import LARGEST_ID, CaseBrief, TaskBrief, with_open_tasks
from casework.api.pagination import ByIds
from casework.api.views import choice_param, whole_param
from casework.bargaining.choices import Side, State
from casework.bargaining.models import BargainingCase, Round
from casework.bargaining.services import (
    bargaining_case_open,
    bargaining_round_record,
    bargaining_side_set,
)
from casework.bargaining.transitions import UNION
from casework.cases.selectors import cases_of
from casework.org.models import Unit
from permissions.access import object_in_scope_or_404, require


class SeatOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    side = serializers.CharField()
    role = serializers.CharField()
    outside_expert = serializers.BooleanField()
    name = serializers.CharField()
    person = serializers.IntegerField(source="person_id", allow_null=True)
    position = serializers.CharField()


class RoundOut(serializers.Serializer):
    number = serializers.IntegerField()
    held_on = serializers.DateField()
    recorder = serializers.CharField()
    chiefs_confirmed = serializers.BooleanField()
    attendance = serializers.SerializerMethodField()

    def get_attendance(self, meeting: Round) -> list[int]:
        return [seat.pk for seat in meeting.attendance.all()]


class BargainingCaseOut(CaseBrief):
    term = serializers.IntegerField()
    previous = serializers.IntegerField(source="previous_id", allow_null=True)
    workers_covered = serializers.IntegerField()
    offered_by = serializers.CharField()
    offer_served_on = serializers.DateField(allow_null=True)
    reply = serializers.CharField()
    minimum_pay = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    wage_increase_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    term_months = serializers.IntegerField(allow_null=True)
    signed_on = serializers.DateField(allow_null=True)
    received_on = serializers.DateField(allow_null=True)
    effective_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    tasks = serializers.SerializerMethodField()

    @extend_schema_field(TaskBrief(many=True))
    def get_tasks(self, case: BargainingCase) -> list[dict[str, Any]]:
        return [dict(TaskBrief(t).data) for t in getattr(case, "open_tasks", [])]


class BargainingCaseDetailOut(BargainingCaseOut):
    seats = SeatOut(many=True)
    rounds = RoundOut(many=True)


class PreparationIn(serializers.Serializer):
    average_wage = serializers.CharField(required=False, allow_blank=True, help_text="yuan, as entered")
    lowest_wage = serializers.CharField(required=False, allow_blank=True)
    output_value = serializers.CharField(required=False, allow_blank=True)
    profit = serializers.CharField(required=False, allow_blank=True)
    preparation_sources = serializers.CharField(required=False, allow_blank=True, help_text="required with any figure")


class BargainingCaseIn(serializers.Serializer):
    unit = serializers.IntegerField(help_text="the enterprise (a grass-roots unit in your scope)")
    workers_covered = serializers.IntegerField()
    preparation = PreparationIn(required=False)


def _detail(queryset: QuerySet[BargainingCase]) -> QuerySet[BargainingCase]:
    return with_open_tasks(queryset).prefetch_related(
        "seats", Prefetch("rounds", queryset=Round.objects.prefetch_related("attendance"))
    )


@extend_schema(
    parameters=[
        OpenApiParameter("state", str, enum=[s.value for s in State]),
        OpenApiParameter("unit", int, description="cases of this unit and the units under it"),
        OpenApiParameter("overdue", str, enum=["true", "false"], description="only cases with an overdue open step"),
    ]
)
class BargainingCaseList(ByIds, generics.ListCreateAPIView):
    """Bargaining cases in my scope, newest first; open one for an enterprise."""

    serializer_class = BargainingCaseOut

    def get_queryset(self) -> QuerySet[BargainingCase]:
        return with_open_tasks(
            cases_of(
                self.request.user,  # type: ignore[arg-type]
                BargainingCase,
                state=choice_param(self.request, "state", State.values),
                unit=whole_param(self.request, "unit"),
                overdue=choice_param(self.request, "overdue", ["true", "false"]) == "true",
            )
        )

    @extend_schema(request=BargainingCaseIn, responses={201: BargainingCaseDetailOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = BargainingCaseIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        unit = object_in_scope_or_404(request.user, Unit.objects.all(), pk=values["unit"])
        case = bargaining_case_open(
            unit=unit,
            workers_covered=values["workers_covered"],
            preparation=dict(values.get("preparation", {})),
            by=request.user,  # type: ignore[arg-type]
        )
        fresh = _detail(BargainingCase.objects.filter(pk=case.pk)).get()
        return Response(BargainingCaseDetailOut(fresh).data, status=status.HTTP_201_CREATED)


def _case(request: Request, pk: int) -> BargainingCase:
    if not 0 < pk <= LARGEST_ID:
        raise Http404
    return object_in_scope_or_404(request.user, _detail(BargainingCase.objects.select_related("unit")), pk=pk)


class BargainingCaseDetail(APIView):
    @extend_schema(responses=BargainingCaseDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(BargainingCaseDetailOut(_case(request, pk)).data)


class SeatIn(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, help_text="not needed with person or id_number")
    role = serializers.ChoiceField(choices=["chief", "member"])
    outside_expert = serializers.BooleanField(default=False)
    person = serializers.IntegerField(required=False, allow_null=True, help_text="a person of the registry")
    id_number = serializers.CharField(required=False, allow_blank=True)
    position = serializers.CharField(required=False, allow_blank=True)


class SideIn(serializers.Serializer):
    seats = SeatIn(many=True)
    chief_delegated = serializers.BooleanField(
        default=False, help_text="the union's chief is not its chair: the chair's letter is among the case's documents"
    )


class BargainingSide(APIView):
    """Name one side's representatives (the whole side at once)."""

    @extend_schema(
        request=SideIn,
        responses=BargainingCaseDetailOut,
        parameters=[OpenApiParameter("side", str, OpenApiParameter.PATH, enum=Side.values)],
    )
    def put(self, request: Request, pk: int, side: str) -> Response:
        case = _case(request, pk)
        require(request.user, "case.file", case, roles=UNION)  # before the input: a reader learns nothing from it
        body = SideIn(data=request.data)
        body.is_valid(raise_exception=True)
        bargaining_side_set(
            case=case,
            side=side,
            seats=[dict(seat) for seat in body.validated_data["seats"]],
            chief_delegated=body.validated_data["chief_delegated"],
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(BargainingCaseDetailOut(_case(request, pk)).data)


class RoundIn(serializers.Serializer):
    held_on = serializers.CharField(help_text="YYYY-MM-DD")
    recorder = serializers.CharField(allow_blank=True, help_text="a neutral recorder, no representative")
    minutes = serializers.CharField(allow_blank=True)
    attendance = serializers.ListField(child=serializers.IntegerField(), help_text="seat ids of those present")
    chiefs_confirmed = serializers.BooleanField(default=False)


class BargainingRounds(APIView):
    """Record one negotiation meeting."""

    @extend_schema(request=RoundIn, responses={201: BargainingCaseDetailOut})
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        require(request.user, "case.file", case, roles=UNION)
        body = RoundIn(data=request.data)
        body.is_valid(raise_exception=True)
        bargaining_round_record(case=case, by=request.user, **body.validated_data)  # type: ignore[arg-type]
        return Response(BargainingCaseDetailOut(_case(request, pk)).data, status=status.HTTP_201_CREATED)


urlpatterns: list[URLPattern] = [
    path("bargaining/cases/", BargainingCaseList.as_view(), name="bargaining-cases"),
    path("bargaining/cases/<int:pk>/", BargainingCaseDetail.as_view(), name="bargaining-case"),
    path("bargaining/cases/<int:pk>/sides/<str:side>/", BargainingSide.as_view(), name="bargaining-side"),
    path("bargaining/cases/<int:pk>/rounds/", BargainingRounds.as_view(), name="bargaining-rounds"),
]
