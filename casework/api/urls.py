"""The REST API: /api/v1/…, the OpenAPI document at /api/schema/, docs at /api/docs/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from casework.api import (
    bargaining,
    campaigns,
    cases,
    documents,
    honours,
    legalaid,
    notifications,
    outreach,
    reports,
    trail,
    views,
)
from casework.web.security import swagger_ui_csp

v1: list[URLPattern | URLResolver] = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("units/", views.UnitList.as_view(), name="units"),
    path("units/<int:pk>/", views.UnitDetail.as_view(), name="unit"),
    path("people/", views.PersonList.as_view(), name="people"),
    path("people/<int:pk>/", views.PersonDetail.as_view(), name="person"),
    path("people/<int:pk>/reveal/", views.PersonReveal.as_view(), name="person-reveal"),
    path("memberships/", views.MembershipList.as_view(), name="memberships"),
    path("memberships/<int:pk>/", views.MembershipDetail.as_view(), name="membership"),
    path("memberships/<int:pk>/end/", views.MembershipEnd.as_view(), name="membership-end"),
    path("tasks/", cases.TaskList.as_view(), name="tasks"),
    path("tasks/<int:pk>/", cases.TaskDetail.as_view(), name="task"),
    path("tasks/<int:pk>/claim/", cases.TaskClaim.as_view(), name="task-claim"),
    path("tasks/<int:pk>/complete/", cases.TaskComplete.as_view(), name="task-complete"),
    path("tasks/<int:pk>/pause/", cases.TaskPause.as_view(), name="task-pause"),
    path("tasks/<int:pk>/resume/", cases.TaskResume.as_view(), name="task-resume"),
    path("tasks/<int:pk>/reassign/", cases.TaskReassign.as_view(), name="task-reassign"),
    path("hardship/cases/", cases.HardshipCaseList.as_view(), name="hardship-cases"),
    path("hardship/cases/<int:pk>/", cases.HardshipCaseDetail.as_view(), name="hardship-case"),
    path("cases/<str:case_type>/<int:pk>/trail/", cases.CaseTrail.as_view(), name="case-trail"),
    path("cases/<str:case_type>/<int:pk>/documents/", documents.CaseDocuments.as_view(), name="case-documents"),
    path("notifications/", notifications.NotificationList.as_view(), name="notifications"),
    path("notifications/read-all/", notifications.NotificationReadAll.as_view(), name="notifications-read-all"),
    path("notifications/<int:pk>/read/", notifications.NotificationRead.as_view(), name="notification-read"),
    path("reports/summary/", reports.Summary.as_view(), name="reports-summary"),
    path("trail/", trail.TrailSearch.as_view(), name="trail"),
    path("trail/checks/", trail.IntegrityCheckList.as_view(), name="trail-checks"),
    *bargaining.urlpatterns,
    *campaigns.urlpatterns,
    *honours.urlpatterns,
    *legalaid.urlpatterns,
    *outreach.urlpatterns,
]

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", include((v1, "v1"))),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script as a file: no inline script for
    # the CSP to allow; its one inline style block is allowed by hash.
    path("docs/", swagger_ui_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
]
