"""Pages of legal aid (the steps are the case page's)."""

from __future__ import annotations

from django.urls import URLPattern, path

from casework.legalaid import views

app_name = "legalaid"
urlpatterns: list[URLPattern] = [
    path("", views.legalaid_list, name="list"),
    path("new/", views.legalaid_new, name="new"),
    path("<int:pk>/events/", views.event_record, name="event"),
    path("<int:pk>/reassign/", views.lawyer_reassign, name="reassign"),
]
