"""Reads of the reports: whose figures (a unit the user sees, a period) and
the records behind one figure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import timezone

from casework.accounts.models import User
from casework.cases.models import Case
from casework.errors import NotAllowed
from casework.hardship.assistance import Allocation, AssistancePayment
from casework.reports.figures import FIGURES, Computed, Section, Window, figures_compute
from casework.web.params import period_param, unit_param
from permissions.access import REFUSALS, permitted_anywhere

# Figures are of units: whoever sees a unit sees its figures, each drawn
# from the records they see there.
ACTION = "unit.view"

# What a record's line on the records page reads beyond its own row (its
# ``str()``), read with the records: not a query per line. A case's line
# names its unit.
SHOWN_WITH: dict[type[Model], tuple[str, ...]] = {
    AssistancePayment: ("case",),
    Allocation: ("from_line__unit", "to_line__unit"),
}


def report_window(user: Any, params: Mapping[str, str]) -> Window:
    """The window the parameters ask for: ``unit`` (default: the user's
    own top unit), ``from`` (default: 1 January) and ``to`` (default: today).
    403 for a user who sees no unit; 404 for a unit they do not see."""
    if not permitted_anywhere(user, ACTION):
        raise NotAllowed(str(REFUSALS["access.no_role"]), code="access.no_role")
    today = timezone.localdate()
    unit = unit_param(user, params, action=ACTION, own_by_default=True)
    assert unit is not None  # permitted_anywhere: the user sees a unit
    date_from, date_to = period_param(params, default_from=today.replace(month=1, day=1), default_to=today)
    assert date_from is not None and date_to is not None  # defaults given
    assert isinstance(user, User)
    return Window(user, unit, date_from, date_to)


def report_summary(window: Window) -> list[tuple[Section, list[Computed]]]:
    return figures_compute(window)


def figure_records(window: Window, key: str) -> QuerySet[Any]:
    """The records behind figure ``key`` (404 for no such figure), with
    what their lines show."""
    spec = FIGURES.get(key)
    if spec is None:
        raise Http404
    records = spec.records(window)
    shown = ("unit",) if issubclass(records.model, Case) else SHOWN_WITH.get(records.model, ())
    return records.select_related(*shown).order_by("pk")
