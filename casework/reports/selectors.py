"""Reads of the reports: whose figures (a unit the user sees, a period) and
the records behind one figure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from casework.accounts.models import User
from casework.errors import NotAllowed
from casework.reports.figures import FIGURES, Computed, Section, Window, figures_compute
from casework.web.params import period_param, unit_param
from permissions.access import REFUSALS, permitted_anywhere

# Figures are of units: whoever sees a unit sees its figures, each drawn
# from the records they see there.
ACTION = "unit.view"


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
    """The records behind figure ``key`` (404 for no such figure)."""
    spec = FIGURES.get(key)
    if spec is None:
        raise Http404
    return spec.records(window).order_by("pk")
