"""A real browser loads our pages under the Content-Security-Policy and
reports not one violation: no inline code slipped in, and the Swagger UI works
with its one exception (``swagger_ui_csp``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from casework.accounts.models import User
from tests.e2e.browser import CHROMIUM_ARGS
from tests.security.conftest import PASSWORD
from tests.services import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff(transactional_db: None) -> User:
    return User.objects.create_user(username="csp-staff", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def browser_page(staff: User, live_server: LiveServer) -> Iterator[tuple[Page, list[str]]]:
    """A Chromium page and the CSP complaints its console collects. The rows
    exist before Playwright starts (see tests/e2e for why)."""
    path = require_chromium()
    violations: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(locale="zh-CN").new_page()
            page.set_default_timeout(15_000)
            page.on("console", listen)
            yield page, violations
        finally:
            browser.close()


def test_pages_and_the_swagger_ui_load_without_a_policy_violation(browser_page, live_server):
    page, violations = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("csp-staff")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("工作台")

    for path in ("/people/", "/units/", "/admin/", "/admin/accounts/user/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Casework API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations == []
