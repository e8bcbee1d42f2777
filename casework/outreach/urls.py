from __future__ import annotations

from django.urls import path

from casework.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_new, name="new"),
    path("xlsx/", views.events_xlsx, name="xlsx"),
    path("<int:pk>/", views.event_page, name="event"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/withdraw/", views.event_withdraw, name="withdraw"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo_download, name="photo"),
]
