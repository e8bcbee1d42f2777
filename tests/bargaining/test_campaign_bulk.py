"""The bulk start (casework/cases/bulk.py) writes what viewflow's own start
writes for one case: the same process, case and task rows, the same links
between the tasks and the same due date, column by column."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from casework.bargaining.choices import Side, State
from casework.bargaining.models import BargainingCase
from casework.bargaining.opening import opened_fields
from casework.cases.bulk import cases_start_many
from casework.deadlines.models import TaskDeadline
from flows.bargaining import BargainingFlow
from tests.bargaining.campaign_fixtures import enterprises

# Differ by nature between two cases: ids, times, the enterprise.
SKIP = {"id", "process_ptr_id", "case_ptr_id", "created", "opened_at", "updated_at", "unit_id", "unit_path"}
TASK_SKIP = {"id", "process_id", "created", "started", "finished"}


def columns(obj, model, skip=SKIP):
    return {f.attname: getattr(obj, f.attname) for f in model._meta.local_concrete_fields if f.attname not in skip}


def snapshot(case):
    case = BargainingCase.objects.get(pk=case.pk)
    tasks = list(Task.objects.filter(process_id=case.pk).order_by("pk"))
    position = {t.pk: i for i, t in enumerate(tasks)}
    deadline = TaskDeadline.objects.filter(task__in=tasks).first()
    return {
        "process": columns(Process.objects.get(pk=case.pk), Process),
        "case": {**columns(case, type(case).__mro__[1]), **columns(case, BargainingCase)},
        "tasks": [
            {
                **columns(t, Task, TASK_SKIP),
                "started": t.started is not None,
                "finished": t.finished is not None,
                "previous": sorted(position[p.pk] for p in t.previous.all()),
            }
            for t in tasks
        ],
        # Its copy of the case's path differs as the case's does (and is the case's).
        "deadline": columns(deadline, TaskDeadline, {"task_id", "case_id", "unit_path"}) if deadline else None,
        "deadline_at_case": deadline is not None and deadline.unit_path == case.unit_path,
    }


@pytest.mark.parametrize("state", [State.PREPARING, State.OFFER_SERVED])
def test_many_cases_started_at_once_are_the_rows_viewflow_writes_for_one(world, district, user_with, state):
    by = user_with("district_caseworker", world.units["D1"])
    one, two = enterprises(world.units["S1"], 2)
    extra: dict[str, Any] = {}
    if state == State.OFFER_SERVED:
        extra = {"offered_by": Side.UNION, "offer_served_on": timezone.localdate() - timedelta(days=2)}

    def fields(unit):
        return opened_fields(unit=unit, by=by, covered=7, figures={}, state=state, **extra)

    by_viewflow = BargainingFlow.start.run(**fields(one))
    [in_bulk] = cases_start_many(flow_class=BargainingFlow, cases=[BargainingCase(**fields(two))])

    expected, got = snapshot(by_viewflow), snapshot(in_bulk)
    assert got == expected
    assert [t["flow_task"].name for t in got["tasks"]] == ["start", "route", state]
    assert got["deadline"] is not None


def test_the_bulk_start_refuses_cases_of_two_districts(world, district, user_with):
    by = user_with("district_caseworker", world.units["D1"])
    [here] = enterprises(world.units["S1"], 1)
    [there] = enterprises(world.units["S3"], 1)
    cases = [BargainingCase(**opened_fields(unit=u, by=by, covered=1, figures={})) for u in (here, there)]
    with pytest.raises(ValueError, match="one district"):
        cases_start_many(flow_class=BargainingFlow, cases=cases)
    assert not BargainingCase.objects.exists()
