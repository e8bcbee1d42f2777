"""The district's dashboard in a real browser (Debian's Chromium through
Playwright): the streets side by side and month by month, each chart with
its table, the numbers planted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from casework.accounts.models import User
from tests.e2e.browser import chromium_page
from tests.reports.test_hardship_figures import books  # noqa: F401  # the planted records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "dashboard-pass-2026"


@pytest.fixture
def page(migration_rows, books, world, live_server: LiveServer) -> Iterator[Page]:  # noqa: F811
    """Rows first, before Playwright's loop starts (tests/e2e/browser.py)."""
    user = User.objects.create_user(username="district.reader", password=PASSWORD)
    from casework.org.models import Membership

    Membership.objects.create(user=user, unit=world.units["D1"], role="district_caseworker")
    with chromium_page(height=1400) as page:
        yield page


def test_the_district_dashboard_shows_charts_and_their_tables(page: Page, live_server: LiveServer, world) -> None:
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("district.reader")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.get_by_role("link", name="统计报表").click()
    expect(page.locator("main h1")).to_have_text("统计报表")
    page.get_by_label("自").fill("2026-01-01")
    page.get_by_label("至").fill("2026-12-31")
    page.get_by_role("button", name="查询").click()
    expect(page.locator('tr[data-figure="hardship.filed"] td.number')).to_have_text("3")
    page.get_by_role("link", name="工作看板").click()
    expect(page.locator("main h1")).to_have_text("工作看板")

    filed = page.locator('figure[data-chart="hardship.filed"]')
    expect(filed).to_have_count(2)  # streets side by side, and by month
    streets = filed.nth(0)
    expect(streets.locator("svg rect")).to_have_count(2)
    expect(streets.locator("table tbody tr td:first-child")).to_have_text(["一街道工会", "二街道工会"])
    expect(streets.locator("table tbody tr td.number")).to_have_text(["2", "1"])
    months = filed.nth(1)
    expect(months.locator("table tbody tr")).to_have_count(12)
    box = streets.locator("svg").bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 20  # drawn, not collapsed
