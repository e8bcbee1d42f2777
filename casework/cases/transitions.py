"""Transition tables: one per case type, read by the flow, the API's
``actions``, the page buttons and the tests alike.

A ``Transition`` says: in ``state``, ``action`` leads to ``next_state``; who
may take it is the permission ``permission`` (asked through
``permissions.access``, so scope, role and the four-eyes rules all apply);
``roles`` narrows it to some of the roles that have the permission (street
review: street approvers only); ``needs_reason`` makes the reason mandatory; ``rules`` are further named
checks of the case and the submitted data, each returning a
``RuleViolation`` or None. ``data_schema`` is the JSON Schema of the
``data`` the action takes, published by the generic task API.
``needs_evidence``: the step records an outside party's act (the
employer's reply, the labour bureau's objection), so a document must come
with it or have been attached since the step began. ``on_expiry``: nobody
takes this step; the deadline scan takes it, as the system, once the
state's period has passed (no objection in time: the agreement is in force).
``automatic``: nobody takes this step either; the system takes it as soon as
its rules hold after a record of the step's work (the last department's
vetting answer); its roles are who does that work. ``applies``: the step
exists only for cases it accepts (an award by the district for a
district-level honour, a recommendation upward for a higher one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.cases import data as d
from casework.deadlines.periods import Period
from casework.errors import NotAllowed, RuleViolation
from permissions.access import can

Rule = Callable[[Any, User | None, dict[str, Any]], RuleViolation | None]


# The state a case returns to when it is resubmitted: the one that returned it.
RETURN_TO_SENDER = "<returned_from>"


@dataclass(frozen=True)
class Transition:
    state: str
    action: str
    next_state: str  # or RETURN_TO_SENDER
    permission: str
    label: Promise | str
    roles: frozenset[str] = frozenset()  # which roles with ``permission`` take this step; empty: any
    needs_reason: bool = False
    # Whether its takers are told when a case reaches its state: the expected
    # next step, not an option always open (a withdrawal).
    notifies: bool = True
    needs_evidence: bool = False
    on_expiry: bool = False
    automatic: bool = False
    applies: Callable[[Any], bool] | None = None
    rules: tuple[Rule, ...] = ()
    data_schema: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})
    # Fields whose choices depend on the case (the lawyers who may be assigned): name -> case -> (value, label)s.
    options: Mapping[str, Callable[[Any], Sequence[tuple[Any, str]]]] = field(default_factory=dict)

    def schema_for(self, case: Any) -> dict[str, Any]:
        """``data_schema`` with the case's current choices of its ``options`` fields."""
        if not self.options:
            return self.data_schema
        properties = dict(self.data_schema.get("properties", {}))
        for name, choices in self.options.items():
            found = [{"const": value, "title": str(label)} for value, label in choices(case)]
            properties[name] = {**properties.get(name, {}), "oneOf": found}
        return {**self.data_schema, "properties": properties}

    @property
    def role_filter(self) -> frozenset[str] | None:
        return self.roles or None

    def target_state(self, case: Any) -> str:
        return case.returned_from if self.next_state == RETURN_TO_SENDER else self.next_state

    @property
    def by_system(self) -> bool:
        return self.on_expiry or self.automatic

    def applies_to(self, case: Any) -> bool:
        return self.applies is None or self.applies(case)

    def check(self, case: Any, *, by: User | None, reason: str, data: dict[str, Any]) -> None:
        """Raise the first broken rule: the reason, then each named rule.
        A step that does not exist for this case is ``NotAllowed``."""
        if not self.applies_to(case):
            raise NotAllowed(
                _("操作：本案不能进行“%(action)s”。") % {"action": self.label},
                code="case.action_not_allowed",
                field="action",
            )
        if self.automatic and by is not None:
            raise NotAllowed(
                _("操作：“%(action)s”由系统在条件满足时办理。") % {"action": self.label},
                code="case.action_by_system",
                field="action",
            )
        if self.needs_reason and not reason.strip():
            raise RuleViolation(_("理由：此操作必须说明理由。"), code="reason_required", field="reason")
        for rule in self.rules:
            problem = rule(case, by, data)
            if problem is not None:
                raise problem


