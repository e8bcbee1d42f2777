"""Administrators enter a year's State Council notice here; every save goes through the service.

The special dates themselves are read-only: they change only as a whole year,
through ``calendar_year_enter`` (which writes the ledger and clears the cache).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casework.calendar.forms import CalendarYearForm
from casework.calendar.models import CalendarYear, SpecialDay
from casework.calendar.services import WEEKDAY_NAMES, calendar_year_enter

ADD_FIELDS = ("year", "notice", "notice_date", "holidays", "workdays")
ENTERED_FIELDS = ("source", "entered_at", "entered_by")


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    list_display = ("year", "source", "notice", "notice_date", "entered_at", "entered_by")
    list_filter = ("source",)

    def get_fields(self, request: HttpRequest, obj: CalendarYear | None = None) -> tuple[str, ...]:
        return ADD_FIELDS if obj is None else (*ADD_FIELDS, *ENTERED_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarYear | None = None) -> tuple[str, ...]:
        # A year is corrected by entering it again; its number stays.
        return ("year", *ENTERED_FIELDS) if obj is not None else ENTERED_FIELDS

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        data = form.cleaned_data
        row = calendar_year_enter(
            year=obj.year,
            holidays=data["holidays"],
            workdays=data["workdays"],
            notice=data["notice"],
            notice_date=data.get("notice_date"),
            by=request.user,  # type: ignore[arg-type]
        )
        # The admin logs and redirects with the object it holds: give it the saved row's state.
        obj.__dict__.update({f.attname: getattr(row, f.attname) for f in CalendarYear._meta.concrete_fields})
        obj._state.adding = False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Removing a year silently would turn official answers into provisional ones.
        return False


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)

    @admin.display(description=_("星期"))
    def weekday(self, obj: SpecialDay) -> str:
        return str(WEEKDAY_NAMES[obj.date.weekday()])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
