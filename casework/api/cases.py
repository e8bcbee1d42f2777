"""Cases and their tasks over the API. The task endpoints are the same for
every flow: a client that knows only them can walk any case from start to
end, reading each task's ``actions`` and the JSON Schema of their ``data``."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.models import Task

from casework.accounts.models import User
from casework.api.pagination import ByIds
from casework.api.serializers import Reason
from casework.api.views import choice_param, whole_param
from casework.cases.models import Case
from casework.cases.selectors import TABLES, case_trail, hardship_cases, inbox, state_label, tasks_shown
from casework.cases.tasks import OPEN, task_claim, task_complete, task_reassign
from casework.deadlines.selectors import task_deadline
from casework.deadlines.services import deadline_pause, deadline_resume
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


# One bound serializer for every row of a list: building a nested serializer
# per task cost about a fifth of an inbox page's time.
CASE_BRIEF = CaseBrief()


class ActionOut(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    needs_reason = serializers.BooleanField()
    schema = serializers.JSONField()


class TaskDue(serializers.Serializer):
    """A task's due date and its marks; read with ``select_related("deadline")``."""

    due = serializers.SerializerMethodField()
    provisional = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    paused = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_due(self, task: Task) -> date | None:
        """The last day of the step's period (ends at 24:00 Asia/Shanghai); null: no period."""
        deadline = task_deadline(task)
        return deadline.due if deadline is not None else None

    def get_provisional(self, task: Task) -> bool:
        """The due date falls in a year whose holidays are not yet published."""
        deadline = task_deadline(task)
        return deadline is not None and deadline.provisional

    def get_overdue(self, task: Task) -> bool:
        deadline = task_deadline(task)
        return deadline is not None and task.status in OPEN and deadline.overdue_on()

    def get_paused(self, task: Task) -> bool:
        deadline = task_deadline(task)
        return deadline is not None and deadline.paused


class TaskOut(TaskDue):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    status = serializers.CharField()
    case = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    created = serializers.DateTimeField()

    def get_name(self, task: Task) -> str:
        return str(task.flow_task.name)

    def get_title(self, task: Task) -> str:
        return state_label(task.process.case)

    @extend_schema_field(CaseBrief)
    def get_case(self, task: Task) -> dict[str, Any]:
        return dict(CASE_BRIEF.to_representation(task.process.case))

    def get_assignee(self, task: Task) -> str | None:
        return task.owner.get_username() if task.owner is not None else None


class TaskDetailOut(TaskOut):
    actions = serializers.SerializerMethodField()

    @extend_schema_field(ActionOut(many=True))
    def get_actions(self, task: Task) -> list[dict[str, Any]]:
        case = task.process.case.coerced
        table = TABLES[case.case_type]
        if task.status not in OPEN or task.flow_task.name != case.state:
            return []
        return [
            {
                "name": t.action,
                "title": str(t.label),
                "needs_reason": t.needs_reason,
                "schema": _json(t.schema_for(case)),
            }
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
        request.user,
        Task.objects.select_related("process__case", "owner", "deadline").filter(process__case__isnull=False),
        pk=pk,
    )


@extend_schema(
    parameters=[
        OpenApiParameter("overdue", str, enum=["true", "false"], description="only overdue tasks"),
        OpenApiParameter("due", str, enum=["this_week"], description="only tasks due from today to Sunday"),
    ]
)
class TaskList(ByIds, generics.ListAPIView):
    """My inbox: open tasks in my scope at a step one of my roles takes,
    by risk: overdue first, then the soonest due."""

    serializer_class = TaskOut

    def get_queryset(self) -> QuerySet[Task]:
        return inbox(
            self.request.user,  # type: ignore[arg-type]
            overdue=choice_param(self.request, "overdue", ["true", "false"]) == "true",
            due_this_week=choice_param(self.request, "due", ["this_week"]) == "this_week",
        )

    def rows_shown(self, rows: Any, ids: list[Any]) -> list[Any]:
        # By key alone: the inbox's scoped query need not run again for the page.
        return tasks_shown(ids)


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


class ClockIn(serializers.Serializer):
    reason = Reason()


class TaskClock(APIView):
    """Pause or resume the task's clock (waiting for the applicant's
    material); whoever may act on the task now, with a reason."""

    change: Any = None  # deadline_pause or deadline_resume

    @extend_schema(request=ClockIn, responses=TaskDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        task = _task(request, pk)
        body = ClockIn(data=request.data)
        body.is_valid(raise_exception=True)
        type(self).change(task=task, by=request.user, reason=body.validated_data["reason"])
        fresh = _task(request, pk)
        return Response(TaskDetailOut(fresh, context={"request": request}).data)


class TaskPause(TaskClock):
    change = staticmethod(deadline_pause)


class TaskResume(TaskClock):
    change = staticmethod(deadline_resume)


class ReassignIn(serializers.Serializer):
    to = serializers.IntegerField(help_text="the user to give the task to: someone who may take its step")
    reason = Reason()


class TaskReassign(APIView):
    """An approver of the case's unit gives the open task to a colleague."""

    @extend_schema(request=ReassignIn, responses=TaskDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        task = _task(request, pk)
        body = ReassignIn(data=request.data)
        body.is_valid(raise_exception=True)
        to = User.objects.filter(pk=body.validated_data["to"], is_active=True).first()
        task_reassign(task=task, to=to, by=request.user, reason=body.validated_data["reason"])  # type: ignore[arg-type]
        return Response(TaskDetailOut(_task(request, pk), context={"request": request}).data)


class TaskBrief(TaskDue):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()
    status = serializers.CharField()
    assignee = serializers.SerializerMethodField()
    created = serializers.DateTimeField()

    def get_name(self, task: Task) -> str:
        return str(task.flow_task.name)

    def get_assignee(self, task: Task) -> str | None:
        return task.owner.get_username() if task.owner is not None else None


C = TypeVar("C", bound=Case)


def with_open_tasks(cases: QuerySet[C]) -> QuerySet[C]:
    """Each case with its open tasks (``open_tasks``), for lists: no query per case."""
    return cases.prefetch_related(
        Prefetch(
            "task_set",
            queryset=Task.objects.filter(status__in=OPEN).select_related("owner", "deadline"),
            to_attr="open_tasks",
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
        OpenApiParameter("overdue", str, enum=["true", "false"], description="only cases with an overdue open step"),
    ]
)
class HardshipCaseList(ByIds, generics.ListCreateAPIView):
    serializer_class = HardshipCaseOut

    def get_queryset(self) -> QuerySet[HardshipCase]:
        return with_open_tasks(
            hardship_cases(
                self.request.user,  # type: ignore[arg-type]
                state=choice_param(self.request, "state", State.values),
                category=choice_param(self.request, "category", Category.values),
                unit=whole_param(self.request, "unit"),
                overdue=choice_param(self.request, "overdue", ["true", "false"]) == "true",
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
    subject_type = serializers.CharField()
    subject_id = serializers.CharField()
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
        return case_trail(case_in_scope(self.request, self.kwargs))


# The largest id a row can have (64-bit): beyond it SQLite raises instead of finding nothing.
LARGEST_ID = 2**63 - 1


def case_in_scope(request: Request, kwargs: dict[str, Any]) -> Case:
    """The case of ``cases/{case_type}/{id}/…`` URLs, or 404 (outside scope,
    no such case, or an id no row can have)."""
    if not 0 < kwargs["pk"] <= LARGEST_ID:
        raise Http404
    return object_in_scope_or_404(request.user, Case.objects.filter(case_type=kwargs["case_type"]), pk=kwargs["pk"])
