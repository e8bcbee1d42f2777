"""Signing in to the API: a token for a username and password (counted by
django-axes like the login page), or the browser's session with CSRF."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.middleware.csrf import _get_new_csrf_string
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.helpers import is_error, snapshot

PASSWORD = " api-test-pass-2026 "  # spaces at both ends are part of it


@pytest.fixture
def member(world, user_with):
    user = user_with("street_caseworker", world.units["S1"])
    user.set_password(PASSWORD)
    user.save()
    return user


def ask_token(api, username, password):
    return api.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def test_a_token_for_a_username_and_password_signs_in(api, member):
    response = ask_token(api, member.username, PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json() == {"token": Token.objects.get(user=member).key}
    member.refresh_from_db()
    assert member.last_login is not None
    assert api.get("/api/v1/me/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["username"] == member.username
    # Asking again gives the same token.
    assert ask_token(APIClient(), member.username, PASSWORD).json()["token"] == token


@pytest.mark.parametrize(
    ("username", "password"),
    [("member", "wrong-password"), ("member", PASSWORD.strip()), ("nobody", PASSWORD)],
)
def test_bad_credentials_are_400_naming_the_password(api, member, username, password):
    response = ask_token(api, member.username if username == "member" else username, password)
    assert response.status_code == 400
    body = response.json()
    assert is_error(body, "auth.invalid_credentials")
    assert body["fields"] == {"password": ["用户名或密码不正确，或账号已停用。"]}
    assert not Token.objects.exists()


def test_missing_fields_are_400_naming_each(api, member):
    response = api.post("/api/v1/auth/token/", {"username": "", "password": ""}, format="json")
    assert response.status_code == 400
    assert is_error(response.json(), "invalid")
    assert set(response.json()["fields"]) == {"username", "password"}


def test_an_inactive_user_gets_no_token(api, member):
    member.is_active = False
    member.save(update_fields=["is_active"])
    response = ask_token(api, member.username, PASSWORD)
    assert response.status_code == 400 and is_error(response.json(), "auth.invalid_credentials")
    assert not Token.objects.exists()


def test_a_failed_token_request_counts_as_a_failed_login(api, member):
    ask_token(api, member.username, "wrong")
    ask_token(api, member.username, "wrong again")
    attempt = AccessAttempt.objects.get(username=member.username)
    assert attempt.failures_since_start == 2 and attempt.path_info == "/api/v1/auth/token/"
    # A success resets the count, as on the login page.
    assert ask_token(api, member.username, PASSWORD).status_code == 200
    assert not AccessAttempt.objects.filter(username=member.username).exists()


def test_a_wrong_token_is_401(api, member):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = api.get("/api/v1/me/")
    assert response.status_code == 401 and is_error(response.json(), "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_the_browser_session_works_and_its_writes_need_csrf(world, member):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(member)
    assert browser.get("/api/v1/me/").json()["username"] == member.username
    person = world.people["E1"]
    url = f"/api/v1/people/{person.pk}/reveal/"
    before = snapshot()
    refused = browser.post(url, {"reason": "核对"}, format="json")
    assert refused.status_code == 403 and is_error(refused.json(), "not_allowed")
    assert "CSRF" in refused.json()["message"]
    assert snapshot() == before
    secret = _get_new_csrf_string()
    browser.cookies["csrftoken"] = secret
    allowed = browser.post(url, {"reason": "核对"}, format="json", HTTP_X_CSRFTOKEN=secret)
    assert allowed.status_code == 200 and allowed.json()["id_number"] == person.id_number
