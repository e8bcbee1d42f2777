"""Reading due dates: a task's, the inbox's order, the overdue filter."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.lookups import IsNull
from django.utils import timezone

from casework.deadlines.models import TaskDeadline

OPEN_STATUSES = ("NEW", "ASSIGNED", "STARTED")


def task_deadline(task: Any) -> TaskDeadline | None:
    """The task's due date row, or None for a step without a period (no
    query when the task was read with ``select_related("deadline")``)."""
    try:
        return task.deadline
    except TaskDeadline.DoesNotExist:
        return None


def _overdue(prefix: str, today: date) -> Q:
    return Q(**{f"{prefix}paused_since__isnull": True, f"{prefix}due__lt": today})


def overdue_first(tasks: QuerySet[Any], today: date | None = None) -> QuerySet[Any]:
    """Overdue tasks first, then by due date (none last), then oldest."""
    today = today or timezone.localdate()
    rank = Case(When(_overdue("deadline__", today), then=Value(0)), default=Value(1), output_field=IntegerField())
    return tasks.select_related("deadline").order_by(rank, F("deadline__due").asc(nulls_last=True), "created", "pk")


def steps_overdue(today: date | None = None) -> QuerySet[TaskDeadline]:
    """The due date rows of open steps past their due date, clock running
    (the ``deadline_open_running`` index, by unit path and due date)."""
    return TaskDeadline.objects.filter(_overdue("", today or timezone.localdate()), open=True)


def _late(today: date | None) -> QuerySet[TaskDeadline]:
    return steps_overdue(today).filter(case_id=OuterRef("pk"))


def case_overdue(today: date | None = None) -> Exists:
    """For a queryset of cases, to filter on: whether an open step is past
    its due date with its clock running (``filter(case_overdue())``)."""
    return Exists(_late(today))


def case_overdue_shown(today: date | None = None) -> IsNull:
    """``case_overdue`` as a column of a list (``annotate(overdue=...)``):
    a scalar sub-select asked only for the rows shown. PostgreSQL may run an
    EXISTS in the select list as one hashed scan of every overdue step in the
    city, once per page (0.5 s at the ``city`` preset)."""
    return IsNull(Subquery(_late(today).values("pk")[:1]), False)


def case_due() -> Subquery:
    """For a queryset of cases: the due date of its open step, if any."""
    open_due = TaskDeadline.objects.filter(case_id=OuterRef("pk"), open=True)
    return Subquery(open_due.order_by("-task_id").values("due")[:1])


def end_of_week(today: date | None = None) -> date:
    """The Sunday of ``today``'s week (Monday to Sunday)."""
    today = today or timezone.localdate()
    return today + timedelta(days=6 - today.weekday())


def tasks_due(tasks: QuerySet[Any], *, overdue: bool = False, this_week: bool = False) -> QuerySet[Any]:
    """Only the overdue tasks, and/or only those due from today to Sunday."""
    today = timezone.localdate()
    if overdue:
        tasks = tasks.filter(_overdue("deadline__", today))
    if this_week:
        tasks = tasks.filter(deadline__due__gte=today, deadline__due__lte=end_of_week(today))
    return tasks
