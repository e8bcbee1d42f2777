"""Completing a flow's human step, the same way for every case type.

``task_complete`` is what the task page and ``POST /api/v1/tasks/{id}/complete/``
call. In one transaction it locks the case (base row first), re-reads the
task, checks that the task is still open and still the step of the case's
state (a lost race becomes a ``Conflict``), lets the case type's ``decide``
service take the action (permission, rules, state, ledger, outbox), and only
then completes the viewflow task so that the flow's switch routes the case
to the step of its new state. Documents uploaded with the step become the
evidence of its ledger entry; if anything fails, their files are removed
with the rolled-back rows (``atomic_with_files``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.accounts.models import User
from casework.cases import data as d
from casework.cases.delegation import stands_in_for
from casework.cases.documents import Attachment, atomic_with_files
from casework.cases.models import Case
from casework.cases.services import case_held, case_lock, case_subject, held_step
from casework.errors import Conflict, NotAllowed, RuleViolation
from casework.ledger.services import ledger_append, ledger_appends_last
from notifications.services import outbox_queue
from permissions.access import acting_as

Decide = Callable[..., Case]
# case_type -> the case type's decide service (registered by its app).
DECIDERS: dict[str, Decide] = {}

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def register_decider(case_type: str, decide: Decide) -> None:
    DECIDERS[case_type] = decide


def _case_of_task_lock(task: Task) -> Case:
    """Lock and read the case of ``task`` as its own type (the flow names
    the type: no query to find it)."""
    model: type[Case] = task.flow_task.flow_class.process_class
    return case_lock(model(pk=task.process_id))


def task_complete(
    *,
    task: Task,
    action: str,
    by: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    documents: Sequence[Attachment] = (),
) -> Case:
    """Take ``action`` on the case of ``task`` and move the flow on.
    ``documents`` go with the step (see ``case_step``). ``by`` None is the
    system (the deadline scan taking a step on expiry)."""
    # The step's trail entry is written after the flow has moved on: the
    # chain's lock is then held only for the last statements (``ledger_appends_last``).
    with ledger_appends_last(atomic_with_files()):
        case = _case_of_task_lock(task)
        fresh = Task.objects.select_for_update().get(pk=task.pk)
        if fresh.status not in OPEN or fresh.flow_task.name != case.state:
            raise Conflict(_("任务：已被他人处理，请刷新后再试。"), code="task.already_done", field="task")
        if (
            by is not None
            and fresh.owner_id not in (None, by.pk)
            and not stands_in_for(by, fresh.owner, case.unit_path)
        ):
            raise NotAllowed(
                _("任务：已由%(owner)s认领，请联系其办理或由审批人改派。") % {"owner": fresh.owner},
                code="task.claimed_by_other",
                field="task",
            )
        with case_held(case):
            case = DECIDERS[case.case_type](
                case=case, action=action, reason=reason, data=data or {}, by=by, documents=documents
            )
        # viewflow's transitions check no permission when called from code
        # (the decide service asked ours); they only move the task's status.
        # They take the process from the task: the case, locked and current.
        fresh.process = case
        activation = fresh.flow_task.activation_class(fresh)
        if fresh.status == STATUS.NEW:
            activation.assign(by)
        if fresh.status == STATUS.ASSIGNED:
            activation.start(None)
        activation.execute()
    return case


def task_claim(*, task: Task, by: User) -> Task:
    """Take an open task for oneself, so colleagues see it is being handled.
    Only someone with an action on it now may claim it."""
    with transaction.atomic():
        case = _case_of_task_lock(task)
        fresh = Task.objects.select_for_update().get(pk=task.pk)
        if fresh.status != STATUS.NEW or fresh.flow_task.name != case.state:
            raise Conflict(_("任务：已被认领或已办结。"), code="task.not_claimable", field="task")
        if not fresh.flow_task.can_assign(by, fresh):
            raise NotAllowed(_("任务：您不能办理此任务。"), code="task.not_yours", field="task")
        fresh.flow_task.activation_class(fresh).assign(by)
    return fresh


def task_reassign(*, task: Task, to: User | None, by: User, reason: str) -> Task:
    """An approver of the case's unit (``case.reassign``) gives an open task
    to someone who may take its step, with a reason. The due date stays."""
    with transaction.atomic():
        case = _case_of_task_lock(task)
        fresh = Task.objects.select_for_update().get(pk=task.pk)
        if fresh.status not in (STATUS.NEW, STATUS.ASSIGNED) or fresh.flow_task.name != case.state:
            raise Conflict(_("任务：已被他人处理，请刷新后再试。"), code="task.already_done", field="task")
        acting = acting_as(by, "case.reassign", case)
        reason = d.text({"reason": reason}, "reason", _l("理由"), max_length=500)
        if not getattr(fresh.flow_task, "claimable", True):
            raise RuleViolation(
                _("改派：此步骤由多人分别办理（如评审委员会各委员表决），不能交给一人。"),
                code="task.not_claimable",
                field="to",
            )
        if to is None or to.pk == fresh.owner_id or held_step(case, to) is None:
            raise RuleViolation(
                _("改派给：须是能办理此步骤的另一人。"), code="task.reassign_target_invalid", field="to"
            )
        previous = fresh.owner
        activation = fresh.flow_task.activation_class(fresh)
        # viewflow's transitions check no permission when called from code: ours was asked above.
        if fresh.status == STATUS.NEW:
            activation.assign(to)
        else:
            activation.reassign(to)
        ledger_append(
            action="case.task_reassigned",
            subject=case_subject(case),
            subject_unit=case.unit,
            from_state=case.state,
            to_state=case.state,
            reason=reason,
            payload={"task": fresh.pk, "from": previous.pk if previous else None, "to": to.pk},
            **acting,
        )
        outbox_queue(
            event="case.task_reassigned",
            subject=case_subject(case),
            recipients=[to, *([previous] if previous else [])],
            payload={"case": case.pk, "number": case.number, "to": to.get_username()},
        )
    return fresh


def automatic_steps_take(case: Case) -> Case:
    """Take, as the system, every step of the case's table marked
    ``automatic`` whose rules now hold (after the last vetting answer is
    recorded, the join), one after another; returns the case as it ends up.
    Runs in the caller's transaction, under its lock on the case."""
    from casework.cases.selectors import TABLES, case_open_task  # the selectors import this module's registry

    table = TABLES[case.case_type]
    while (transition := table.automatic_ready(case)) is not None:
        task = case_open_task(case)
        if task is None:
            break
        case = task_complete(task=task, action=transition.action, by=None, reason=str(transition.label))
    return case
