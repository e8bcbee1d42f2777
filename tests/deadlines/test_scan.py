"""The deadline scan: reminder, due today, overdue, two escalations; each
once per task whatever the number of runs; paused clocks and missing
settings send nothing. Time is the scan's ``today``."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from casework.calendar import add_working_days
from casework.deadlines.models import TaskDeadline
from casework.deadlines.scan import deadlines_scan
from casework.district.models import DistrictSetting
from casework.ledger.models import LedgerEntry
from casework.people.models import Person
from casework.people.synthetic import SyntheticPeople
from notifications.models import OutboxMessage
from tests.hardship.conftest import open_task
from tests.hardship.test_flow import submit
from tests.services import require_postgres


def stages(case):
    return list(
        LedgerEntry.objects.filter(
            subject_type="cases.case", subject_id=str(case.pk), action__startswith="case.deadline_"
        )
        .order_by("seq")
        .values_list("action", "payload__level")
    )


def told(event):
    return sorted(OutboxMessage.objects.filter(event=event).values_list("recipient__username", flat=True))


def test_each_stage_comes_once_on_its_day_to_whoever_may_take_the_step(world, staff, user_with):
    case = submit(world, staff)
    colleague = user_with("street_caseworker", world.units["S1"])
    due = TaskDeadline.objects.get(task=open_task(case)).due
    assert deadlines_scan(today=due - timedelta(days=20)).get("reminder", 0) == 0  # too early
    eve = due - timedelta(days=1)
    assert deadlines_scan(today=eve)["reminder"] == 1
    assert deadlines_scan(today=eve).get("reminder", 0) == 0  # once
    assert told("deadline.reminder") == sorted([staff["caseworker"].username, colleague.username])
    assert deadlines_scan(today=due)["due_today"] == 1
    assert deadlines_scan(today=due + timedelta(days=1))["overdue"] == 1
    first = add_working_days(due, 3).date  # deadlines.escalation_working_days
    assert deadlines_scan(today=first - timedelta(days=1)).get("escalated", 0) == 0
    assert deadlines_scan(today=first)["escalated"] == 1
    assert deadlines_scan(today=first).get("escalated", 0) == 0
    second = add_working_days(due, 10).date
    assert deadlines_scan(today=second)["escalated"] == 1
    assert deadlines_scan(today=second + timedelta(days=30)) == {
        "date": (second + timedelta(days=30)).isoformat(),
        "missing_settings": [],
    }
    assert stages(case) == [
        ("case.deadline_reminder", 0),
        ("case.deadline_due_today", 0),
        ("case.deadline_overdue", 0),
        ("case.deadline_escalated", 1),
        ("case.deadline_escalated", 2),
    ]
    # The home visit is the street's: escalation goes to the district's approvers (the top: both times).
    assert told("deadline.escalated") == [staff["district_approver"].username] * 2
    entry = LedgerEntry.objects.filter(action="case.deadline_escalated").order_by("seq")[0]
    assert entry.actor is None and entry.payload["recipients"] == [staff["district_approver"].pk]


def test_a_claimed_task_tells_its_assignee_only(world, staff, user_with):
    user_with("street_caseworker", world.units["S1"])
    case = submit(world, staff)
    task = open_task(case)
    task.owner = staff["caseworker"]
    task.status = "ASSIGNED"
    task.save()
    due = TaskDeadline.objects.get(task=task).due
    deadlines_scan(today=due)
    assert told("deadline.due_today") == [staff["caseworker"].username]


def test_a_paused_clock_and_a_missing_setting_send_nothing(world, staff):
    case = submit(world, staff)
    deadline = TaskDeadline.objects.get(task=open_task(case))
    TaskDeadline.objects.filter(pk=deadline.pk).update(paused_since=deadline.due - timedelta(days=3))
    before = LedgerEntry.objects.count(), OutboxMessage.objects.count()
    assert deadlines_scan(today=deadline.due + timedelta(days=40)) == {
        "date": (deadline.due + timedelta(days=40)).isoformat(),
        "missing_settings": [],
    }
    TaskDeadline.objects.filter(pk=deadline.pk).update(paused_since=None)
    DistrictSetting.objects.filter(key="deadlines.reminder_working_days").delete()
    result = deadlines_scan(today=deadline.due - timedelta(days=1))
    assert result["missing_settings"] == ["deadlines.reminder_working_days"] and "reminder" not in result
    assert (LedgerEntry.objects.count(), OutboxMessage.objects.count()) == before


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_the_same_moment_send_each_stage_once(migration_rows, world, staff):
    require_postgres()
    people = SyntheticPeople(31)
    cases = [submit(world, staff)]
    for _ in range(7):
        p = people.person(today=staff["caseworker"].date_joined.date())
        worker = Person.objects.create(
            name=p.name, id_number=p.id_number, gender="male", birth_date=p.birth_date, employer=world.units["E1"]
        )
        cases.append(submit(world, staff, worker=worker))
    due = TaskDeadline.objects.get(task=open_task(cases[0])).due
    TaskDeadline.objects.update(due=due)
    start = threading.Barrier(2)
    results: list[dict | Exception] = []

    def scan() -> None:
        try:
            start.wait(timeout=15)
            results.append(deadlines_scan(today=due + timedelta(days=1)))
        except Exception as exc:  # pragma: no cover - reported below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r.get("overdue", 0) for r in results if isinstance(r, dict)) == len(cases)
    for case in cases:
        assert stages(case) == [("case.deadline_overdue", 0)]
    assert OutboxMessage.objects.filter(event="deadline.overdue").count() == len(cases)  # one caseworker each
