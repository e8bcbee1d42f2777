"""CSRF on every form that posts, and no inline code in any template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.security.conftest import PASSWORD

TEMPLATES = Path(settings.BASE_DIR) / "templates"
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", flags=re.S | re.I)
POSTS = re.compile(r"""\bmethod\s*=\s*["']?post\b""", flags=re.I)


def templates() -> list[Path]:
    found = sorted(TEMPLATES.rglob("*.html"))
    assert found, "no templates found"
    return found


def test_every_form_that_posts_has_a_csrf_token():
    posting = 0
    for path in templates():
        for attributes, content in FORM.findall(path.read_text(encoding="utf-8")):
            if POSTS.search(attributes):
                posting += 1
                assert re.search(r"{%\s*csrf_token\s*%}", content), f"{path}: a POST form without {{% csrf_token %}}"
    assert posting >= 5  # login, logout, language, case step, reveal: the grep found them


def test_no_template_has_inline_script_or_style():
    for path in templates():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text, flags=re.I), f"inline script in {path}"
        assert not re.search(r"<style\b", text, flags=re.I), f"<style> block in {path}"
        assert not re.search(r"\sstyle\s*=", text, flags=re.I), f"style= attribute in {path}"
        assert not re.search(r"\son[a-z]+\s*=", text, flags=re.I), f"inline event handler in {path}"
        assert "javascript:" not in text.lower(), f"javascript: URL in {path}"


def test_a_login_without_a_csrf_token_is_refused_with_the_sites_page(member):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": member.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "表单已失效（安全校验未通过），请返回上一页，刷新后重新提交。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_same_login_with_its_token_goes_through(member):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/accounts/login/", {"username": member.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/accounts/logout/", "/i18n/setlang/"])
def test_other_posts_without_a_token_are_refused(member, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(path, {"language": "en"}).status_code == 403
    assert client.get("/").status_code == 200  # the refused logout did not sign out
