"""Pages of the auditors' workspace: the trail, integrity checks, evidence packs."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
