"""Reads every case type shares: the inbox, one case's open task, its trail.
Each takes the user and starts from ``permissions.access.scope``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet, TextChoices
from viewflow.workflow.models import Task

from casework.accounts.models import User
from casework.cases.models import Case, CaseDocument
from casework.cases.tasks import OPEN
from casework.cases.transitions import Table
from casework.deadlines.selectors import case_due, case_overdue_shown, overdue_first, steps_overdue, tasks_due
from casework.ledger.models import LedgerEntry
from casework.org.selectors import current_memberships
from casework.web.paging import rows_in_order
from permissions.access import scope
from permissions.roles import ROLES

# case_type -> its transition table and state labels (registered by each case type's app).
TABLES: dict[str, Table] = {}
STATE_LABELS: dict[str, dict[str, Any]] = {}


def register_case_type(case_type: str, table: Table, states: type[TextChoices]) -> None:
    TABLES[case_type] = table
    STATE_LABELS[case_type] = dict(states.choices)


def state_label(case: Case) -> str:
    return str(STATE_LABELS.get(case.case_type, {}).get(case.state, case.state))


def step_label(code: str, from_state: str | None = None) -> str | None:
    """The label of the step ``<case type>.<action>`` (the one taken from
    ``from_state`` when the action is a step of several states), or None
    when ``code`` is no step of a registered table."""
    case_type, _dot, action = code.partition(".")
    table = TABLES.get(case_type)
    steps = [t for t in table.transitions if t.action == action] if table is not None else []
    exact = [t for t in steps if t.state == from_state]
    return str((exact or steps)[0].label) if steps else None


def state_name(code: str, state: str) -> str:
    """``state`` in words, by the case type of the step or event ``code``."""
    return str(STATE_LABELS.get(code.partition(".")[0], {}).get(state, state))


def actionable_states(user: User) -> dict[str, set[str]]:
    """Per case type, the states in which one of the user's roles has a step.
    Four-eyes and the unit level are checked when the step is taken."""
    held = {m.role for m in current_memberships(user)}
    states: dict[str, set[str]] = {}
    for case_type, table in TABLES.items():
        for t in table.transitions:
            if t.on_expiry:
                continue
            takers = (t.roles or held) & held
            if any(t.permission in ROLES[role].actions for role in takers):
                states.setdefault(case_type, set()).add(t.state)
    return states


def inbox(user: User, *, overdue: bool = False, due_this_week: bool = False) -> QuerySet[Task]:
    """Open tasks in the user's scope at a step one of their roles takes,
    overdue first, then by due date. ``overdue``, ``due_this_week``: only
    those. A list pages through its ids (``values_list("pk")``) and reads
    the page's rows with ``tasks_shown``: sorting a street's two thousand
    open tasks with every joined column costs three times sorting their ids."""
    at_my_steps = Q(pk__in=[])  # no role with a step: nothing
    for case_type, states in actionable_states(user).items():
        at_my_steps |= Q(case_type=case_type, state__in=states)
    # The cases first, their tasks by ``process_id``: a task's case is its
    # process, so no join through viewflow_process (a third of the cost
    # per task at the ``city`` preset).
    cases = scope(user, Case.objects.filter(at_my_steps))
    mine = tasks_due(
        Task.objects.filter(status__in=OPEN, process_id__in=cases.values("pk")),
        overdue=overdue,
        this_week=due_this_week,
    )
    return overdue_first(mine)


def tasks_shown(ids: Iterable[int]) -> list[Task]:
    """The tasks ``ids`` in that order, with what a list shows (the case,
    its unit and person, the owner, the due date): one query."""
    rows = Task.objects.select_related("process__case__unit", "process__case__person", "owner", "deadline")
    return rows_in_order(rows, ids)


def case_open_task(case: Case) -> Task | None:
    return Task.objects.filter(process_id=case.pk, status__in=OPEN).order_by("-pk").first()


def case_trail(case: Case) -> QuerySet[LedgerEntry]:
    """The case's ledger entries, oldest first (the caller has checked that
    the case is in the user's scope)."""
    return (
        LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
        .select_related("actor", "actor_unit")
        .order_by("seq")
    )


def case_documents(case: Case) -> QuerySet[CaseDocument]:
    """The case's documents, oldest first, with their uploaders (the caller
    has checked that the case is in the user's scope)."""
    return CaseDocument.objects.filter(case_id=case.pk).select_related("uploaded_by").order_by("uploaded_at", "pk")


def cases_of(
    user: User,
    model: type[Case],
    *,
    state: str | None = None,
    unit: int | None = None,
    overdue: bool = False,
) -> QuerySet[Any]:
    """Cases of one type (its model) in the user's scope, newest first, with
    what a list shows (the open step's due date as ``due``); ``unit``: that
    unit and those under it; ``overdue``: only those with an open step past
    its due date."""
    from casework.org.models import Unit

    cases = scope(
        user,
        model.objects.select_related("unit", "person")
        .annotate(due=case_due(), overdue=case_overdue_shown())
        .order_by("-opened_at", "-pk"),
    )
    path = None
    if unit is not None:
        path = Unit.objects.filter(pk=unit).values_list("path", flat=True).first()
        if not path:
            return cases.none()
        cases = cases.filter(unit_path__startswith=path)
    if state:
        cases = cases.filter(state=state)
    if overdue:
        # The overdue steps in scope (and under ``unit``), read from their
        # own index, rather than asking each of a district's cases.
        late = scope(user, steps_overdue())
        cases = cases.filter(pk__in=(late.filter(unit_path__startswith=path) if path else late).values("case_id"))
    return cases


def hardship_cases(
    user: User,
    *,
    state: str | None = None,
    category: str | None = None,
    unit: int | None = None,
    overdue: bool = False,
) -> QuerySet[Any]:
    """``cases_of`` hardship records, and by category."""
    from casework.hardship.models import HardshipCase

    cases = cases_of(user, HardshipCase, state=state, unit=unit, overdue=overdue)
    return cases.filter(category=category) if category else cases