class Table:
    """The transitions of one case type, looked up by (state, action)."""

    def __init__(self, transitions: Iterable[Transition], *, periods: Mapping[str, Period] | None = None) -> None:
        self.transitions = tuple(transitions)
        # How long the step of each state may take (casework.deadlines).
        self.periods: Mapping[str, Period] = dict(periods or {})
        self._by_key: dict[tuple[str, str], Transition] = {}
        unknown = set(self.periods) - {t.state for t in self.transitions}
        if unknown:
            raise ValueError(f"periods for states without a step: {sorted(unknown)}")
        for t in self.transitions:
            if t.on_expiry and t.automatic:
                raise ValueError(f"{t.state}.{t.action} is taken on expiry or automatically, not both")
            if t.on_expiry and t.notifies:
                raise ValueError(f"{t.state}.{t.action} is taken on expiry: nobody is told to take it")
            if t.on_expiry and t.state not in self.periods:
                raise ValueError(f"{t.state}.{t.action} is taken on expiry but {t.state} has no period")
        for t in self.transitions:
            key = (t.state, t.action)
            if key in self._by_key:
                raise ValueError(f"two transitions for {key}")
            self._by_key[key] = t

    @property
    def states(self) -> set[str]:
        return {t.state for t in self.transitions} | {
            t.next_state for t in self.transitions if t.next_state != RETURN_TO_SENDER
        }

    def from_state(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if t.state == state]

    def get(self, state: str, action: str) -> Transition:
        """The transition, or ``NotAllowed`` (``case.action_not_allowed``)
        when ``action`` cannot be taken in ``state``."""
        try:
            return self._by_key[(state, action)]
        except KeyError:
            raise NotAllowed(
                _("操作：当前状态下不能进行“%(action)s”。") % {"action": action},
                code="case.action_not_allowed",
                field="action",
            ) from None

    def available(self, case: Any, user: User) -> list[Transition]:
        """What ``user`` may do to ``case`` now (the buttons, the API's actions);
        never a step the system takes, nor one that does not apply to the case."""
        return [
            t
            for t in self.from_state(case.state)
            if not t.by_system and t.applies_to(case) and can(user, t.permission, case, roles=t.role_filter)
        ]

    def automatic_ready(self, case: Any) -> Transition | None:
        """The first step the system takes now from the case's state: one
        marked ``automatic`` that applies and whose rules all hold."""
        for t in self.from_state(case.state):
            if t.automatic and t.applies_to(case) and all(rule(case, None, {}) is None for rule in t.rules):
                return t
        return None

    def on_expiry(self, state: str) -> Transition | None:
        """The step the system takes when ``state``'s period has passed."""
        return next((t for t in self.from_state(state) if t.on_expiry), None)


def date_rule(name: str, label: Any, *, after: str = "", after_label: Any = "", order_code: str = "") -> Rule:
    """A rule: the step's date ``name`` is given, well formed and not in the
    future; when ``after`` names a date of the case, not before it either
    (``order_code`` is then the refusal's code)."""

    def rule(case: Any, by: User | None, data: dict[str, Any]) -> RuleViolation | None:
        day = d.day(data, name, label, not_after=timezone.localdate())
        earlier = getattr(case, after) if after else None
        if day is not None and earlier is not None and day < earlier:
            return RuleViolation(
                _("%(label)s：不能早于%(earlier)s（%(date)s）。")
                % {"label": label, "earlier": after_label, "date": earlier.isoformat()},
                code=order_code,
                field=name,
            )
        return None

    return rule


def expiry_step(state: str, action: str, next_state: str, label: Any, *, roles: frozenset[str]) -> Transition:
    """A step nobody takes: the deadline scan takes it as the system once
    ``state``'s period has passed. ``roles`` (with ``case.prepare``) are
    whose inbox the state is otherwise in; nobody is told to take it."""
    return Transition(state, action, next_state, "case.prepare", label, roles=roles, notifies=False, on_expiry=True)
