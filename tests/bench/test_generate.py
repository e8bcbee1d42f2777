"""The data generator (bench/generate.py) on its ``tiny`` preset: the sizes,
every hardship state, one open task per open case, a chain that verifies,
and the same rows from the same seed."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pytest
from django.db import transaction
from viewflow.workflow.models import Task

from bench.generate import CLOSED, PRESETS, generate
from casework.cases.tasks import OPEN
from casework.deadlines.models import TaskDeadline
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.ledger.verify import ledger_verify
from casework.org.models import Membership, Unit
from casework.people.idnumber import validate_id_number
from casework.people.models import Person

pytestmark = pytest.mark.django_db
TINY = PRESETS["tiny"]


def rows_digest(prefix: str) -> str:
    """The people and the cases' states, read back from the database."""
    digest = hashlib.sha256()
    people = Person.objects.filter(employer__code__startswith=prefix).order_by("id_number")
    for name, number, unit in people.values_list("name", "id_number", "employer__code"):
        digest.update(f"{name}|{number}|{unit}\n".encode())
    cases = HardshipCase.objects.filter(unit__code__startswith=prefix).order_by("person__id_number")
    for number, state, record in cases.values_list("person__id_number", "state", "number"):
        digest.update(f"{number}|{state}|{record}\n".encode())
    return digest.hexdigest()


@pytest.fixture
def tiny() -> dict[str, Any]:
    return generate("tiny", 7, prefix="T7-")


def test_tiny_has_the_preset_sizes(tiny: dict[str, Any]) -> None:
    units = Unit.objects.filter(code__startswith="T7-")
    assert Counter(units.values_list("kind", flat=True)) == {
        "district": 1,
        "street": TINY.streets,  # three streets: no fifth one to be a park
        "enterprise": 26,
        "institution": 4,
    }
    assert all(u.path.count("/") == u.depth + 2 for u in units)
    assert Membership.objects.filter(unit__code__startswith="T7-").count() == 2 * TINY.streets + 2
    people = Person.objects.filter(employer__code__startswith="T7-")
    assert people.count() == TINY.members
    assert all(validate_id_number(n) == n for n in people.values_list("id_number", flat=True)[:50])
    assert HardshipCase.objects.filter(unit__code__startswith="T7-").count() == TINY.cases
    assert 0.9 * TINY.ledger <= tiny["ledger_entries"] <= 1.1 * TINY.ledger
    assert tiny["rows"]["people_person"] == TINY.members


def test_every_state_is_present_and_every_open_case_has_one_open_task(tiny: dict[str, Any]) -> None:
    cases = HardshipCase.objects.filter(unit__code__startswith="T7-")
    assert set(cases.values_list("state", flat=True)) == set(State.values)
    open_tasks = Counter(Task.objects.filter(process__in=cases, status__in=OPEN).values_list("process_id", flat=True))
    for case in cases:
        if case.state in CLOSED:
            assert case.pk not in open_tasks and case.closed_at is not None
        else:
            assert open_tasks[case.pk] == 1, case.state
    for task in Task.objects.filter(process__in=cases).select_related("process"):
        assert task.flow_task.name == task.process.coerced.state
        assert TaskDeadline.objects.filter(task=task).exists()
    filed = cases.filter(state=State.FILED)
    assert all(c.number.startswith("困") and c.filed_on for c in filed)


def test_the_chain_verifies(tiny: dict[str, Any]) -> None:
    result = ledger_verify(files=False)
    assert result.ok, result
    assert result.entries >= tiny["ledger_entries"]


def test_the_same_seed_gives_the_same_rows() -> None:
    digests = []
    for seed in (3, 3, 4):
        with transaction.atomic():
            report = generate("tiny", seed, prefix="R-")
            digests.append((rows_digest("R-"), report["digest"], report["states"]))
            transaction.set_rollback(True)
    assert digests[0] == digests[1]
    assert digests[0][0] != digests[2][0]
