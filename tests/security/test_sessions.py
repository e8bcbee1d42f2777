"""Sessions: a working day at most, 30 idle minutes, gone with the browser;
token requests to the API never touch a session."""

from __future__ import annotations

import time

from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token

from casework.web.middleware import LAST_SEEN, SIGNED_IN
from tests.security.conftest import PASSWORD, sign_in


def age(client: Client, key: str, seconds: float) -> None:
    """Travel: the session's stamp ``key`` is now ``seconds`` old."""
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_session_settings_default_to_a_working_day_and_half_an_hour_idle():
    # The defaults (neither SESSION_COOKIE_AGE nor SESSION_IDLE_SECONDS is set for tests).
    assert (settings.SESSION_COOKIE_AGE, settings.SESSION_IDLE_SECONDS) == (8 * 3600, 30 * 60)
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True and settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY is True
    middleware = settings.MIDDLEWARE
    idle = middleware.index("casework.web.middleware.SessionIdleTimeoutMiddleware")
    assert middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") < idle
    assert middleware.index("django.contrib.messages.middleware.MessageMiddleware") < idle


def test_signing_in_stamps_the_session_and_its_cookie_ends_with_the_browser(client, member):
    before = time.time()
    response = sign_in(client, member.username, PASSWORD)
    assert response.status_code == 302
    assert before <= client.session[SIGNED_IN] <= time.time()
    assert client.session[LAST_SEEN] == client.session[SIGNED_IN]
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert response.cookies[settings.CSRF_COOKIE_NAME]["httponly"]


def test_an_idle_session_ends_at_the_next_request_with_a_message(client, member):
    sign_in(client, member.username, PASSWORD)
    assert client.get("/").status_code == 200
    age(client, LAST_SEEN, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/"
    assert "会话已超时，请重新登录。" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still signed out


def test_the_timeout_message_is_in_the_users_language(client, member):
    sign_in(client, member.username, PASSWORD)
    age(client, LAST_SEEN, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get("/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Your session timed out; please sign in again." in response.content.decode()


def test_a_session_used_within_the_idle_limit_stays(client, member):
    sign_in(client, member.username, PASSWORD)
    age(client, LAST_SEEN, settings.SESSION_IDLE_SECONDS - 60)
    assert client.get("/").status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5  # the request counted as activity
    assert client.get("/").status_code == 200


def test_a_busy_session_ends_a_working_day_after_sign_in(client, member):
    sign_in(client, member.username, PASSWORD)
    age(client, SIGNED_IN, settings.SESSION_COOKIE_AGE + 1)
    age(client, LAST_SEEN, 10)  # active moments ago
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/"
    assert "会话已超时，请重新登录。" in response.content.decode()


def test_the_activity_stamp_is_written_at_most_once_a_minute(client, member):
    sign_in(client, member.username, PASSWORD)
    age(client, LAST_SEEN, 20)
    stamp = client.session[LAST_SEEN]
    client.get("/")
    assert client.session[LAST_SEEN] == stamp  # 20 s: not rewritten
    age(client, LAST_SEEN, 61)
    client.get("/")
    assert client.session[LAST_SEEN] > stamp


def test_a_token_request_has_no_session_and_is_not_timed_out(member):
    token = Token.objects.create(user=member)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    for _ in range(2):
        response = api.get("/api/v1/me/")
        assert response.status_code == 200
        assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not api.cookies


def test_a_timed_out_session_is_refused_by_the_api_without_a_page_message(client, member):
    sign_in(client, member.username, PASSWORD)
    age(client, LAST_SEEN, settings.SESSION_IDLE_SECONDS + 1)
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert "会话已超时" not in client.get("/accounts/login/").content.decode()
