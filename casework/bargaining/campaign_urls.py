"""Pages of the district's campaigns (集中要约)."""

from __future__ import annotations

from django.urls import path

from casework.bargaining import campaign_views

app_name = "campaigns"
urlpatterns = [
    path("", campaign_views.campaign_list, name="list"),
    path("new/", campaign_views.campaign_new, name="new"),
    path("<int:pk>/", campaign_views.campaign_page, name="campaign"),
    path("<int:pk>/xlsx/", campaign_views.campaign_xlsx, name="xlsx"),
]
