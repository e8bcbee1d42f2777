from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from casework.deadlines import views as deadline_views
from casework.web import people_views, views

urlpatterns = [
    path("", views.home, name="home"),
    # A signed-in user who opens the login page goes to the home page instead.
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("casework.api.urls")),
    path("cases/", include("casework.cases.urls")),
    path("cases/<int:pk>/clock/", deadline_views.case_clock, name="case-clock"),
    path("hardship/", include("casework.hardship.urls")),
    path("bargaining/", include("casework.bargaining.urls")),
    path("bargaining/campaigns/", include("casework.bargaining.campaign_urls")),
    path("legalaid/", include("casework.legalaid.urls")),
    path("outreach/", include("casework.outreach.urls")),
    path("honours/", include("casework.honours.urls")),
    path("audit/", include("casework.audit.urls")),
    path("reports/", include("casework.reports.views")),
    path("notifications/", include("notifications.urls")),
    path("units/", people_views.unit_list, name="units"),
    path("units/<int:pk>/", people_views.unit_detail, name="unit"),
    path("people/", people_views.person_list, name="people"),
    path("people/<int:pk>/", people_views.person_detail, name="person"),
    path("people/<int:pk>/reveal/", people_views.person_reveal_page, name="person-reveal"),
]

handler400 = "casework.web.errors.suspicious_request"
handler403 = "casework.web.errors.forbidden"
handler404 = "casework.web.errors.not_found"
handler500 = "casework.web.errors.server_error"
