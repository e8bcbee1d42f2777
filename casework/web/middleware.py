"""Session expiry the cookie alone cannot give, and NUL bytes refused early.

A signed-in session ends at its next request when it has been idle for
``SESSION_IDLE_SECONDS`` or is older than ``SESSION_COOKIE_AGE`` (a working
day) since sign-in; the user lands on the login page with a message. Django's
own expiry slides with every save, so the sign-in time is kept in the session.
Token requests to the API carry no session and are not affected.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

LAST_SEEN = "casework.last_seen"
SIGNED_IN = "casework.signed_in"
# The last-activity stamp is rewritten at most this often, so a burst of
# requests does not write the session row each time (idle precision: ±1 min).
TOUCH_EVERY_SECONDS = 60


class SessionIdleTimeoutMiddleware:
    """Placed after MessageMiddleware (not directly after AuthenticationMiddleware):
    the message it leaves needs ``request._messages``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = float(request.session.get(LAST_SEEN, now))
            signed_in = float(request.session.get(SIGNED_IN, now))
            if now - last > settings.SESSION_IDLE_SECONDS or now - signed_in > settings.SESSION_COOKIE_AGE:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.info(request, _("会话已超时，请重新登录。"))
            elif now - last >= TOUCH_EVERY_SECONDS or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        response = self.get_response(request)
        # Stamp a session the moment it is signed in (the login view's own
        # response), and any older session that predates these stamps. Only a
        # session that holds a sign-in: DRF sets request.user for a token request
        # too, and that request must not grow a session.
        if SESSION_KEY in request.session and SIGNED_IN not in request.session:
            now = time.time()
            request.session[SIGNED_IN] = now
            request.session[LAST_SEEN] = now
        return response


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
