"""The deadline scan (Celery beat, hourly): remind before a due date, tell on
the due date and once it has passed, escalate up the hierarchy.

Stages, each at most once per task however often the scan runs (the row is
locked and its stage re-read before anything is sent; a concurrent scan
skips rows another one holds):

- reminder: the due date is within the district's ``deadlines.reminder_working_days``;
- due today: on the due date;
- overdue: after 24:00 of the due date (the day after);
- escalation 1 and 2: overdue by ``deadlines.escalation_working_days`` and
  ``deadlines.second_escalation_working_days`` working days, to the
  approvers of the unit one level, then two levels, above the step's takers.

Some steps nobody takes: the bureau's review period passes without an
objection and the agreement is in force. The scan takes those first (the
transition table marks them ``on_expiry``), as the system, the day after
the due date, under the case's lock like any step; a step already taken
by a concurrent scan is a ``Conflict`` and skipped.

A paused clock has no stage. Each stage is one ledger entry on the case's
trail (by the system) and one notification per recipient: the assignee of a
claimed task, else everyone who may take it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework.accounts.models import User
from casework.calendar import add_working_days
from casework.cases.delegation import delegates_of
from casework.cases.selectors import TABLES, state_label
from casework.cases.services import case_subject, next_memberships
from casework.deadlines.models import TaskDeadline
from casework.deadlines.selectors import OPEN_STATUSES
from casework.district.selectors import setting_value
from casework.errors import Conflict, RuleViolation
from casework.ledger.services import ledger_append
from casework.org.models import Membership, unit_path_ancestors
from notifications.services import outbox_queue
from permissions.roles import ROLES, Reach

# How far ahead a reminder can reach: 30 working days are under 60 natural days.
LOOKAHEAD = timedelta(days=60)
ESCALATIONS = {1: "deadlines.escalation_working_days", 2: "deadlines.second_escalation_working_days"}
DECIDERS = frozenset(
    code for code, role in ROLES.items() if "case.decide" in role.actions and role.reach is not Reach.GRANTED
)


@dataclass(frozen=True)
class Stage:
    name: str  # reminder, due_today, overdue, escalated
    level: int = 0


def _days(case: Any, key: str, today: date) -> int | None:
    """A district's number of working days, or None when it has not set it
    (the stage waits; the scan's result counts it)."""
    try:
        return int(setting_value(case.unit, key, on=today))
    except RuleViolation:
        return None


def next_stage(deadline: TaskDeadline, case: Any, today: date) -> Stage | str | None:
    """The stage due for ``deadline`` today, None, or the key of a missing setting."""
    if deadline.paused:
        return None
    due = deadline.due
    if today < due:
        if deadline.reminded_on is not None:
            return None
        days = _days(case, "deadlines.reminder_working_days", today)
        if days is None:
            return "deadlines.reminder_working_days"
        return Stage("reminder") if add_working_days(today, days).date >= due else None
    if today == due:
        return Stage("due_today") if deadline.due_noticed_on is None else None
    if deadline.overdue_noticed_on is None:
        return Stage("overdue")
    level = deadline.escalation_level + 1
    if level not in ESCALATIONS:
        return None
    days = _days(case, ESCALATIONS[level], today)
    if days is None:
        return ESCALATIONS[level]
    return Stage("escalated", level) if add_working_days(due, days).date <= today else None


def escalation_recipients(case: Any, level: int) -> list[User]:
    """The approvers ``level`` units above the unit where the step's takers
    sit (the case's own unit when nobody holds the step); further up when
    that unit has none; the top unit's when the tree ends first."""
    table = TABLES[case.case_type]
    takers = next_memberships(case, table)
    base = max((m.unit.path for m in takers), key=len, default=case.unit_path)
    ancestors = unit_path_ancestors(base)  # top first
    for index in range(max(len(ancestors) - 1 - level, 0), -1, -1):
        memberships = Membership.objects.current().filter(unit__path=ancestors[index], role__in=DECIDERS)
        users = [m.user for m in memberships.select_related("user")]
        if users:
            return users
    return []


def stage_recipients(deadline: TaskDeadline, case: Any, stage: Stage) -> list[User]:
    if stage.name == "escalated":
        return escalation_recipients(case, stage.level)
    owner = deadline.task.owner
    if owner is not None:  # and whoever stands in for them on leave
        return [owner, *delegates_of(owner, case.unit_path)]
    return [m.user for m in next_memberships(case, TABLES[case.case_type])]


def _record(deadline: TaskDeadline, case: Any, stage: Stage, today: date) -> None:
    recipients = stage_recipients(deadline, case, stage)
    payload = {
        "case": case.pk,
        "number": case.number,
        "step": state_label(case),
        "due": deadline.due.isoformat(),
        "level": stage.level,
    }
    ledger_append(
        action=f"case.deadline_{stage.name}",
        subject=case_subject(case),
        subject_unit=case.unit,
        from_state=case.state,
        to_state=case.state,
        payload={**payload, "task": deadline.task_id, "recipients": sorted(u.pk for u in recipients)},
    )
    outbox_queue(event=f"deadline.{stage.name}", subject=case_subject(case), recipients=recipients, payload=payload)
    if stage.name == "reminder":
        deadline.reminded_on = today
    elif stage.name == "due_today":
        deadline.due_noticed_on = today
    elif stage.name == "overdue":
        deadline.overdue_noticed_on = today
    else:
        deadline.escalation_level = stage.level
    deadline.save(update_fields=["reminded_on", "due_noticed_on", "overdue_noticed_on", "escalation_level"])


def expiries_take(today: date) -> int:
    """Take every step the tables mark ``on_expiry`` whose due date has
    passed; returns how many were taken."""
    from casework.cases.tasks import task_complete  # the task service imports the selectors this module uses

    expiring = Q()
    for case_type, table in TABLES.items():
        states = [t.state for t in table.transitions if t.on_expiry]
        if states:
            expiring |= Q(case__case_type=case_type, case__state__in=states)
    if not expiring:
        return 0
    due = (
        TaskDeadline.objects.filter(expiring, open=True, paused_since__isnull=True, due__lt=today)
        .order_by("due", "task_id")
        .select_related("task", "case")
    )
    taken = 0
    for deadline in list(due):
        case = deadline.case.coerced
        transition = TABLES[case.case_type].on_expiry(case.state)
        if transition is None or deadline.task.flow_task.name != case.state:
            continue
        try:
            task_complete(
                task=deadline.task,
                action=transition.action,
                by=None,
                reason=f"{transition.label}（{deadline.due.isoformat()}）",
            )
        except Conflict:
            continue  # another scan took it, or someone acted meanwhile
        taken += 1
    return taken


def deadlines_scan(today: date | None = None) -> dict[str, Any]:
    """Take the steps due on expiry, then run every stage due today, once;
    returns counts per stage and the district settings found missing."""
    today = today or timezone.localdate()
    counts: Counter[str] = Counter()
    missing: set[str] = set()
    taken = expiries_take(today)
    if taken:
        counts["taken_on_expiry"] = taken
    # Open steps by the row's own copy (the partial index of open running
    # steps), not by joining every step of every year to its task; the
    # task's status is asked again under the row's lock below.
    candidates = (
        TaskDeadline.objects.filter(open=True, paused_since__isnull=True, due__lte=today + LOOKAHEAD)
        .exclude(Q(escalation_level__gte=max(ESCALATIONS)))
        .order_by("due", "task_id")
        .values_list("task_id", flat=True)
    )
    for task_id in list(candidates):
        with transaction.atomic():
            # Another scan holding this row does its stage; this one moves on.
            deadline = (
                TaskDeadline.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("task__owner", "case")
                .filter(pk=task_id, task__status__in=OPEN_STATUSES)
                .first()
            )
            if deadline is None:
                continue
            case = deadline.case.coerced
            if not any(not t.on_expiry for t in TABLES[case.case_type].from_state(case.state)):
                continue  # only the scan itself acts here (an agreement in force): nobody to remind
            stage = next_stage(deadline, case, today)
            if isinstance(stage, str):
                missing.add(stage)
            elif stage is not None:
                _record(deadline, case, stage, today)
                counts[stage.name] += 1
    return {"date": today.isoformat(), **counts, "missing_settings": sorted(missing)}
