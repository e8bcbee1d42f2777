"""Read-only view of the trail for administrators and auditors: no add, change or delete."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from casework.ledger.models import LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "recorded_at", "actor_name", "actor_role", "actor_unit_code", "action", "subject_type")
    list_filter = ("action", "actor_role", "subject_type")
    search_fields = ("=subject_id", "=actor_name", "action")
    # The purgeable personal values are not shown here; reveals come with
    # the access-control issue, each logged with its reason.
    exclude = ("reason", "personal", "personal_salt")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
