"""The auditors' workspace: each part declares its own pages beside its views."""

from __future__ import annotations

from django.urls import URLPattern

from casework.audit import anomaly_views, funds_views, retention_views, views

app_name = "audit"
urlpatterns: list[URLPattern] = [
    *views.urlpatterns,
    *funds_views.urlpatterns,
    *anomaly_views.urlpatterns,
    *retention_views.urlpatterns,
]
