"""Reading the decision trail: the auditors' search, a case's timeline and
the log of personal-data reveals. Every read starts from ``scope(user,
LedgerEntry, "ledger.view")``: an entry is seen where its subject's unit is
seen (today's tree), so a street's auditor never reads a neighbour's trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from viewflow.workflow.models import Task

from casework.accounts.models import User
from casework.audit.filters import ACTION, LONGEST_ID, audit_period, audit_unit, day_start
from casework.cases.models import Case
from casework.cases.selectors import state_name, step_label
from casework.ledger.models import LedgerEntry
from casework.ledger.services import SYSTEM_ACTOR
from casework.org.models import Unit
from permissions.access import require, scope
from permissions.roles import ROLES

CASE_SUBJECT = "cases.case"
PERSON_SUBJECT = "people.person"
REVEALED = "person.revealed"
# Query parameters of a trail search, in the order forms and links show them.
PARAMS = ("unit", "case", "actor", "action", "state", "from", "to")
LONGEST_TEXT = 64  # the longest action or state code


@dataclass(frozen=True)
class TrailQuery:
    """A search of the trail; every part optional, all parts must hold."""

    unit: Unit | None = None  # entries about this unit and those under it
    case: Case | None = None
    actor: str = ""  # the login name, exactly
    action: str = ""  # exactly, or every action of a case type ("hardship.")
    state: str = ""  # left or entered
    date_from: date | None = None
    date_to: date | None = None
    params: dict[str, str] = field(default_factory=dict)  # as given, for links and the pack's cover


def _code(params: Mapping[str, str], name: str) -> str:
    """An action or state code: one no entry has simply matches nothing."""
    return params.get(name, "").strip()[:LONGEST_TEXT]


def trail_query_parse(user: User, params: Mapping[str, str]) -> TrailQuery:
    """A ``TrailQuery`` from query parameters (a page's form or the API):
    a malformed value is a ``RuleViolation`` naming the parameter; a unit or
    case outside the user's scope answers 404, like one that does not exist.
    A case is given by its id or its number."""
    given = {name: params.get(name, "").strip() for name in PARAMS if params.get(name, "").strip()}
    unit = audit_unit(user, params)
    case = None
    if "case" in given:
        raw = given["case"]
        lookup: dict[str, Any] = (
            {"pk": int(raw) if len(raw) <= LONGEST_ID else 0}
            if raw.isascii() and raw.isdigit()
            else {"number": raw[:LONGEST_TEXT]}
        )
        # Placed where the user reads the trail, not merely sees cases: 404 otherwise.
        case = scope(user, Case.objects.select_related("unit"), ACTION).filter(**lookup).first()
        if case is None:
            raise Http404
    date_from, date_to = audit_period(params)
    return TrailQuery(
        unit=unit,
        case=case,
        actor=params.get("actor", "").strip()[:150],
        action=_code(params, "action"),
        state=_code(params, "state"),
        date_from=date_from,
        date_to=date_to,
        params=given,
    )


def trail_entries(user: User) -> QuerySet[LedgerEntry]:
    """Every entry ``user`` may read as an auditor, oldest first."""
    return scope(user, LedgerEntry.objects.all(), ACTION).order_by("seq")


def trail_search(user: User, query: TrailQuery) -> QuerySet[LedgerEntry]:
    """The entries in ``user``'s scope that match ``query``, oldest first."""
    entries = trail_entries(user)
    if query.unit is not None:
        entries = entries.filter(subject_unit__path__startswith=query.unit.path)
    if query.case is not None:
        entries = entries.filter(subject_type=CASE_SUBJECT, subject_id=str(query.case.pk))
    if query.actor == SYSTEM_ACTOR:
        entries = entries.filter(actor__isnull=True)
    elif query.actor:
        # By the account (index ledger_actor_seq), whatever its name was then.
        entries = entries.filter(actor_id__in=User.objects.filter(username=query.actor).values("pk"))
    if query.action.endswith("."):
        entries = entries.filter(action__startswith=query.action)
    elif query.action:
        entries = entries.filter(action=query.action)
    if query.state:
        entries = entries.filter(from_state=query.state) | entries.filter(to_state=query.state)
    if query.date_from is not None:
        entries = entries.filter(recorded_at__gte=day_start(query.date_from))
    if query.date_to is not None:
        entries = entries.filter(recorded_at__lt=day_start(query.date_to + timedelta(days=1)))
    return entries


def reveal_log(user: User, query: TrailQuery) -> QuerySet[LedgerEntry]:
    """Who saw a person's full ID number and mobile, when and why (the
    entries ``person.revealed`` of ``person_reveal``), newest first."""
    return trail_search(user, query).filter(action=REVEALED).order_by("-seq")


@dataclass(frozen=True)
class TimelineStep:
    entry: LedgerEntry
    task: Task | None  # the step's task the entry completed, when there was one
    due: date | None

    @property
    def late(self) -> bool:
        return self.due is not None and timezone.localdate(self.entry.recorded_at) > self.due


def case_timeline(user: User, case: Case) -> list[TimelineStep]:
    """The case's whole trail, each entry with the task it closed and that
    task's due date. ``user`` must read the trail at the case's unit."""
    require(user, ACTION, case)
    entries = list(trail_search(user, TrailQuery(case=case)))
    tasks = list(Task.objects.filter(process_id=case.pk).select_related("deadline").order_by("created", "pk"))
    steps = []
    for entry in entries:
        # The task of the step the entry was taken from: the latest task of
        # the entry's from-state created before it (a case's open task is
        # the step of its state; the entry is written after the task ends,
        # at the end of the transaction). An opening entry has none.
        task = (
            next(
                (t for t in reversed(tasks) if t.flow_task.name == entry.from_state and t.created <= entry.recorded_at),
                None,
            )
            if entry.from_state
            else None
        )
        deadline = getattr(task, "deadline", None) if task is not None else None
        steps.append(TimelineStep(entry, task, deadline.due if deadline is not None else None))
    return steps


def trail_describe(entries: Any) -> list[dict[str, Any]]:
    """Rows as pages, the API and exports show them (one shape for all)."""
    return [
        {
            "seq": e.seq,
            "recorded_at": e.recorded_at,
            "actor": e.actor_name,
            "role": e.actor_role,
            "role_label": str(ROLES[e.actor_role].label) if e.actor_role in ROLES else e.actor_role,
            "unit": e.actor_unit_code,
            "subject": f"{e.subject_type}:{e.subject_id}",
            "case": int(e.subject_id) if e.subject_type == CASE_SUBJECT else None,
            "person": int(e.subject_id) if e.subject_type == PERSON_SUBJECT else None,
            "action": e.action,
            "action_label": step_label(e.action, e.from_state) or e.action,
            "from_state": e.from_state,
            "from_label": state_name(e.action, e.from_state),
            "to_state": e.to_state,
            "to_label": state_name(e.action, e.to_state),
            "reason": e.reason,
            "payload": e.payload,
            "evidence": [item for item in e.evidence if isinstance(item, dict)],
            "hash": e.hash,
        }
        for e in entries
    ]
