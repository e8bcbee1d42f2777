"""Pages of one enterprise's bargaining (the campaign's are in campaign_urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from casework.bargaining import views

app_name = "bargaining"
urlpatterns: list[URLPattern] = [
    path("", views.bargaining_list, name="list"),
    path("new/", views.bargaining_new, name="new"),
    path("<int:pk>/sides/<str:side>/", views.side_set, name="side"),
    path("<int:pk>/rounds/", views.round_record, name="round"),
]
