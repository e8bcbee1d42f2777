"""Working days and statutory periods on the official Chinese calendar.

Import the functions from here: ``from casework.calendar import add_working_days``.
They live in ``casework.calendar.days``, which touches the models only inside
its functions, so importing this package while Django loads its apps is safe.
See that module's docstring and docs/calendar.md for the rules.
"""

from casework.calendar.days import (
    DayInfo,
    DayKind,
    Deadline,
    add_days,
    add_working_days,
    clear_cache,
    day_info,
    is_working_day,
)

__all__ = [
    "DayInfo",
    "DayKind",
    "Deadline",
    "add_days",
    "add_working_days",
    "clear_cache",
    "day_info",
    "is_working_day",
]
