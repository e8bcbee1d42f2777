"""How long a human step may take: declared per state next to the
transition table, counted on the working-day calendar.

A ``Period`` names the district setting that holds its length; the setting's
measure says whether the days are natural (民法典 201–203) or working days.
It runs from the day the step began, or from a date of the case (``after``:
the end of a public notice). A step can instead be due on a date the case
carries (``on``: the next annual review). Where local rules count the
same period in natural days in one district and working days in another,
``instead`` names the second setting: when a district has entered it, it
replaces ``setting`` there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from casework.calendar import Deadline, add_days, add_working_days
from casework.district.catalogue import SETTINGS, Measure
from casework.district.selectors import setting_value
from casework.errors import RuleViolation

CaseDate = Callable[[Any], date | None]


@dataclass(frozen=True)
class Period:
    setting: str = ""
    after: CaseDate | None = None
    on: CaseDate | None = None
    instead: str = ""

    def __post_init__(self) -> None:
        if bool(self.setting) == bool(self.on):
            raise ValueError("a Period has either a setting or an 'on' date")
        for key in filter(None, (self.setting, self.instead)):
            if SETTINGS[key].measure not in (Measure.DAYS, Measure.WORKING_DAYS):
                raise ValueError(f"{key} is not a number of days")

    def start(self, case: Any, began: date) -> date:
        """The day the period runs from (itself not counted)."""
        event = self.after(case) if self.after is not None else None
        return event or began

    def due(self, case: Any, began: date) -> Deadline | None:
        """The last day of the period for ``case``'s step that began on
        ``began``; None when the case carries no date to be due on. A
        missing setting is the district's omission and raises its error."""
        if self.on is not None:
            day = self.on(case)
            return Deadline(day, False) if day is not None else None
        key, length = self.setting, None
        if self.instead:
            try:
                key, length = self.instead, int(setting_value(case.unit, self.instead, on=began))
            except RuleViolation as missing:
                if missing.code != "district.setting_missing":
                    raise
                key = self.setting
        if length is None:
            length = int(setting_value(case.unit, key, on=began))
        count = add_working_days if SETTINGS[key].measure == Measure.WORKING_DAYS else add_days
        return count(self.start(case, began), length)
