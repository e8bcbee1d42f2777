"""Lockout, sessions, CSRF, security headers, CSP, passwords, NUL bytes."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from casework.accounts.services import user_account_create
from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.web.middleware import LAST_SEEN

PASSWORD = "security-test-pass-2026"


@pytest.fixture
def member(world, user_with):
    user = user_with("street_caseworker", world.units["S1"])
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_failures_lock_the_username_at_that_address(client, member):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, member.username, "wrong").status_code == 200
    # The fifth failure locks: it is answered with the lockout page.
    assert sign_in(client, member.username, "wrong").status_code == 429
    locked = sign_in(client, member.username, PASSWORD)  # the right password, too late
    assert locked.status_code == 429
    assert "30分钟" in locked.content.decode() and "系统管理员" in locked.content.decode()
    english = client.post(
        "/accounts/login/", {"username": member.username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 429 and "30 minutes" in english.content.decode()
    # Another user at the same address is not locked.
    assert AccessAttempt.objects.filter(username=member.username).exists()


def test_the_api_token_endpoint_counts_too_and_answers_json(member):
    from rest_framework.test import APIClient

    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/v1/auth/token/", {"username": member.username, "password": "x"}, format="json")
    response = api.post("/api/v1/auth/token/", {"username": member.username, "password": PASSWORD}, format="json")
    assert response.status_code == 429 and response.json()["error"] == "auth.locked_out"


def test_a_success_resets_the_count_and_the_lock_ends_after_the_cool_off(client, member):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, member.username, "wrong")
    assert sign_in(client, member.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, member.username, "wrong")
    assert sign_in(client, member.username, PASSWORD).status_code == 302  # not locked: the count restarted
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, member.username, "wrong")
    assert sign_in(client, member.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - settings.AXES_COOLOFF_TIME)
    assert sign_in(client, member.username, PASSWORD).status_code == 302


def test_the_admin_login_is_covered(client, member):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": member.username, "password": "wrong"})
    assert sign_in(client, member.username, PASSWORD).status_code == 429


def test_an_idle_session_ends_with_a_message(client, member):
    client.force_login(member)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - settings.SESSION_IDLE_SECONDS - 1
    session.save()
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "会话已超时，请重新登录。" in response.content.decode()


def test_session_settings():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_HTTPONLY


def test_security_headers_and_the_content_security_policy(client, member):
    client.force_login(member)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_every_post_form_has_a_csrf_token_and_no_template_has_inline_code():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", text, flags=re.S | re.I):
            assert "{% csrf_token %}" in form, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline script in {path}"
        assert "<style" not in text and " style=" not in text, f"inline style in {path}"


def test_a_login_without_csrf_token_is_refused(member):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": member.username, "password": PASSWORD})
    assert response.status_code == 403


def test_a_weak_password_is_refused_and_nothing_is_written(db):
    before = LedgerEntry.objects.count()
    with pytest.raises(RuleViolation) as error:
        user_account_create(username="newbie", password="12345678", by=None)
    assert error.value.field == "password"
    assert LedgerEntry.objects.count() == before


def test_nul_bytes_are_refused_before_any_view(client, member):
    client.force_login(member)
    assert client.get("/api/v1/people/?q=a%00b").status_code == 400
    assert client.get("/api/v1/people/?q=a%00b").json()["error"] == "invalid"
    assert client.get("/cases/inbox/?q=%00").status_code == 400


def test_unknown_api_paths_answer_json_and_pages_the_sites_404(client, member):
    client.force_login(member)
    response = client.get("/api/v1/units/-1/")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "返回工作台" in page.content.decode()


def test_page_size_and_repeated_parameters_are_checked(client, member):
    client.force_login(member)
    assert client.get("/api/v1/units/?page_size=0").status_code == 400
    assert client.get("/api/v1/units/?page_size=true").status_code == 400
    assert client.get("/api/v1/units/?page=1&page=2").status_code == 400
    assert client.get("/api/v1/units/?parent=x").json()["fields"] == {"parent": ["parent：应为整数。"]}
