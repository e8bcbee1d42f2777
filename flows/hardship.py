"""The hardship flow: routing only (domain.md §1).

One human step per waiting state; after every step the ``route`` switch
sends the case to the step of its new state, or to the end for a final one.
What each step does is ``casework.hardship.services``; who may take it is the
transition table ``casework.hardship.transitions.TABLE``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.hardship.transitions import TABLE
from flows.nodes import CaseStep, in_state
from flows.views import case_step_view


class HardshipFlow(flow.Flow):
    process_class = HardshipCase
    process_title = _("困难职工建档")  # type: ignore[assignment]  # viewflow says str; a lazy string is what it shows
    transitions = TABLE

    start = flow.StartHandle(this.start_case).Next(this.route)

    route = (
        flow.Switch()
        .Case(this.home_visit, in_state(State.HOME_VISIT))
        .Case(this.unit_evaluation, in_state(State.UNIT_EVALUATION))
        .Case(this.unit_notice, in_state(State.UNIT_NOTICE))
        .Case(this.street_review, in_state(State.STREET_REVIEW))
        .Case(this.district_approval, in_state(State.DISTRICT_APPROVAL))
        .Case(this.returned, in_state(State.RETURNED))
        .Case(this.filed, in_state(State.FILED))
        .Case(this.annual_review, in_state(State.ANNUAL_REVIEW))
        .Case(this.exit_notice, in_state(State.EXIT_NOTICE))
        .Case(this.exit_approval, in_state(State.EXIT_APPROVAL))
        .Case(this.exited, in_state(State.EXITED))
        .Default(this.end)  # rejected, withdrawn, archived
    )

    home_visit = CaseStep(case_step_view).Next(this.route)
    unit_evaluation = CaseStep(case_step_view).Next(this.route)
    unit_notice = CaseStep(case_step_view).Next(this.route)
    street_review = CaseStep(case_step_view).Next(this.route)
    district_approval = CaseStep(case_step_view).Next(this.route)
    returned = CaseStep(case_step_view).Next(this.route)
    filed = CaseStep(case_step_view).Next(this.route)
    annual_review = CaseStep(case_step_view).Next(this.route)
    exit_notice = CaseStep(case_step_view).Next(this.route)
    exit_approval = CaseStep(case_step_view).Next(this.route)
    exited = CaseStep(case_step_view).Next(this.route)

    end = flow.End()

    def start_case(self, activation: Any, **fields: Any) -> Any:
        """Fill the new case from the already checked fields (the service's job)."""
        for name, value in fields.items():
            setattr(activation.process, name, value)
        return activation.process
