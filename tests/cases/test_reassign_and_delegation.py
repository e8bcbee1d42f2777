"""An approver reassigns an open task; a user on leave delegates their claimed
tasks to a colleague of the same role and unit. Due dates stay; both are in
the trail; every refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.cases.delegation import Delegation, delegation_give, delegation_revoke
from casework.cases.tasks import task_claim, task_complete, task_reassign
from casework.deadlines.models import TaskDeadline
from casework.deadlines.scan import deadlines_scan
from casework.errors import NotAllowed, RuleViolation
from casework.ledger.models import LedgerEntry
from notifications.models import OutboxMessage
from tests.api.helpers import as_user
from tests.hardship.conftest import open_task
from tests.hardship.test_flow import submit


@pytest.fixture
def colleague(world, user_with):
    return user_with("street_caseworker", world.units["S1"])


def snapshot(task):
    task.refresh_from_db()
    return (
        task.owner_id,
        task.status,
        LedgerEntry.objects.count(),
        OutboxMessage.objects.count(),
        list(TaskDeadline.objects.values_list("due", flat=True)),
        list(Delegation.objects.values_list("pk", "revoked_at")),
    )


def test_an_approver_reassigns_an_open_task_and_the_due_date_stays(world, staff, colleague):
    case = submit(world, staff)
    task = open_task(case)
    due = TaskDeadline.objects.get(task=task).due
    task_claim(task=task, by=staff["caseworker"])
    task_reassign(task=task, to=colleague, by=staff["street_approver"], reason="原经办人病假")
    task.refresh_from_db()
    assert (task.owner, task.status, TaskDeadline.objects.get(task=task).due) == (colleague, "ASSIGNED", due)
    entry = LedgerEntry.objects.filter(action="case.task_reassigned").get()
    assert (entry.actor, entry.actor_role, entry.payload["from"], entry.payload["to"]) == (
        staff["street_approver"],
        "street_approver",
        staff["caseworker"].pk,
        colleague.pk,
    )
    told = set(OutboxMessage.objects.filter(event="case.task_reassigned").values_list("recipient", flat=True))
    assert told == {colleague.pk, staff["caseworker"].pk}
    task_complete(
        task=task,
        action="record_home_visit",
        by=colleague,
        data={"visited_on": str(timezone.localdate()), "report": "属实"},
    )


def test_a_reassignment_is_refused_and_changes_nothing(world, staff, colleague, user_with):
    case = submit(world, staff)
    task = open_task(case)
    before = snapshot(task)
    with pytest.raises(NotAllowed):  # a caseworker reassigns nothing
        task_reassign(task=task, to=colleague, by=staff["caseworker"], reason="x")
    with pytest.raises(NotAllowed):  # nor does the neighbouring street's approver
        task_reassign(task=task, to=colleague, by=user_with("street_approver", world.units["S2"]), reason="x")
    for to, reason, field in (
        (colleague, " ", "reason"),
        (staff["chair"], "x", "to"),  # the chair does no home visit
        (user_with("street_caseworker", world.units["S2"]), "x", "to"),  # another street's
        (None, "x", "to"),
    ):
        with pytest.raises(RuleViolation) as error:
            task_reassign(task=task, to=to, by=staff["street_approver"], reason=reason)
        assert error.value.field == field
    assert snapshot(task) == before


def test_the_case_page_and_the_api_reassign(client, api, world, staff, colleague):
    case = submit(world, staff)
    task = open_task(case)
    client.force_login(staff["caseworker"])
    assert 'name="to"' not in client.get(f"/cases/{case.pk}/").content.decode()
    client.force_login(staff["street_approver"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'<option value="{colleague.pk}">' in page
    client.post(f"/cases/{case.pk}/reassign/", {"to": colleague.pk, "reason": "均衡工作量"})
    task.refresh_from_db()
    assert task.owner == colleague
    as_user(api, staff["street_approver"])
    response = api.post(
        f"/api/v1/tasks/{task.pk}/reassign/", {"to": staff["caseworker"].pk, "reason": "销假"}, format="json"
    )
    assert response.status_code == 200 and response.json()["assignee"] == staff["caseworker"].username
    response = api.post(f"/api/v1/tasks/{task.pk}/reassign/", {"to": 999999, "reason": "x"}, format="json")
    assert response.status_code == 400 and response.json()["fields"] == {"to": ["改派给：须是能办理此步骤的另一人。"]}


def test_a_delegate_completes_the_delegators_claimed_task_during_the_period(world, staff, colleague):
    case = submit(world, staff)
    task = open_task(case)
    task_claim(task=task, by=staff["caseworker"])
    data = {"visited_on": str(timezone.localdate()), "report": "属实"}
    with pytest.raises(NotAllowed) as error:
        task_complete(task=task, action="record_home_visit", by=colleague, data=data)
    assert error.value.code == "task.claimed_by_other"
    today = timezone.localdate()
    delegation = delegation_give(
        by=staff["caseworker"],
        delegate=colleague,
        role="street_caseworker",
        unit=world.units["S1"],
        starts_on=today,
        ends_on=today + timedelta(days=7),
        reason="年休假",
    )
    assert LedgerEntry.objects.filter(action="delegation.given", actor=staff["caseworker"]).count() == 1
    # The scan tells the delegate too about the delegator's task.
    due = TaskDeadline.objects.get(task=task).due
    deadlines_scan(today=due)
    told = set(OutboxMessage.objects.filter(event="deadline.due_today").values_list("recipient", flat=True))
    assert told == {staff["caseworker"].pk, colleague.pk}
    delegation_revoke(delegation=delegation, by=staff["caseworker"], reason="提前销假")
    with pytest.raises(NotAllowed):
        task_complete(task=task, action="record_home_visit", by=colleague, data=data)
    delegation_give(
        by=staff["caseworker"],
        delegate=colleague,
        role="street_caseworker",
        unit=world.units["S1"],
        starts_on=today,
        ends_on=today,
        reason="再次请假",
    )
    task_complete(task=task, action="record_home_visit", by=colleague, data=data)


def test_a_delegation_is_refused_and_changes_nothing(world, staff, colleague, user_with):
    today = timezone.localdate()
    base = {
        "by": staff["caseworker"],
        "delegate": colleague,
        "role": "street_caseworker",
        "unit": world.units["S1"],
        "starts_on": today,
        "ends_on": today + timedelta(days=3),
        "reason": "出差",
    }
    delegation_give(**base)
    task = open_task(submit(world, staff))
    before = snapshot(task)
    cases = [
        ({"starts_on": today + timedelta(days=2)}, "delegation.overlaps"),
        ({"delegate": staff["street_approver"]}, "delegation.not_a_colleague"),
        ({"delegate": staff["caseworker"]}, "delegation.not_a_colleague"),
        ({"delegate": user_with("street_caseworker", world.units["S2"])}, "delegation.not_a_colleague"),
        ({"role": "street_approver"}, "delegation.role_not_held"),
        ({"starts_on": today - timedelta(days=1)}, "delegation.starts_in_past"),
        ({"starts_on": today + timedelta(days=9), "ends_on": today + timedelta(days=8)}, "delegation.period_invalid"),
        ({"starts_on": today + timedelta(days=9), "ends_on": today + timedelta(days=500)}, "delegation.period_invalid"),
        (
            {"starts_on": today + timedelta(days=9), "ends_on": today + timedelta(days=10), "reason": ""},
            "field_required",
        ),
    ]
    for change, code in cases:
        with pytest.raises(RuleViolation) as error:
            delegation_give(**(base | change))
        assert error.value.code == code, change
    assert snapshot(task) == before


def test_the_delegation_page_gives_and_takes_back(client, world, staff, colleague, user_with):
    client.force_login(staff["caseworker"])
    page = client.get("/cases/delegations/").content.decode()
    assert f'<option value="{colleague.pk}"' in page
    membership = staff["caseworker"].memberships.get()
    today = timezone.localdate()
    form = {"membership": membership.pk, "delegate": colleague.pk, "starts_on": today, "ends_on": today, "reason": ""}
    response = client.post("/cases/delegations/", form)
    assert response.status_code == 400 and "理由：必填" in response.content.decode()
    assert Delegation.objects.count() == 0
    client.post("/cases/delegations/", form | {"reason": "培训"})
    delegation = Delegation.objects.get()
    client.force_login(user_with("street_caseworker", world.units["S2"]))
    assert client.post(f"/cases/delegations/{delegation.pk}/revoke/", {"reason": "x"}).status_code == 404
    client.force_login(colleague)  # the delegate sees it, cannot take it back
    assert "培训" in client.get("/cases/delegations/").content.decode()
    client.force_login(staff["caseworker"])
    client.post(f"/cases/delegations/{delegation.pk}/revoke/", {"reason": "培训取消"})
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None
