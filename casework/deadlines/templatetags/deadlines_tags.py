"""``{% due_of task %}``: a task's due date with its marks (overdue,
provisional, paused), the same everywhere a task is listed."""

from __future__ import annotations

from typing import Any

from django import template

from casework.deadlines.selectors import task_deadline

register = template.Library()


@register.inclusion_tag("deadlines/due.html")
def due_of(task: Any) -> dict[str, Any]:
    deadline = task_deadline(task) if task is not None else None
    return {"deadline": deadline, "overdue": deadline is not None and deadline.overdue_on()}
