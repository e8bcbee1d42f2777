"""The bargaining flow: routing only (domain.md §2).

One human step per open state; after every step the ``route`` switch sends
the case to the step of its new state, or to the end for a final one. What
each step does is ``casework.bargaining.services``; who may take it, and
which steps the deadline scan takes on expiry, is the transition table
``casework.bargaining.transitions.TABLE``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from casework.bargaining.choices import State
from casework.bargaining.models import BargainingCase
from casework.bargaining.transitions import TABLE
from flows.nodes import CaseStep, in_state
from flows.views import case_step_view


class BargainingFlow(flow.Flow):
    process_class = BargainingCase
    process_title = _("工资集体协商")  # type: ignore[assignment]  # viewflow says str; a lazy string is what it shows
    transitions = TABLE

    start = flow.StartHandle(this.start_case).Next(this.route)

    route = (
        flow.Switch()
        .Case(this.preparing, in_state(State.PREPARING))
        .Case(this.offer_served, in_state(State.OFFER_SERVED))
        .Case(this.coordination, in_state(State.COORDINATION))
        .Case(this.negotiating, in_state(State.NEGOTIATING))
        .Case(this.suspended, in_state(State.SUSPENDED))
        .Case(this.congress_vote, in_state(State.CONGRESS_VOTE))
        .Case(this.signing, in_state(State.SIGNING))
        .Case(this.filing, in_state(State.FILING))
        .Case(this.under_review, in_state(State.UNDER_REVIEW))
        .Case(this.effective, in_state(State.EFFECTIVE))
        .Case(this.published, in_state(State.PUBLISHED))
        .Case(this.renewal, in_state(State.RENEWAL))
        .Default(this.end)  # renewed, expired, closed
    )

    preparing = CaseStep(case_step_view).Next(this.route)
    offer_served = CaseStep(case_step_view).Next(this.route)
    coordination = CaseStep(case_step_view).Next(this.route)
    negotiating = CaseStep(case_step_view).Next(this.route)
    suspended = CaseStep(case_step_view).Next(this.route)
    congress_vote = CaseStep(case_step_view).Next(this.route)
    signing = CaseStep(case_step_view).Next(this.route)
    filing = CaseStep(case_step_view).Next(this.route)
    under_review = CaseStep(case_step_view).Next(this.route)
    effective = CaseStep(case_step_view).Next(this.route)
    published = CaseStep(case_step_view).Next(this.route)
    renewal = CaseStep(case_step_view).Next(this.route)

    end = flow.End()

    def start_case(self, activation: Any, **fields: Any) -> Any:
        """Fill the new case from the already checked fields (the service's job)."""
        for name, value in fields.items():
            setattr(activation.process, name, value)
        return activation.process
