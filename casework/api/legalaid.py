"""Legal-aid cases in the API: list and record applications, a case with
its events, record an event, reassign the lawyer. The steps themselves
(completeness, decision, objection, assignment, closure, subsidy) go
through the generic task API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.cases import LARGEST_ID, CaseBrief, TaskBrief, with_open_tasks
from casework.api.pagination import ByIds
from casework.api.serializers import Reason
from casework.api.views import choice_param, whole_param
from casework.cases.selectors import cases_of
from casework.legalaid.choices import State
from casework.legalaid.models import LegalAidCase
from casework.legalaid.services import (
    RECEIVERS,
    hardship_record_of,
    legalaid_apply,
    legalaid_event_record,
    legalaid_lawyer_reassign,
)
from casework.org.models import Unit
from casework.people.models import Person
from permissions.access import object_in_scope_or_404, require


class CaseEventOut(serializers.Serializer):
    kind = serializers.CharField()
    happened_on = serializers.DateField()
    outcome = serializers.CharField()


class LegalAidCaseOut(CaseBrief):
    person = serializers.IntegerField(source="person_id")
    opposing_party = serializers.CharField()
    opposing_code = serializers.CharField()
    dispute = serializers.CharField()
    aid_form = serializers.CharField()
    basis = serializers.CharField()
    urgency = serializers.CharField()
    lawyer = serializers.SerializerMethodField()
    outcome = serializers.CharField()
    amount_claimed = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    amount_recovered = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    tasks = serializers.SerializerMethodField()

    def get_lawyer(self, case: LegalAidCase) -> str | None:
        return case.lawyer.get_username() if case.lawyer is not None else None

    @extend_schema_field(TaskBrief(many=True))
    def get_tasks(self, case: LegalAidCase) -> list[dict[str, Any]]:
        return [dict(TaskBrief(t).data) for t in getattr(case, "open_tasks", [])]


class LegalAidCaseDetailOut(LegalAidCaseOut):
    events = CaseEventOut(many=True)
    hardship_record = serializers.SerializerMethodField(help_text="the applicant's hardship record on file, if any")

    def get_hardship_record(self, case: LegalAidCase) -> str | None:
        record = hardship_record_of(case.person) if case.person is not None else None
        return record.number if record is not None else None


class LegalAidCaseIn(serializers.Serializer):
    person = serializers.IntegerField(help_text="the applicant, from the registry")
    unit = serializers.IntegerField(help_text="the union that received the application")
    opposing_party = serializers.CharField(allow_blank=True)
    opposing_code = serializers.CharField(required=False, allow_blank=True, help_text="GB 32100, checked")
    dispute = serializers.CharField()
    facts = serializers.CharField(allow_blank=True)
    amount_claimed = serializers.CharField(required=False, allow_blank=True)
    aid_form = serializers.CharField()
    channel = serializers.CharField()
    oral_recorder = serializers.CharField(required=False, allow_blank=True)
    basis = serializers.CharField()
    per_capita_income = serializers.CharField(required=False, allow_blank=True)


def _detail(queryset: QuerySet[LegalAidCase]) -> QuerySet[LegalAidCase]:
    return with_open_tasks(queryset.select_related("lawyer", "person")).prefetch_related("events")


@extend_schema(
    parameters=[
        OpenApiParameter("state", str, enum=[s.value for s in State]),
        OpenApiParameter("unit", int, description="cases of this unit and the units under it"),
        OpenApiParameter("overdue", str, enum=["true", "false"], description="only cases with an overdue open step"),
    ]
)
class LegalAidCaseList(ByIds, generics.ListCreateAPIView):
    """Legal-aid cases in my scope (a lawyer: those granted to me), newest first; record an application."""

    serializer_class = LegalAidCaseOut

    def get_queryset(self) -> QuerySet[LegalAidCase]:
        return with_open_tasks(
            cases_of(
                self.request.user,  # type: ignore[arg-type]
                LegalAidCase,
                state=choice_param(self.request, "state", State.values),
                unit=whole_param(self.request, "unit"),
                overdue=choice_param(self.request, "overdue", ["true", "false"]) == "true",
            ).select_related("lawyer")
        )

    @extend_schema(request=LegalAidCaseIn, responses={201: LegalAidCaseDetailOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = LegalAidCaseIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        unit = object_in_scope_or_404(request.user, Unit.objects.all(), pk=values.pop("unit"))
        require(request.user, "case.file", unit, roles=RECEIVERS)
        person = object_in_scope_or_404(request.user, Person.objects.all(), pk=values.pop("person"))
        case = legalaid_apply(person=person, unit=unit, by=request.user, **values)  # type: ignore[arg-type]
        fresh = _detail(LegalAidCase.objects.filter(pk=case.pk)).get()
        return Response(LegalAidCaseDetailOut(fresh).data, status=status.HTTP_201_CREATED)


def _case(request: Request, pk: int) -> LegalAidCase:
    if not 0 < pk <= LARGEST_ID:
        raise Http404
    return object_in_scope_or_404(request.user, _detail(LegalAidCase.objects.select_related("unit")), pk=pk)


class LegalAidCaseDetail(APIView):
    @extend_schema(responses=LegalAidCaseDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(LegalAidCaseDetailOut(_case(request, pk)).data)


class CaseEventIn(serializers.Serializer):
    kind = serializers.CharField()
    happened_on = serializers.CharField(help_text="YYYY-MM-DD")
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class LegalAidEvents(APIView):
    """The assigned lawyer records what happened in the case work."""

    @extend_schema(request=CaseEventIn, responses={201: LegalAidCaseDetailOut})
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        require(request.user, "case.work", case)  # before the input: a reader learns nothing from it
        body = CaseEventIn(data=request.data)
        body.is_valid(raise_exception=True)
        legalaid_event_record(case=case, by=request.user, **body.validated_data)  # type: ignore[arg-type]
        return Response(LegalAidCaseDetailOut(_case(request, pk)).data, status=status.HTTP_201_CREATED)


class LawyerIn(serializers.Serializer):
    lawyer = serializers.IntegerField(help_text="a lawyer or team member of the district")
    reason = Reason()


class LegalAidReassign(APIView):
    """Give the case in progress to another lawyer, with a reason."""

    @extend_schema(request=LawyerIn, responses=LegalAidCaseDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request, pk)
        require(request.user, "legalaid.assign", case)
        body = LawyerIn(data=request.data)
        body.is_valid(raise_exception=True)
        legalaid_lawyer_reassign(
            case=case,
            lawyer_id=body.validated_data["lawyer"],
            reason=body.validated_data["reason"],
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(LegalAidCaseDetailOut(_case(request, pk)).data)


urlpatterns: list[URLPattern] = [
    path("legalaid/cases/", LegalAidCaseList.as_view(), name="legalaid-cases"),
    path("legalaid/cases/<int:pk>/", LegalAidCaseDetail.as_view(), name="legalaid-case"),
    path("legalaid/cases/<int:pk>/events/", LegalAidEvents.as_view(), name="legalaid-events"),
    path("legalaid/cases/<int:pk>/reassign/", LegalAidReassign.as_view(), name="legalaid-reassign"),
]
