"""The legal-aid flow: routing only (domain.md §3).

One human step per open state; after every step the ``route`` switch sends
the case to the step of its new state, or to the end for a final one. What
each step does is ``casework.legalaid.services``; who may take it, and
which steps the deadline scan takes on expiry, is the transition table
``casework.legalaid.transitions.TABLE``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from casework.legalaid.choices import State
from casework.legalaid.models import LegalAidCase
from casework.legalaid.transitions import TABLE
from flows.nodes import CaseStep, in_state
from flows.views import case_step_view


class LegalAidFlow(flow.Flow):
    process_class = LegalAidCase
    process_title = _("法律援助")  # type: ignore[assignment]  # viewflow says str; a lazy string is what it shows
    transitions = TABLE

    start = flow.StartHandle(this.start_case).Next(this.route)

    route = (
        flow.Switch()
        .Case(this.applied, in_state(State.APPLIED))
        .Case(this.awaiting_material, in_state(State.AWAITING_MATERIAL))
        .Case(this.decision, in_state(State.DECISION))
        .Case(this.refused, in_state(State.REFUSED))
        .Case(this.objection, in_state(State.OBJECTION))
        .Case(this.assignment, in_state(State.ASSIGNMENT))
        .Case(this.in_progress, in_state(State.IN_PROGRESS))
        .Case(this.closure_review, in_state(State.CLOSURE_REVIEW))
        .Case(this.subsidy, in_state(State.SUBSIDY))
        .Default(this.end)  # archived, withdrawn, rejected, terminated
    )

    applied = CaseStep(case_step_view).Next(this.route)
    awaiting_material = CaseStep(case_step_view).Next(this.route)
    decision = CaseStep(case_step_view).Next(this.route)
    refused = CaseStep(case_step_view).Next(this.route)
    objection = CaseStep(case_step_view).Next(this.route)
    assignment = CaseStep(case_step_view).Next(this.route)
    in_progress = CaseStep(case_step_view).Next(this.route)
    closure_review = CaseStep(case_step_view).Next(this.route)
    subsidy = CaseStep(case_step_view).Next(this.route)

    end = flow.End()

    def start_case(self, activation: Any, **fields: Any) -> Any:
        """Fill the new case from the already checked fields (the service's job)."""
        for name, value in fields.items():
            setattr(activation.process, name, value)
        return activation.process
