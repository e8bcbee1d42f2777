"""django-axes: a username at one address is locked after AXES_FAILURE_LIMIT
failures, for AXES_COOLOFF_TIME; 429 and a page in the user's language."""

from __future__ import annotations

import html

import pytest
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from casework.web.security import client_ip
from tests.security.conftest import PASSWORD, sign_in

LIMIT = settings.AXES_FAILURE_LIMIT


def fail(client: Client, username: str, times: int, path: str = "/accounts/login/", **extra: str) -> list[int]:
    return [sign_in(client, username, "wrong-password", path, **extra).status_code for _ in range(times)]


def test_axes_is_on_in_tests_keeps_attempts_in_the_database_and_each_test_starts_clean(db):
    assert getattr(settings, "AXES_ENABLED") is True  # noqa: B009 (axes sets it; django-stubs does not know it)
    # Attempts live in the database, not a cache: a test's rollback clears them.
    assert isinstance(AxesProxyHandler.get_implementation(), AxesDatabaseHandler)
    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds()) == (5, 30 * 60)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert not AccessAttempt.objects.exists()


def test_the_fifth_failure_locks_and_the_right_password_is_refused_after_it(client, member):
    # The first four failures show the login form again, with its error.
    assert fail(client, member.username, LIMIT - 1) == [200] * (LIMIT - 1)
    assert fail(client, member.username, 1) == [429]
    locked = sign_in(client, member.username, PASSWORD)  # the sixth attempt, right password: too late
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录失败次数过多，账号已锁定30分钟。如需提前解锁，请联系本单位的系统管理员。" in page
    assert '<html lang="zh-hans">' in page
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "the account is locked for 30 minutes. To unlock it sooner, ask your unit's administrator."),
        ("zh-hant", "賬號已鎖定30分鐘。如需提前解鎖，請聯繫本單位的系統管理員。"),
    ],
)
def test_the_lockout_page_speaks_the_users_language(client, member, language, text):
    fail(client, member.username, LIMIT)
    response = sign_in(client, member.username, PASSWORD, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429
    assert text in html.unescape(response.content.decode())


def test_another_user_at_the_same_address_is_not_locked(client, make_member):
    careless, colleague = make_member(), make_member()
    fail(client, careless.username, LIMIT)
    assert sign_in(client, careless.username, PASSWORD).status_code == 429
    assert sign_in(Client(), colleague.username, PASSWORD).status_code == 302


def test_the_same_user_from_another_address_is_not_locked(member):
    office, home = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    fail(office, member.username, LIMIT)
    assert sign_in(office, member.username, PASSWORD).status_code == 429
    assert sign_in(home, member.username, PASSWORD).status_code == 302


def test_a_success_resets_the_count(client, member):
    fail(client, member.username, LIMIT - 1)
    assert sign_in(client, member.username, PASSWORD).status_code == 302
    client.logout()
    assert fail(client, member.username, LIMIT - 1) == [200] * (LIMIT - 1)  # counted from zero again
    assert sign_in(client, member.username, PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, member):
    fail(client, member.username, LIMIT)
    assert sign_in(client, member.username, PASSWORD).status_code == 429
    # Travel: the failures are now one minute short of the cool-off…
    attempt = AccessAttempt.objects.get(username=member.username)
    almost = settings.AXES_COOLOFF_TIME - settings.AXES_COOLOFF_TIME / 30
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - almost)
    assert sign_in(client, member.username, PASSWORD).status_code == 429
    # …and now past it (a refused try during the lock restarted the clock, so travel from the latest).
    attempt.refresh_from_db()
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - settings.AXES_COOLOFF_TIME)
    assert sign_in(client, member.username, PASSWORD).status_code == 302


def test_failures_at_the_admin_login_count_and_the_admin_login_is_locked_too(client, member):
    assert fail(client, member.username, LIMIT - 1, "/admin/login/") == [200] * (LIMIT - 1)
    assert fail(client, member.username, 1, "/admin/login/") == [429]
    assert sign_in(client, member.username, PASSWORD, "/admin/login/").status_code == 429
    assert sign_in(client, member.username, PASSWORD).status_code == 429  # one count for both doors


def test_the_api_token_endpoint_counts_too_and_answers_json(member):
    api = APIClient()
    for _ in range(LIMIT):
        api.post("/api/v1/auth/token/", {"username": member.username, "password": "x"}, format="json")
    response = api.post("/api/v1/auth/token/", {"username": member.username, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["error"] == "auth.locked_out"


def test_without_proxies_a_forwarded_header_is_ignored(member):
    for n in range(LIMIT):  # a client that forges a new address on every try
        sign_in(Client(), member.username, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert sign_in(Client(), member.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_behind_one_proxy_the_address_it_appended_counts_and_forged_entries_do_not(settings, member):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = "10.9.9.9"  # every request arrives from the proxy
    for n in range(LIMIT):  # forged entries on the left change; the proxy's entry does not
        sign_in(
            Client(REMOTE_ADDR=proxy), member.username, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7"
        )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    locked = sign_in(Client(REMOTE_ADDR=proxy), member.username, PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert locked.status_code == 429
    # Someone else behind the same proxy, same username: a different client address, not locked.
    other = sign_in(Client(REMOTE_ADDR=proxy), member.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.9.9.9"),  # not told about proxies: the header is ignored
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (2, "198.51.100.1, 203.0.113.7, 10.8.8.8", "203.0.113.7"),  # two proxies: the second from the right
        (2, "203.0.113.7", "10.9.9.9"),  # shorter than the proxy chain: not trusted
        (1, "not-an-address", "10.9.9.9"),
        (1, None, "10.9.9.9"),
    ],
)
def test_client_address(settings, count, forwarded, expected):
    settings.AXES_IPWARE_PROXY_COUNT = count
    extra = {"REMOTE_ADDR": "10.9.9.9"} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    assert client_ip(RequestFactory().get("/", **extra)) == expected
