"""The departments' joint vetting: parallel requests, answers in any order
and at once (PostgreSQL), the join taken by the system when the last is in
(any veto excludes), and a department that does not answer sending the
step to a follow-up task."""

from __future__ import annotations

import threading
from datetime import timedelta
from itertools import permutations

import pytest
from django.db import connection
from django.utils import timezone

from casework.cases.selectors import case_open_task
from casework.deadlines.models import TaskDeadline
from casework.deadlines.scan import deadlines_scan
from casework.errors import RuleViolation
from casework.honours.choices import State
from casework.honours.models import VettingRequest
from casework.honours.services import honours_vetting_answer
from casework.ledger.models import LedgerEntry
from tests.honours.conftest import fresh, letter, state_of, step, to_street_review
from tests.services import require_postgres

DEPARTMENTS = ["labour", "tax", "market", "emergency", "environment"]


def in_vetting(world, honours, campaign, approver=None, **kwargs):
    case = to_street_review(world, honours, campaign, **kwargs)
    step(case, "street_recommend", approver or honours["street_approver"])
    return fresh(case)


def answer(case, department, honours, verdict="clear"):
    return honours_vetting_answer(
        request=VettingRequest.objects.get(nomination=case, department=department),
        answer=verdict,
        answered_on=timezone.localdate(),
        reason="近三年有重大税收违法失信记录" if verdict == "veto" else "",
        documents=letter(f"{department}.pdf"),
        by=honours["district"],
    )


def _open_step(case):
    task = case_open_task(case)
    return task.flow_task.name if task is not None else None


def joins(case):
    return list(
        LedgerEntry.objects.filter(
            subject_id=str(case.pk), action__in=["honours.vetting_cleared", "honours.vetting_vetoed"]
        ).values_list("action", flat=True)
    )


def test_the_departments_are_asked_in_parallel_state_owned_units_also_by_discipline_and_audit(
    world, honours, campaign, user_with
):
    case = in_vetting(world, honours, campaign)
    assert sorted(case.vetting.values_list("department", flat=True)) == sorted(DEPARTMENTS)
    assert case.vetting_began_on == timezone.localdate()
    s2_approver = user_with("street_approver", world.units["S2"])
    other = in_vetting(world, honours, campaign, approver=s2_approver, unit="E2", ownership="state_owned")
    assert set(other.vetting.values_list("department", flat=True)) == {*DEPARTMENTS, "discipline", "audit"}


ORDERS = [
    pytest.param(list(order), veto, id=f"{'-'.join(order)}{'-veto-' + veto if veto else ''}")
    for order, veto in [
        (DEPARTMENTS, None),
        (DEPARTMENTS[::-1], None),
        (list(permutations(DEPARTMENTS))[57], None),
        (DEPARTMENTS, "labour"),  # the veto first
        (DEPARTMENTS, "environment"),  # the veto last
        (DEPARTMENTS[::-1], "market"),  # the veto in the middle
    ]
]


@pytest.mark.parametrize(("order", "veto"), ORDERS)
def test_the_step_waits_for_every_answer_whatever_their_order(world, honours, campaign, order, veto):
    case = in_vetting(world, honours, campaign)
    for department in order[:-1]:
        answer(case, department, honours, "veto" if department == veto else "clear")
        assert fresh(case).state == State.VETTING and joins(case) == []
    answer(case, order[-1], honours, "veto" if order[-1] == veto else "clear")
    case = fresh(case)
    if veto:
        assert case.state == State.EXCLUDED and joins(case) == ["honours.vetting_vetoed"]
        assert case_open_task(case) is None
    else:
        assert case.state == State.COMMITTEE and joins(case) == ["honours.vetting_cleared"]
        assert _open_step(case) == State.COMMITTEE


