from __future__ import annotations

from django.urls import path

from casework.cases import delegation_views, views

app_name = "cases"
urlpatterns = [
    path("inbox/", views.inbox_page, name="inbox"),
    path("hardship/", views.hardship_list_page, name="hardship-list"),
    path("delegations/", delegation_views.delegation_list, name="delegations"),
    path("delegations/<int:pk>/revoke/", delegation_views.delegation_take_back, name="delegation-revoke"),
    path("<int:pk>/", views.case_page, name="case"),
    path("<int:pk>/act/", views.case_act, name="act"),
    path("<int:pk>/reassign/", views.case_reassign, name="reassign"),
    path("<int:pk>/documents/", views.case_document_upload, name="documents"),
    path("<int:pk>/documents/<int:document_pk>/", views.case_document_download, name="document"),
]
