"""Due dates where people see them: the inbox (overdue first), the case list's
overdue filter, the case page's clock, the task API's fields and endpoints."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from casework.deadlines.models import TaskDeadline
from casework.ledger.models import LedgerEntry
from casework.people.models import Person
from casework.people.synthetic import SyntheticPeople
from tests.api.helpers import as_user, is_error
from tests.hardship.conftest import open_task
from tests.hardship.test_flow import submit


def two_cases(world, staff):
    """Two cases at the home visit; the second, newer one made overdue."""
    first = submit(world, staff)
    p = SyntheticPeople(5).person(today=timezone.localdate())
    worker = Person.objects.create(
        name=p.name, id_number=p.id_number, gender="male", birth_date=p.birth_date, employer=world.units["E1"]
    )
    second = submit(world, staff, worker=worker)
    TaskDeadline.objects.filter(task=open_task(second)).update(due=timezone.localdate() - timedelta(days=1))
    return first, second


def test_the_inbox_lists_overdue_tasks_first_and_marks_them(client, world, staff):
    first, second = two_cases(world, staff)
    client.force_login(staff["caseworker"])
    html = client.get("/cases/inbox/").content.decode()
    assert html.index(f'href="/cases/{second.pk}/"') < html.index(f'href="/cases/{first.pk}/"')
    assert html.count("badge-overdue") == 1
    assert TaskDeadline.objects.get(task=open_task(first)).due.isoformat() in html


def test_the_case_list_filters_overdue_cases(client, world, staff):
    first, second = two_cases(world, staff)
    client.force_login(staff["caseworker"])
    html = client.get("/cases/hardship/?overdue=1").content.decode()
    assert f'href="/cases/{second.pk}/"' in html and f'href="/cases/{first.pk}/"' not in html
    html = client.get("/cases/hardship/").content.decode()
    assert f'href="/cases/{first.pk}/"' in html


def test_a_paused_clock_is_not_overdue(client, world, staff):
    _first, second = two_cases(world, staff)
    TaskDeadline.objects.filter(task=open_task(second)).update(paused_since=timezone.localdate())
    client.force_login(staff["caseworker"])
    assert "badge-overdue" not in client.get("/cases/inbox/").content.decode()
    assert f'href="/cases/{second.pk}/"' not in client.get("/cases/hardship/?overdue=1").content.decode()


def test_the_case_page_pauses_and_resumes_the_clock_with_a_reason(client, world, staff):
    case = submit(world, staff)
    client.force_login(staff["caseworker"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "暂停计时" in page and TaskDeadline.objects.get(task=open_task(case)).due.isoformat() in page
    client.post(f"/cases/{case.pk}/clock/", {"change": "pause", "reason": "等待补充收入证明"})
    assert TaskDeadline.objects.get(task=open_task(case)).paused
    before = LedgerEntry.objects.count()
    response = client.post(f"/cases/{case.pk}/clock/", {"change": "resume", "reason": ""}, follow=True)
    assert "理由：必填" in response.content.decode()
    assert LedgerEntry.objects.count() == before and TaskDeadline.objects.get(task=open_task(case)).paused
    client.post(f"/cases/{case.pk}/clock/", {"change": "resume", "reason": "材料已补齐"})
    assert not TaskDeadline.objects.get(task=open_task(case)).paused
    # The chair of the enterprise has no action at the home visit: no form, and a refusal.
    client.force_login(staff["chair"])
    assert "暂停计时" not in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.post(f"/cases/{case.pk}/clock/", {"change": "pause", "reason": "x"}).status_code == 403


def test_the_task_api_gives_due_overdue_provisional_and_paused(api, world, staff):
    first, second = two_cases(world, staff)
    as_user(api, staff["caseworker"])
    tasks = api.get("/api/v1/tasks/").json()["results"]
    assert [t["case"]["id"] for t in tasks] == [second.pk, first.pk]
    late = tasks[0]
    assert late["overdue"] is True and late["paused"] is False
    assert late["due"] == (timezone.localdate() - timedelta(days=1)).isoformat()
    assert (
        tasks[1]["due"] == TaskDeadline.objects.get(task=open_task(first)).due.isoformat()
        and tasks[1]["overdue"] is False
    )
    detail = api.get(f"/api/v1/hardship/cases/{second.pk}/").json()
    assert detail["tasks"][0]["overdue"] is True


def test_the_task_api_pauses_and_resumes(api, world, staff, user_with):
    case = submit(world, staff)
    task = open_task(case)
    outsider = user_with("street_caseworker", world.units["S2"])
    as_user(api, outsider)
    assert api.post(f"/api/v1/tasks/{task.pk}/pause/", {"reason": "x"}, format="json").status_code == 404
    as_user(api, staff["caseworker"])
    before = LedgerEntry.objects.count()
    response = api.post(f"/api/v1/tasks/{task.pk}/pause/", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    assert LedgerEntry.objects.count() == before
    response = api.post(f"/api/v1/tasks/{task.pk}/pause/", {"reason": "等材料"}, format="json")
    assert response.status_code == 200 and response.json()["paused"] is True
    response = api.post(f"/api/v1/tasks/{task.pk}/pause/", {"reason": "再停"}, format="json")
    assert response.status_code == 400 and is_error(response.json(), "deadline.already_paused")
    response = api.post(f"/api/v1/tasks/{task.pk}/resume/", {"reason": "已补齐"}, format="json")
    assert response.status_code == 200 and response.json()["paused"] is False


def test_the_inbox_filters_overdue_and_due_this_week(client, api, world, staff):
    from casework.deadlines.selectors import end_of_week

    first, second = two_cases(world, staff)
    TaskDeadline.objects.filter(task=open_task(first)).update(due=end_of_week() + timedelta(days=1))
    client.force_login(staff["caseworker"])
    html = client.get("/cases/inbox/?overdue=1").content.decode()
    assert f'href="/cases/{second.pk}/"' in html and f'href="/cases/{first.pk}/"' not in html
    html = client.get("/cases/inbox/?due=this_week").content.decode()
    assert f'href="/cases/{second.pk}/"' not in html and f'href="/cases/{first.pk}/"' not in html
    TaskDeadline.objects.filter(task=open_task(first)).update(due=end_of_week())
    assert f'href="/cases/{first.pk}/"' in client.get("/cases/inbox/?due=this_week").content.decode()
    as_user(api, staff["caseworker"])
    assert [t["case"]["id"] for t in api.get("/api/v1/tasks/?overdue=true").json()["results"]] == [second.pk]
    assert [t["case"]["id"] for t in api.get("/api/v1/tasks/?due=this_week").json()["results"]] == [first.pk]
    assert api.get("/api/v1/tasks/?due=next_year").status_code == 400
