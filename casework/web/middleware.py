"""A signed-in session left idle for ``SESSION_IDLE_SECONDS`` ends at its next
request; the user lands on the login page with a message. Token requests to
the API carry no session and are not affected."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

LAST_SEEN = "casework.last_seen"


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - float(last) > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, _("会话已超时，请重新登录。"))
            else:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class RejectNulMiddleware:
    """A NUL character cannot be stored in PostgreSQL text; a request that
    carries one in its query or form fields is refused with 400 before any
    view sees it (JSON bodies are checked by the API's parser)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = [*request.GET.lists()]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            fields += [*request.POST.lists()]
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in fields):
            from casework.web.errors import bad_request

            return bad_request(request, _("请求中含有不允许的空字符（NUL）。"))
        return self.get_response(request)
