"""The honours flow: routing only (domain.md §4).

One human step per open state; after every step the ``route`` switch sends
the nomination to the step of its new state, or to the end for a final one.
What each step does is ``casework.honours.services``; who may take it,
which steps the system takes (the vetting's join, its expiry), and which
apply to a unit's honour or a person's, is the transition table
``casework.honours.transitions.TABLE``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from casework.honours.choices import State
from casework.honours.models import HonourNomination
from casework.honours.transitions import TABLE
from flows.nodes import CaseStep, in_state
from flows.views import case_step_view


class HonoursFlow(flow.Flow):
    process_class = HonourNomination
    process_title = _("评选表彰")  # type: ignore[assignment]  # viewflow says str; a lazy string is what it shows
    transitions = TABLE

    start = flow.StartHandle(this.start_case).Next(this.route)

    route = (
        flow.Switch()
        .Case(this.nominated, in_state(State.NOMINATED))
        .Case(this.unit_notice, in_state(State.UNIT_NOTICE))
        .Case(this.returned, in_state(State.RETURNED))
        .Case(this.street_review, in_state(State.STREET_REVIEW))
        .Case(this.inspection, in_state(State.INSPECTION))
        .Case(this.vetting, in_state(State.VETTING))
        .Case(this.vetting_follow_up, in_state(State.VETTING_FOLLOW_UP))
        .Case(this.committee, in_state(State.COMMITTEE))
        .Case(this.district_notice, in_state(State.DISTRICT_NOTICE))
        .Case(this.approval, in_state(State.APPROVAL))
        .Case(this.approved, in_state(State.APPROVED))
        .Case(this.recommended, in_state(State.RECOMMENDED))
        .Case(this.awarded, in_state(State.AWARDED))
        .Case(this.home_active, in_state(State.HOME_ACTIVE))
        .Default(this.end)  # published, not selected, excluded, withdrawn, revoked
    )

    nominated = CaseStep(case_step_view).Next(this.route)
    unit_notice = CaseStep(case_step_view).Next(this.route)
    returned = CaseStep(case_step_view).Next(this.route)
    street_review = CaseStep(case_step_view).Next(this.route)
    inspection = CaseStep(case_step_view).Next(this.route)
    vetting = CaseStep(case_step_view).Next(this.route)
    vetting_follow_up = CaseStep(case_step_view).Next(this.route)
    committee = CaseStep(case_step_view, claimable=False).Next(this.route)  # each member votes on it
    district_notice = CaseStep(case_step_view).Next(this.route)
    approval = CaseStep(case_step_view).Next(this.route)
    approved = CaseStep(case_step_view).Next(this.route)
    recommended = CaseStep(case_step_view).Next(this.route)
    awarded = CaseStep(case_step_view).Next(this.route)
    home_active = CaseStep(case_step_view).Next(this.route)

    end = flow.End()

    def start_case(self, activation: Any, **fields: Any) -> Any:
        """Fill the new nomination from the already checked fields (the service's job)."""
        for name, value in fields.items():
            setattr(activation.process, name, value)
        return activation.process
