"""The site's URLs plus the Swagger UI wrapped in ``swagger_ui_csp``, as the
API's urls.py is asked to mount it (tests use this to check the exception)."""

from __future__ import annotations

from typing import cast

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from casework import urls as site
from casework.web.security import swagger_ui_csp

urlpatterns: list[URLPattern | URLResolver] = [
    path("test-docs/", swagger_ui_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="test-docs"),
    *cast(list[URLPattern | URLResolver], site.urlpatterns),
]
