"""Pages of honours (the steps are the case page's)."""

from __future__ import annotations

from django.urls import URLPattern, path

from casework.honours import views

app_name = "honours"
urlpatterns: list[URLPattern] = [
    path("", views.honours_home, name="home"),
    path("campaigns/new/", views.campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", views.campaign_page, name="campaign"),
    path("campaigns/<int:pk>/approve/", views.campaign_approve, name="campaign-approve"),
    path("campaigns/<int:pk>/xlsx/", views.campaign_xlsx, name="campaign-xlsx"),
    path("campaigns/<int:pk>/pdf/", views.campaign_pdf, name="campaign-pdf"),
    path("nominate/", views.nomination_new, name="nominate"),
    path("records/", views.records_page, name="records"),
    path("vetting/<int:pk>/answer/", views.vetting_answer, name="vetting-answer"),
    path("<int:pk>/objections/", views.objection_record, name="objection"),
    path("<int:pk>/objections/<int:objection_pk>/resolve/", views.objection_resolve, name="objection-resolve"),
    path("<int:pk>/revocations/", views.revocation_propose, name="revocation"),
    path("<int:pk>/revocations/<int:revocation_pk>/decide/", views.revocation_decide, name="revocation-decide"),
]
