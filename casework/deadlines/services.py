"""Writes of due dates: set when a step begins, paused and resumed with a
reason, recomputed when a year's official holidays are entered.

Pause, resume and every recomputation that moves a due date are ledger
entries on the case's trail (domain.md, Time: the pause is part of it).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from viewflow.workflow.models import Task

from casework.accounts.models import User
from casework.calendar import Deadline, add_working_days, is_working_day
from casework.cases import data as d
from casework.cases.models import Case
from casework.cases.services import case_lock, case_subject, held_step
from casework.deadlines.models import TaskDeadline
from casework.deadlines.periods import Period
from casework.deadlines.selectors import OPEN_STATUSES
from casework.errors import Conflict, NotAllowed, RuleViolation
from casework.ledger.services import ledger_append
from casework.org.models import Unit
from permissions.access import acting_as


def period_of(task: Task) -> Period | None:
    """The period its flow declares for the task's step, if any."""
    table = getattr(task.flow_task.flow_class, "transitions", None)
    return table.periods.get(task.flow_task.name) if table is not None else None


def deadline_start(activation: Any) -> TaskDeadline | None:
    """Give a new case-step task its due date (``CaseStep``'s on-create hook;
    runs in the transaction that created the task)."""
    task = activation.task
    period = period_of(task)
    if period is None:
        return None
    deadline = deadline_new(task=task, case=task.process.coerced, period=period)
    if deadline is not None:
        deadline.save(force_insert=True)
    return deadline


def deadline_new(*, task: Task, case: Case, period: Period, due: Deadline | None = None) -> TaskDeadline | None:
    """The due-date row of a new task of ``case`` (not saved), or None when
    the case carries no date to be due on. ``due``: the period's end
    already computed for this case (``cases_start_many`` computes it once
    for many cases that share it)."""
    began = timezone.localdate(task.created)
    deadline = due if due is not None else period.due(case, began)
    if deadline is None:
        return None
    return TaskDeadline(
        task=task,
        case_id=case.pk,
        setting=period.setting,
        began_on=began,
        due=deadline.date,
        provisional=deadline.provisional,
    )


def _working_days_between(first: date, last: date) -> int:
    """Working days from ``first`` to the day before ``last``."""
    days, day = 0, first
    while day < last:
        days += is_working_day(day)
        day += timedelta(days=1)
    return days


def _locked(task: Task, by: User) -> tuple[Case, TaskDeadline, dict[str, Any]]:
    """Lock the case and the deadline; only whoever may act on the task now
    may stop or restart its clock."""
    case = case_lock(task.process.coerced)
    deadline = TaskDeadline.objects.select_for_update().filter(task_id=task.pk).first()
    fresh = Task.objects.get(pk=task.pk)
    if fresh.status not in OPEN_STATUSES or fresh.flow_task.name != case.state:
        raise Conflict(_("任务：已被他人处理，请刷新后再试。"), code="task.already_done", field="task")
    if deadline is None:
        raise RuleViolation(_("办理期限：此步骤没有办理期限。"), code="deadline.none", field="task")
    step = held_step(case, by)
    if step is None:
        raise NotAllowed(_("任务：您不能办理此任务。"), code="task.not_yours", field="task")
    return case, deadline, acting_as(by, step.permission, case, roles=step.role_filter)


def deadline_pause(*, task: Task, by: User, reason: str, today: date | None = None) -> TaskDeadline:
    """Stop the task's clock (waiting for the applicant's material)."""
    today = today or timezone.localdate()
    reason = d.text({"reason": reason}, "reason", _l("理由"), max_length=500)
    with transaction.atomic():
        case, deadline, acting = _locked(task, by)
        if deadline.paused:
            raise RuleViolation(_("办理期限：已暂停计时。"), code="deadline.already_paused", field="task")
        deadline.paused_since = today
        deadline.save(update_fields=["paused_since"])
        ledger_append(
            action="case.clock_paused",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            reason=reason,
            payload={"task": task.pk, "due": deadline.due, "paused_on": today},
            **acting,
        )
    return deadline


def deadline_resume(*, task: Task, by: User, reason: str, today: date | None = None) -> TaskDeadline:
    """Restart the clock: the due date moves by the working days it stood still."""
    today = today or timezone.localdate()
    reason = d.text({"reason": reason}, "reason", _l("理由"), max_length=500)
    with transaction.atomic():
        case, deadline, acting = _locked(task, by)
        if deadline.paused_since is None:
            raise RuleViolation(_("办理期限：当前没有暂停计时。"), code="deadline.not_paused", field="task")
        stood = _working_days_between(deadline.paused_since, today)
        old_due = deadline.due
        if stood:
            moved = add_working_days(deadline.due, stood)
            deadline.due, deadline.provisional = moved.date, deadline.provisional or moved.provisional
        deadline.paused_working_days += stood
        deadline.paused_since = None
        deadline.save(update_fields=["due", "provisional", "paused_working_days", "paused_since"])
        ledger_append(
            action="case.clock_resumed",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            reason=reason,
            payload={"task": task.pk, "paused_working_days": stood, "due_before": old_due, "due": deadline.due},
            **acting,
        )
    return deadline


def deadlines_recompute_for_year(
    sender: Any, *, year: int, by: User | None, role: str = "", unit: Unit | None = None, **kwargs: Any
) -> int:
    """Recompute every open provisional due date that the entered ``year``
    touches (from its start to its due date), in the calendar entry's own
    transaction; each moved date is an entry on its case's trail. Returns
    how many moved."""
    moved = 0
    open_deadlines = (
        TaskDeadline.objects.select_for_update()
        .filter(provisional=True, task__status__in=OPEN_STATUSES, due__year__gte=year, began_on__year__lte=year)
        .select_related("task", "case")
        .order_by("case_id", "task_id")
    )
    for deadline in open_deadlines:
        period = period_of(deadline.task)
        if period is None:
            continue
        case = deadline.task.process.coerced
        fresh = period.due(case, deadline.began_on)
        if fresh is None:
            continue
        due, provisional = fresh.date, fresh.provisional
        if deadline.paused_working_days:
            again = add_working_days(due, deadline.paused_working_days)
            due, provisional = again.date, provisional or again.provisional
        if (due, provisional) == (deadline.due, deadline.provisional):
            continue
        ledger_append(
            action="case.due_recomputed",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            reason=_("%(year)d年法定节假日已录入，重新计算办理期限。") % {"year": year},
            payload={"task": deadline.task_id, "due_before": deadline.due, "due": due, "provisional": provisional},
            by=by,
            role=role,
            unit=unit,
        )
        deadline.due, deadline.provisional = due, provisional
        deadline.save(update_fields=["due", "provisional"])
        moved += 1
    return moved
