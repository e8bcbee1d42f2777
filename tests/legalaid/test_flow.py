"""Legal aid end to end: application → completeness → decision →
assignment → case work → closure → subsidy → archive; the lawyer sees
only what is granted to them, and a reassignment moves that access at once,
in the trail; the statutory periods on the official calendar, the clock
waiting for material, and the steps the scan takes on expiry."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from rest_framework.test import APIClient

from casework.deadlines.models import TaskDeadline
from casework.deadlines.scan import deadlines_scan
from casework.ledger.models import LedgerEntry
from casework.legalaid.services import legalaid_event_record, legalaid_lawyer_reassign
from tests.deadlines.test_frozen_clock import begun_on
from tests.hardship.conftest import open_task
from tests.legalaid.conftest import apply, fresh, step, to_in_progress


def trail(case):
    return list(
        LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_from_application_to_archive(world, legal):
    case = to_in_progress(world, legal)
    event = legalaid_event_record(
        case=case, kind="arbitration_filed", happened_on=timezone.localdate(), outcome="", by=legal["lawyer"]
    )
    assert event.case_id == case.pk
    step(
        case,
        "submit_closure",
        legal["lawyer"],
        outcome="partly",
        amount_awarded="15000",
        amount_recovered="12000",
        closure_report="仲裁裁决支持15000元，已执行12000元。",
    )
    step(case, "accept_closure", legal["officer2"], subsidy_amount="1500")
    step(case, "approve_subsidy", legal["finance"])
    case = fresh(case)
    assert (case.state, case.amount_recovered, case.subsidy_requested_by) == ("archived", 12000, legal["officer2"])
    assert trail(case) == [
        "legalaid.applied",
        "legalaid.accept",
        "legalaid.approve",
        "legalaid.assign",
        "access.granted",
        "legalaid.event_recorded",
        "legalaid.submit_closure",
        "legalaid.accept_closure",
        "access.revoked",
        "legalaid.approve_subsidy",
    ]
    # The lawyer's access ended with the closure's review.
    client = APIClient()
    client.force_authenticate(legal["lawyer"])
    assert client.get(f"/api/v1/cases/legalaid/{case.pk}/trail/").status_code == 404


def test_a_lawyer_sees_only_the_cases_granted_to_them_and_a_reassignment_moves_it_at_once(world, legal, client):
    case = to_in_progress(world, legal)
    other = apply(world, legal, person=world.people["S1"])  # not granted to anyone
    client.force_login(legal["lawyer"])
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(f"/cases/{other.pk}/").status_code == 404
    client.force_login(legal["lawyer2"])
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    before = LedgerEntry.objects.count()
    legalaid_lawyer_reassign(
        case=case, lawyer_id=legal["lawyer2"].pk, reason="原承办律师与对方存在利益冲突", by=legal["officer"]
    )
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    client.force_login(legal["lawyer"])
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    added = list(LedgerEntry.objects.filter(seq__gt=before).order_by("seq").values_list("action", "actor_name"))
    assert [a for a, _n in added] == ["access.revoked", "access.granted", "legalaid.lawyer_reassigned"]
    assert added[-1][1] == legal["officer"].get_username()
    assert fresh(case).lawyer == legal["lawyer2"]


def test_decision_objection_and_assignment_periods_on_the_calendar(world, legal):
    case = apply(world, legal)
    step(case, "accept", legal["officer"])
    # Seven days from 28 September 2025 end on 5 October, inside the holiday: the 9th.
    assert begun_on(case, date(2025, 9, 28)).due == date(2025, 10, 9)
    step(case, "refuse", legal["approver"], reason="不符合条件")
    step(case, "record_objection", legal["officer"], reason="申请人书面异议", documents=letter())
    # Five days from 26 September 2025 end on 1 October: the 9th again.
    assert begun_on(case, date(2025, 9, 26)).due == date(2025, 10, 9)
    step(case, "uphold_objection", legal["approver2"])  # not whoever refused it
    # Three days from 10 October 2025: Monday 13 October.
    assert begun_on(case, date(2025, 10, 10)).due == date(2025, 10, 13)


def letter():
    from casework.cases.documents import Attachment, DocumentKind
    from tests.cases.conftest import PDF, upload

    return [Attachment(upload("异议书.pdf", PDF), DocumentKind.LETTER)]


def test_the_decision_clock_waits_for_the_material_and_an_unsupplied_one_is_withdrawn(world, legal):
    case = apply(world, legal)
    step(case, "request_material", legal["officer"], missing_material="1. 劳动合同\n2. 工资条", supply_by="2999-01-04")
    deadline = TaskDeadline.objects.get(task=open_task(case))
    assert deadline.due == date(2999, 1, 4)  # waiting for the applicant: no decision clock yet
    step(case, "material_supplied", legal["officer"])
    decision = TaskDeadline.objects.get(task=open_task(case))
    assert (decision.due - decision.began_on).days >= 7  # the 7 days start once the file is complete

    second = apply(world, legal, person=world.people["S1"])
    step(second, "request_material", legal["officer"], missing_material="劳动合同", supply_by="2999-01-04")
    result = deadlines_scan(today=date(2999, 1, 5))
    assert result["taken_on_expiry"] == 1
    assert fresh(second).state == "withdrawn"
    entry = LedgerEntry.objects.get(action="legalaid.not_supplied")
    assert entry.actor is None and "2999-01-04" in entry.reason


def test_the_task_api_alone_walks_an_application_to_assignment(world, legal, api):
    case = apply(world, legal)

    def take(user, action, **data):
        api.force_authenticate(user)
        tasks = [t for t in api.get("/api/v1/tasks/").json()["results"] if t["case"]["id"] == case.pk]
        assert len(tasks) == 1, tasks
        detail = api.get(f"/api/v1/tasks/{tasks[0]['id']}/").json()
        assert action in [a["name"] for a in detail["actions"]], detail["actions"]
        response = api.post(
            f"/api/v1/tasks/{tasks[0]['id']}/complete/", {"action": action, "data": data}, format="json"
        )
        assert response.status_code == 200, response.json()

    take(legal["officer"], "accept")
    take(legal["approver"], "approve")
    take(legal["officer"], "assign", lawyer=legal["lawyer"].pk)
    take(legal["lawyer"], "submit_closure", outcome="settled", closure_report="调解结案")
    assert fresh(case).state == "closure_review"
