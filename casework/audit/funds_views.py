"""Pages of the auditors' workspace: funds (filled by its own change)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
