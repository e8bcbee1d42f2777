"""Security headers and the Content-Security-Policy on every kind of page."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.conf import settings
from django.test import Client

from casework.web.security import swagger_ui_csp, swagger_ui_style_hash
from tests.security.conftest import PASSWORD, sign_in

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.fixture
def signed_in(client, member) -> Client:
    client.force_login(member)
    return client


@pytest.mark.parametrize("path", ["/", "/people/", "/units/", "/no-such-page/", "/api/v1/me/", "/api/schema/"])
def test_signed_in_pages_carry_the_exact_policy_and_the_headers(signed_in, path):
    response = signed_in.get(path)
    assert directives(response) == POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_login_pages_carry_the_exact_policy(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert directives(response) == POLICY
    assert response["X-Frame-Options"] == "DENY"


def test_the_lockout_page_carries_the_policy(client, member):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, member.username, "wrong")
    response = sign_in(client, member.username, PASSWORD)
    assert response.status_code == 429
    assert directives(response) == POLICY


def test_the_swagger_ui_page_has_no_inline_script_and_only_its_style_block_by_hash(signed_in):
    response = signed_in.get("/api/docs/")
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in attributes for attributes in scripts)
    style = re.search(r"<style>(.*?)</style>", page, flags=re.S)
    assert style is not None
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode() + "'"
    assert swagger_ui_style_hash() == expected
    assert directives(response) == {**POLICY, "style-src": ["'self'", expected]}
    # The start-up script it loads is a file from here, under the strict policy.
    script = signed_in.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert directives(script)["script-src"] == ["'self'"]


def test_the_swagger_wrapper_keeps_drfs_csrf_exemption():
    from drf_spectacular.views import SpectacularSwaggerSplitView

    view = SpectacularSwaggerSplitView.as_view()
    assert getattr(view, "csrf_exempt", False) is True
    assert getattr(swagger_ui_csp(view), "csrf_exempt", False) is True
