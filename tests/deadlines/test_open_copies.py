"""A due date row's copies (whether its task is open, its case's unit path)
are kept by the database whatever writes the task, the case or the row
(migration deadlines 0003), on SQLite and PostgreSQL alike; the overdue
filter reads them, in scope."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from viewflow.workflow.models import Task

from casework.cases.models import Case
from casework.cases.selectors import hardship_cases
from casework.deadlines.models import TaskDeadline
from casework.org.models import UnitKind
from casework.org.services import unit_move
from tests.hardship.conftest import open_task
from tests.hardship.test_flow import step, submit
from tests.reports.plant import person_at
from tests.web.helpers import make_unit


def copies(task: Task) -> tuple[bool, str]:
    row = TaskDeadline.objects.get(task=task)
    return row.open, row.unit_path


def test_a_new_step_is_open_at_its_case_and_closes_when_taken(world, staff):
    case = submit(world, staff)
    first = open_task(case)
    assert copies(first) == (True, world.units["E1"].path)
    step(case, "record_home_visit", staff["caseworker"], visited_on="2026-01-05", report="家中确有困难")
    assert copies(first) == (False, world.units["E1"].path)
    assert copies(open_task(case)) == (True, world.units["E1"].path)


def test_a_withdrawn_case_leaves_no_open_step(world, staff):
    case = submit(world, staff)
    step(case, "withdraw", staff["chair"], reason="职工本人书面要求撤回")
    assert not TaskDeadline.objects.filter(case_id=case.pk, open=True).exists()
    assert TaskDeadline.objects.filter(case_id=case.pk).exists()


def test_a_stale_row_saved_whole_keeps_the_true_copies(world, staff):
    """A row read while its task was open, saved whole after the task closed
    (and after a move), still says closed and where the case is now."""
    case = submit(world, staff)
    task = open_task(case)
    stale = TaskDeadline.objects.get(task=task)
    Task.objects.filter(pk=task.pk).update(status="DONE")
    Case.objects.filter(pk=case.pk).update(unit_path="/elsewhere/")
    stale.reminded_on = timezone.localdate()
    stale.save()
    assert copies(task) == (False, "/elsewhere/")
    Task.objects.filter(pk=task.pk).update(status="ASSIGNED")
    assert copies(task) == (True, "/elsewhere/")


def test_the_steps_follow_their_case_when_its_unit_moves(world, staff, user_with):
    case = submit(world, staff)
    s9 = make_unit("S9", "九街道工会", UnitKind.STREET, world.units["D2"])
    admin = user_with("administrator", world.units["D1"])
    unit_move(unit=world.units["E1"], new_parent=s9, reason="企业迁址", by=admin)
    e1 = world.units["E1"]
    e1.refresh_from_db()
    assert e1.path.startswith(s9.path)
    assert copies(open_task(case)) == (True, e1.path)


def test_the_overdue_filter_reads_the_open_steps_in_scope(world, staff, user_with):
    """Overdue: an open step past due with its clock running, of a case in
    the user's scope (and under the unit asked for); nothing else."""
    e1, e2 = world.units["E1"], world.units["E2"]
    mine, closed, paused = (submit(world, staff, worker=person_at(e1)) for _ in range(3))
    neighbour = submit(world, staff, worker=person_at(e2), by=user_with("enterprise_chair", e2))
    yesterday = timezone.localdate() - timedelta(days=1)
    TaskDeadline.objects.filter(case_id__in=[c.pk for c in (mine, closed, paused, neighbour)]).update(due=yesterday)
    step(closed, "withdraw", staff["chair"], reason="职工本人书面要求撤回")
    TaskDeadline.objects.filter(case_id=paused.pk).update(paused_since=yesterday)
    street = staff["caseworker"]  # S1: E1's cases, not E2's
    district = user_with("district_caseworker", world.units["D1"])

    def overdue(user, **filters) -> set[int]:
        return set(hardship_cases(user, overdue=True, **filters).values_list("pk", flat=True))

    assert overdue(street) == {mine.pk}
    assert overdue(district) == {mine.pk, neighbour.pk}
    assert overdue(district, unit=world.units["S2"].pk) == {neighbour.pk}
    assert overdue(district, unit=world.units["S1"].pk, state=mine.state) == {mine.pk}
    assert overdue(district, unit=world.units["S1"].pk, state="filed") == set()
    assert overdue(user_with("district_caseworker", world.units["D2"])) == set()