def test_an_answer_is_recorded_once_with_its_letter_and_a_veto_with_its_reason(world, honours, campaign):
    case = in_vetting(world, honours, campaign)
    request = VettingRequest.objects.get(nomination=case, department="tax")
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        honours_vetting_answer(
            request=request, answer="clear", answered_on=timezone.localdate(), by=honours["district"]
        )
    assert refused.value.code == "case.evidence_required" and state_of() == before
    with pytest.raises(RuleViolation) as refused:
        honours_vetting_answer(
            request=request, answer="veto", answered_on=timezone.localdate(), documents=letter(), by=honours["district"]
        )
    assert refused.value.field == "reason" and state_of() == before
    answer(case, "tax", honours)
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        answer(case, "tax", honours, "veto")
    assert refused.value.code == "honours.already_answered" and state_of() == before
    entry = LedgerEntry.objects.get(subject_id=str(case.pk), action="honours.vetting_answered")
    assert entry.payload["department"] == "tax" and len(entry.evidence) == 1


def test_a_department_that_does_not_answer_sends_the_step_to_a_follow_up_task(world, honours, campaign):
    case = in_vetting(world, honours, campaign)
    for department in DEPARTMENTS[:4]:
        answer(case, department, honours)
    due = TaskDeadline.objects.get(task=case_open_task(case)).due
    deadlines_scan(today=due + timedelta(days=1))
    case = fresh(case)
    assert case.state == State.VETTING_FOLLOW_UP
    overdue = LedgerEntry.objects.get(subject_id=str(case.pk), action="honours.vetting_overdue")
    assert overdue.actor is None
    follow_up = case_open_task(case)
    assert follow_up is not None and follow_up.flow_task.name == State.VETTING_FOLLOW_UP
    assert TaskDeadline.objects.get(task=follow_up).due > timezone.localdate()  # its own period, from its start
    # The late answer still joins, from the follow-up.
    answer(case, DEPARTMENTS[4], honours)
    case = fresh(case)
    assert case.state == State.COMMITTEE
    join = LedgerEntry.objects.get(subject_id=str(case.pk), action="honours.vetting_cleared")
    assert join.from_state == State.VETTING_FOLLOW_UP


def test_the_district_may_give_up_on_a_department_that_never_answers(world, honours, campaign):
    case = in_vetting(world, honours, campaign)
    deadlines_scan(today=TaskDeadline.objects.get(task=case_open_task(case)).due + timedelta(days=1))
    before = state_of()
    with pytest.raises(RuleViolation) as refused:
        step(fresh(case), "exclude_uncleared", honours["approver"])
    assert refused.value.code == "reason_required" and state_of() == before
    step(fresh(case), "exclude_uncleared", honours["approver"], reason="应急管理部门逾期未出具意见，本次不再推荐")
    assert fresh(case).state == State.EXCLUDED


@pytest.mark.parametrize("veto", [None, "market"])
@pytest.mark.django_db(transaction=True)
def test_answers_arriving_at_once_join_exactly_once(migration_rows, world, honours, veto):
    require_postgres()
    from tests.honours.conftest import campaign_open

    case = in_vetting(world, honours, campaign_open(world, honours))
    start = threading.Barrier(len(DEPARTMENTS))
    errors: list[BaseException] = []

    def one(department: str) -> None:
        try:
            start.wait(timeout=15)
            answer(case, department, honours, "veto" if department == veto else "clear")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(dept,)) for dept in DEPARTMENTS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    case = fresh(case)
    assert sorted(case.vetting.values_list("answer", flat=True)) == sorted(
        ["veto" if d == veto else "clear" for d in DEPARTMENTS]
    )
    assert LedgerEntry.objects.filter(subject_id=str(case.pk), action="honours.vetting_answered").count() == 5
    if veto:
        assert case.state == State.EXCLUDED and joins(case) == ["honours.vetting_vetoed"]
    else:
        assert case.state == State.COMMITTEE and joins(case) == ["honours.vetting_cleared"]
        # One open step, the committee's.
        assert _open_step(case) == State.COMMITTEE
