"""Sent inside the transaction that enters a year's official holidays, so
that what depends on the calendar (open due dates) follows in the same
transaction. Arguments: ``year``, ``by``, ``role``, ``unit``."""

from django.dispatch import Signal

calendar_year_entered = Signal()
