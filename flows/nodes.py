"""The one kind of human step every case flow uses.

A ``CaseStep`` waits while the case is in one state; who may take it is
whoever has an action from that state in the flow's transition table
(``permissions`` answers, with scope, roles and four-eyes), never viewflow's
own model permissions. Completing it is ``casework.cases.tasks.task_complete``:
the service changes the case, then the flow's ``route`` switch picks the
next step from the new state.
"""

from __future__ import annotations

from typing import Any

from viewflow.workflow import flow

from casework.deadlines.services import deadline_start


class CaseStep(flow.View):
    def __init__(self, view: Any, *, claimable: bool = True, **kwargs: Any) -> None:
        super().__init__(view, **kwargs)
        # Every new task of a case step gets the due date its table declares.
        self._on_create = deadline_start
        # A step several people take in turn (each committee member votes)
        # is never one person's: claiming or reassigning it would shut the others out.
        self.claimable = claimable

    def _actions(self, user: Any, task: Any) -> list[Any]:
        case = task.process.coerced
        table = getattr(self.flow_class, "transitions", None)
        return table.available(case, user) if table is not None and case.state == self.name else []

    def can_assign(self, user: Any, task: Any) -> bool:
        if not self.claimable or task.owner_id or user is None or user.is_anonymous:
            return False
        return bool(self._actions(user, task))

    def can_execute(self, user: Any, task: Any) -> bool:
        return bool(self._actions(user, task)) and (task.owner_id is None or task.owner_id == user.pk)


def in_state(state: str) -> Any:
    """A switch condition: the case is in ``state``."""

    def condition(activation: Any) -> bool:
        return bool(activation.process.coerced.state == state)

    return condition
