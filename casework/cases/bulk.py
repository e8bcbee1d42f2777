"""Starting many cases at once: what ``flow.start.run`` does for one case,
in a few statements for all of them (a district's campaign opens a case per
enterprise, hundreds in one transaction).

One case started by viewflow writes its process row, its case rows, a done
start task, a done switch task, the open task of its state's step with the
two ``previous`` links between them, and the step's due date: about twenty
statements. Here each of those is one statement (or a few batches) for all
the cases, and the rows are the same as viewflow's own, which
``tests/bargaining/test_campaign_bulk.py`` compares column by column.

Django's ``bulk_create`` refuses multi-table models, so the rows of each
table of the chain (viewflow's ``Process``, ``Case``, the case type's own)
are inserted in turn through the manager's ``_insert``: the call
``Model.save`` makes for each parent table, given all objects at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone
from viewflow.workflow.flow.nodes import StartHandle, Switch
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from casework.calendar import Deadline
from casework.cases.models import Case
from casework.deadlines.models import TaskDeadline
from casework.deadlines.periods import Period
from casework.deadlines.services import deadline_new, period_of
from casework.district.selectors import district_of
from flows.nodes import CaseStep

C = TypeVar("C", bound=Case)
BATCH = 500


def _insert(model: type[models.Model], objs: Sequence[models.Model], *, returning: bool = False) -> list[Any]:
    """Insert the columns of ``model``'s own table for ``objs`` (instances of
    it or of a subclass), in batches the database accepts; with
    ``returning``, the new primary keys in order."""
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not (returning and f.primary_key)]
    size = max(1, connection.ops.bulk_batch_size(fields, list(objs)))
    keys: list[Any] = []
    for start in range(0, len(objs), size):
        batch = list(objs[start : start + size])
        rows = model._base_manager._insert(  # type: ignore[attr-defined]
            batch, fields=fields, returning_fields=[meta.pk] if returning else None, using=connection.alias
        )
        if returning:
            keys += [row[0] for row in rows]
    return keys


def _set_pk(obj: models.Model, pk: int) -> None:
    """Give a multi-table instance its primary key on every level of the chain."""
    for klass in (type(obj), *type(obj)._meta.get_parent_list()):
        for link in klass._meta.parents.values():
            if isinstance(link, models.Field):
                setattr(obj, link.attname, pk)
        setattr(obj, klass._meta.pk.attname, pk)
    obj._state.adding = False


def _due(period: Period, case: Case, began: date, known: dict[tuple[Any, ...], Deadline | None]) -> Deadline | None:
    """The period's end for ``case``, computed once per distinct start (or
    due) date: the cases are of one district, so that is all it depends on."""
    key = (id(period), period.on(case) if period.on is not None else period.start(case, began))
    if key not in known:
        known[key] = period.due(case, began)
    return known[key]


def cases_start_many(*, flow_class: Any, cases: Sequence[C]) -> list[C]:
    """Save the new, unsaved ``cases`` (each filled and in its first state)
    as started processes of ``flow_class``, as ``flow_class.start.run``
    would one by one. The flow must start with a ``StartHandle`` whose next
    node is a ``Switch`` sending each state to the ``CaseStep`` named after
    it. All the cases are of one district (their due dates are computed
    once). Runs in the caller's transaction; returns the cases, saved."""
    if not cases:
        return []
    start = flow_class.start
    route = start._next
    if not isinstance(start, StartHandle) or not isinstance(route, Switch):
        raise ValueError(f"{flow_class.__name__}: a StartHandle routed by a Switch is expected")
    for state in {case.state for case in cases}:
        if not isinstance(getattr(flow_class, state, None), CaseStep):
            raise ValueError(f"{flow_class.__name__}.{state} is not a case step")
    district = district_of(cases[0].unit)
    if any(not case.unit_path.startswith(district.path) for case in cases):
        raise ValueError("cases of one district only")
    now = timezone.now()
    began = timezone.localdate(now)
    for case in cases:
        case.flow_class, case.status, case.created = flow_class, PROCESS.NEW, now
    chain: list[type[models.Model]] = [*reversed(type(cases[0])._meta.get_parent_list()), type(cases[0])]
    for pk, case in zip(_insert(chain[0], cases, returning=True), cases, strict=True):
        _set_pk(case, pk)
    for model in chain[1:]:
        _insert(model, cases)

    task_class = flow_class.task_class
    token = Token("start")

    def tasks(node: Any, status: str, **times: Any) -> list[Any]:
        made = []
        for case in cases:
            flow_task = node if node is not None else getattr(flow_class, case.state)
            made.append(
                task_class(
                    process_id=case.pk,
                    flow_task=flow_task,
                    flow_task_type=flow_task.task_type,  # Task.save's default, which bulk_create skips
                    status=status,
                    created=now,
                    token=token,
                    **times,
                )
            )
        return list(task_class.objects.bulk_create(made, batch_size=BATCH))

    started = tasks(start, STATUS.DONE, started=now, finished=now)
    routed = tasks(route, STATUS.DONE, finished=now)
    steps = tasks(None, STATUS.NEW)
    # ``task.previous`` (a task's row points from it to the one before it).
    link = task_class.previous.through
    pairs = [*zip(started, routed, strict=True), *zip(routed, steps, strict=True)]
    link.objects.bulk_create([link(from_task_id=b.pk, to_task_id=a.pk) for a, b in pairs], batch_size=BATCH)
    known: dict[tuple[Any, ...], Deadline | None] = {}
    deadlines = []
    for case, task in zip(cases, steps, strict=True):
        period = period_of(task)
        due = _due(period, case, began, known) if period is not None else None
        if period is not None and due is not None:
            deadline = deadline_new(task=task, case=case, period=period, due=due)
            if deadline is not None:
                deadlines.append(deadline)
    TaskDeadline.objects.bulk_create(deadlines, batch_size=BATCH)
    return list(cases)
