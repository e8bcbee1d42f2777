"""Cases and their tasks over the API. The task endpoints are the same for
every flow: a client that knows only them can walk any case from start to
end, reading each task's ``actions`` and the JSON Schema of their ``data``."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.models import Task

from casework.api.views import choice_param, whole_param
from casework.cases.models import Case
from casework.cases.selectors import TABLES, case_trail, hardship_cases, inbox, state_label
from casework.cases.tasks import OPEN, task_claim, task_complete
from casework.hardship.choices import Category, State
from casework.hardship.models import HardshipCase
from casework.hardship.services import hardship_case_submit
from casework.people.models import Person
from permissions.access import object_in_scope_or_404


def _json(value: Any) -> Any:
    """Lazy translations in schemas become the caller's language."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class CaseBrief(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case_type = serializers.CharField()
    number = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.SerializerMethodField()
    unit = serializers.IntegerField(source="unit_id")

    def get_state_label(self, case: Case) -> str:
        return state_label(case)


class ActionOut(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    needs_reason = serializers.BooleanField()
    schema = serializers.JSONField()


class TaskOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    status = serializers.CharField()
    case = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    created = serializers.DateTimeField()
    due = serializers.SerializerMethodField()

    def get_name(self, task: Task) -> str:
        return str(task.flow_task.name)

    def get_title(self, task: Task) -> str:
        return state_label(task.process.case)

    @extend_schema_field(CaseBrief)
    def get_case(self, task: Task) -> dict[str, Any]:
        return dict(CaseBrief(task.process.case).data)

    def get_assignee(self, task: Task) -> str | None:
        return task.owner.get_username() if task.owner is not None else None

    def get_due(self, task: Task) -> str | None:
        return None  # due dates arrive with the deadlines issue


class TaskDetailOut(TaskOut):
    actions = serializers.SerializerMethodField()

    @extend_schema_field(ActionOut(many=True))
    def get_actions(self, task: Task) -> list[dict[str, Any]]:
        case = task.process.case.coerced
        table = TABLES[case.case_type]
        if task.status not in OPEN or task.flow_task.name != case.state:
            return []
        return [
            {"name": t.action, "title": str(t.label), "needs_reason": t.needs_reason, "schema": _json(t.data_schema)}
            for t in table.available(case, self.context["request"].user)
        ]


class CompleteIn(serializers.Serializer):
    action = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        # "data" is also the name of Serializer.data, so it cannot be declared as an attribute.
        fields = super().get_fields()
        fields["data"] = serializers.DictField(required=False)
        return fields


def _task(request: Request, pk: int) -> Task:
    return object_in_scope_or_404(
        request.user, Task.objects.select_related("process__case", "owner").filter(process__case__isnull=False), pk=pk
    )


class TaskList(generics.ListAPIView):
    """My inbox: open tasks in my scope at a step one of my roles takes."""

    serializer_class = TaskOut

    def get_queryset(self) -> QuerySet[Task]:
        return inbox(self.request.user)  # type: ignore[arg-type]


class TaskDetail(APIView):
    @extend_schema(responses=TaskDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(TaskDetailOut(_task(request, pk), context={"request": request}).data)


class TaskClaim(APIView):
    @extend_schema(request=None, responses=TaskDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        task = task_claim(task=_task(request, pk), by=request.user)  # type: ignore[arg-type]
        return Response(TaskDetailOut(task, context={"request": request}).data)


class TaskComplete(APIView):
    @extend_schema(request=CompleteIn, responses=CaseBrief)
    def post(self, request: Request, pk: int) -> Response:
        task = _task(request, pk)
        body = CompleteIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        case = task_complete(
            task=task,
            action=values["action"],
            reason=values.get("reason", ""),
            data=values.get("data", {}),
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(CaseBrief(case).data)


class TaskBrief(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()
    status = serializers.CharField()
    assignee = serializers.SerializerMethodField()
    created = serializers.DateTimeField()

    def get_name(self, task: Task) -> str:
        return str(task.flow_task.name)

    def get_assignee(self, task: Task) -> str | None:
        return task.owner.get_username() if task.owner is not None else None


def with_open_tasks(cases: QuerySet[HardshipCase]) -> QuerySet[HardshipCase]:
    return cases.prefetch_related(
        Prefetch(
            "task_set", queryset=Task.objects.filter(status__in=OPEN).select_related("owner"), to_attr="open_tasks"
        )
    )


class HardshipCaseIn(serializers.Serializer):
    worker = serializers.IntegerField()
    category = serializers.CharField()
    cause = serializers.CharField()
    statement = serializers.CharField(allow_blank=True)
    consent = serializers.BooleanField(default=False)
    household = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    incomes = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    expenses = serializers.ListField(child=serializers.DictField(), required=False, default=list)


class HardshipCaseOut(CaseBrief):
    category = serializers.CharField()
    cause = serializers.CharField()
    person = serializers.IntegerField(source="person_id")
    household_size = serializers.IntegerField()
    per_capita_monthly = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    standard_applied = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    filed_on = serializers.DateField(allow_null=True)
    next_review_due = serializers.DateField(allow_null=True)
    tasks = serializers.SerializerMethodField()

    @extend_schema_field(TaskBrief(many=True))
    def get_tasks(self, case: HardshipCase) -> list[dict[str, Any]]:
        # Prefetched by the views (open_tasks), so a list costs no query per case.
        return [dict(TaskBrief(t).data) for t in getattr(case, "open_tasks", [])]


@extend_schema(
    parameters=[
        OpenApiParameter("state", str, enum=[s.value for s in State]),
        OpenApiParameter("unit", int, description="cases of this unit and the units under it"),
        OpenApiParameter("category", str, enum=Category.values),
    ]
)
class HardshipCaseList(generics.ListCreateAPIView):
    serializer_class = HardshipCaseOut

    def get_queryset(self) -> QuerySet[HardshipCase]:
        return with_open_tasks(
            hardship_cases(
                self.request.user,  # type: ignore[arg-type]
                state=choice_param(self.request, "state", State.values),
                category=choice_param(self.request, "category", Category.values),
                unit=whole_param(self.request, "unit"),
            )
        )

    @extend_schema(request=HardshipCaseIn, responses={201: HardshipCaseOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = HardshipCaseIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        worker = object_in_scope_or_404(
            request.user, Person.objects.select_related("employer"), pk=values.pop("worker")
        )
        case = hardship_case_submit(worker=worker, by=request.user, **values)  # type: ignore[arg-type]
        case = with_open_tasks(HardshipCase.objects.filter(pk=case.pk)).get()
        return Response(HardshipCaseOut(case).data, status=status.HTTP_201_CREATED)


class HardshipCaseDetail(generics.RetrieveAPIView):
    serializer_class = HardshipCaseOut

    def get_object(self) -> HardshipCase:
        return object_in_scope_or_404(
            self.request.user, with_open_tasks(HardshipCase.objects.select_related("unit")), pk=self.kwargs["pk"]
        )


class TrailEntryOut(serializers.Serializer):
    seq = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    role = serializers.CharField(source="actor_role")
    unit = serializers.CharField(source="actor_unit_code")
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    payload = serializers.JSONField()
    evidence = serializers.JSONField()
    hash = serializers.CharField()


class CaseTrail(generics.ListAPIView):
    """A case's decision trail, oldest first."""

    serializer_class = TrailEntryOut

    def get_queryset(self) -> QuerySet[Any]:
        case = object_in_scope_or_404(
            self.request.user, Case.objects.filter(case_type=self.kwargs["case_type"]), pk=self.kwargs["pk"]
        )
        return case_trail(case)
