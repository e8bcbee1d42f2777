"""The work itself (办理效率): steps open past their due date at the
period's end, steps done after their due date, and the average days a step
took. Read from viewflow's tasks of cases (human steps only: the switches
and ends take no time) and their due dates (``casework.deadlines``),
placed where their case is.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, CharField, DecimalField, F, Func, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.fields import import_task_by_ref
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.cases.models import CaseType
from casework.cases.selectors import STATE_LABELS, TABLES
from casework.reports.figures import Measure, Value, Window, figure, section

section("work", _("办理效率"))

HUMAN = "HUMAN"  # viewflow's type of a View node: every case step (flows.nodes.CaseStep)
CASE_TYPE = "process__case__case_type"


class Days(DecimalField):
    """Days to one decimal place, however the database returns them (a
    float on SQLite, an exact numeric on PostgreSQL)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        # To the second first: julianday()'s float differences are off by a few microseconds.
        exact = Decimal(value).quantize(Decimal("0.00001"))
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class DaysBetween(Func):
    """The days, fractional, from the datetime ``start`` to ``end``
    (``DaysBetween("finished", "created")``)."""

    arity = 2
    arg_joiner = " - "
    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400)"  # PostgreSQL: an exact numeric
    output_field = DecimalField(max_digits=12, decimal_places=6)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # julianday() of each side: "(julianday(end) - julianday(start))".
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(", **extra_context
        )


def step_days() -> Avg:
    return Avg(DaysBetween("finished", "created"), output_field=Days(max_digits=12, decimal_places=1))


def _tasks(window: Window) -> QuerySet[Task]:
    return window.scoped(Task.objects.filter(flow_task_type=HUMAN), "process__case__unit_path")


def as_of(window: Window) -> date:
    """The last day the period has seen: its end, or today while it runs."""
    return min(window.date_to, timezone.localdate())


def overdue(window: Window) -> QuerySet[Task]:
    """Steps open at the end of the period's last day (or today's) whose
    due date had passed by then (after 24:00 of the due day), the clock not
    stopped. A pause is only known as it stands now: a clock stopped within
    the period and restarted after it counts at its moved due date."""
    day = as_of(window)
    moment = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return (
        _tasks(window)
        .filter(created__lt=moment, deadline__due__lt=day)
        .filter(Q(finished__isnull=True) | Q(finished__gte=moment))
        .filter(Q(deadline__paused_since__isnull=True) | Q(deadline__paused_since__gt=day))
    )


def done(window: Window) -> QuerySet[Task]:
    """Steps done in the period (cancelled ones were not done)."""
    return _tasks(window).filter(status=STATUS.DONE, **window.moments("finished"))


def done_late(window: Window) -> QuerySet[Task]:
    """Steps done in the period on a day (Asia/Shanghai) after their due date."""
    return done(window).filter(finished__date__gt=F("deadline__due"))


def per_step(window: Window) -> QuerySet[Task]:
    # The step as its stored reference (a plain string, not viewflow's node object).
    return done(window).annotate(step=Cast("flow_task", CharField()))


def _average(records: QuerySet[Any], window: Window) -> Value:
    return records.aggregate(v=step_days())["v"]


def _case_type(code: Any) -> str:
    return str(CaseType(code).label) if code in CaseType.values else str(code)


def step_label(ref: Any) -> str:
    """A step in words: its flow and its state ("评选表彰 · 部门联审")."""
    try:
        node = import_task_by_ref(str(ref))
    except ImportError:
        node = None
    if node is None:
        return str(ref)
    flow = node.flow_class
    case_type = next((code for code, table in TABLES.items() if table is getattr(flow, "transitions", None)), "")
    state = STATE_LABELS.get(case_type, {}).get(node.name, node.name)
    return f"{flow.process_title} · {state}"


figure(
    "work.overdue",
    _("期末超期未办结环节"),
    Measure.COUNT,
    overdue,
    group=CASE_TYPE,
    group_label=_case_type,
)
figure(
    "work.done_late",
    _("超期办结环节"),
    Measure.COUNT,
    done_late,
    group=CASE_TYPE,
    group_label=_case_type,
)
figure(
    "work.days_per_step",
    _("各环节平均办理天数"),
    Measure.DAYS,
    per_step,
    value=_average,
    group="step",
    group_value=step_days(),
    group_label=step_label,
)
