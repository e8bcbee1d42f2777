"""A real browser signs in, sees the home page in Chinese, switches to English.

Drives Debian's Chromium through Playwright's sync API (``playwright install``
is never used). Set ``CASEWORK_SCREENSHOT=/path.png`` to keep a screenshot of
the Chinese home page for a look at the layout.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from casework.accounts.models import User
from casework.demo import DEMO_PASSWORD, seed_demo
from casework.org.models import Membership, Unit
from permissions.roles import DISTRICT_APPROVER
from tests.e2e.browser import chromium_page

pytestmark = pytest.mark.browser


@pytest.fixture
def staff_user(transactional_db: None, migration_rows: None) -> User:
    """A demo login, as the README lists it: the demo data comes from seed_demo."""
    seed_demo()
    user = User.objects.get(username="street1.caseworker")
    # A second role, so the home page shows two panels.
    Membership.objects.create(user=user, unit=Unit.objects.get(code="D01"), role=DISTRICT_APPROVER)
    return user


@pytest.fixture
def page(staff_user: User, live_server: LiveServer) -> Iterator[Page]:
    """The staff user's rows first (tests/e2e/browser.py says why)."""
    with chromium_page(height=800) as page:
        yield page


@pytest.mark.django_db(transaction=True)
def test_login_then_switch_the_home_page_to_english(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    expect(page.locator("h1")).to_have_text("登录")

    page.get_by_label("用户名").fill("street1.caseworker")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("工作台")
    expect(page.locator(".who-name")).to_have_text("东湖街道 经办人")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page.get_by_role("heading", name="待我决定")).to_be_visible()
    if screenshot := os.environ.get("CASEWORK_SCREENSHOT"):
        page.screenshot(path=screenshot, full_page=True)

    page.get_by_label("语言").select_option("en")
    page.locator(".lang-switch button").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("Home")
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    expect(page.get_by_role("heading", name="Awaiting my decision")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
