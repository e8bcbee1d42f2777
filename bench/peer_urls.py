"""The peer's pages: viewflow's own frontend for ``bench/peer_flow.PeerFlow``
(its task views: assign, execute) and a login, served only when the
benchmark drives the peer over HTTP (``bench.peer_settings``)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView
from viewflow.urls import Site
from viewflow.workflow.flow import FlowAppViewset

from bench.peer_flow import PeerFlow

site = Site(title="Peer", viewsets=[FlowAppViewset(PeerFlow, icon="assignment")])

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("home/", TemplateView.as_view(template_name="viewflow/base.html"), name="home"),
    path("", site.urls),
]
