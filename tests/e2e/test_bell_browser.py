"""The bell in a real browser (Debian's Chromium through Playwright): a user
with unread notifications sees their count in the header, opens the list,
reads the titles in Simplified Chinese, marks one read and then all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from casework.accounts.models import User
from casework.celery import app
from notifications import publish
from notifications.services import notification_mark_read, outbox_queue
from tests.e2e.browser import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "bell-pass-2026"
# Oldest first, as announced; the list shows them newest first.
ANNOUNCED: list[tuple[str, tuple[str, str], dict[str, Any], str]] = [
    (
        "hardship.payment_requested",
        ("cases.case", "101"),
        {"number": "困2026-000101", "amount": "500.00"},
        "待审核发放：困2026-000101，500.00元",
    ),
    (
        "deadline.overdue",
        ("cases.case", "102"),
        {"number": "困2026-000102", "step": "入户调查", "due": "2026-11-20"},
        "已超期：困2026-000102 入户调查",
    ),
    (
        "hardship.batch_requested",
        ("hardship.paymentbatch", "7"),
        {"batch": 7, "lines": 3, "total": "1500.00"},
        "待审核批量发放清单#7",
    ),
    (
        "hardship.payment_approved",
        ("cases.case", "103"),
        {"number": "困2026-000103", "amount": "800.00"},
        "发放已批准：困2026-000103，800.00元",
    ),
]
TITLES = [title for *_rest, title in reversed(ANNOUNCED)]  # newest first


@pytest.fixture
def reader(transactional_db: None) -> User:
    """A user with four notifications, the newest already read: three unread.
    Rows first, before Playwright's loop starts (see test_login_home)."""
    user = User.objects.create_user(username="bell.reader", password=PASSWORD, display_name="钱七")
    other = User.objects.create_user(username="bell.other", password=PASSWORD)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # delivered here, not queued on a broker nobody reads in this test
    publish.reset()
    try:
        for event, subject, payload, _title in ANNOUNCED:
            with transaction.atomic():
                (message, *_others) = outbox_queue(
                    event=event, subject=subject, recipients=[user, other], payload=payload
                )
    finally:
        app.conf.task_always_eager = eager
        publish.reset()
    notification_mark_read(message=message, by=user)  # the newest
    return user


@pytest.fixture
def page(reader: User, live_server: LiveServer) -> Iterator[Page]:
    with chromium_page() as page:
        yield page


def test_the_bell_counts_unread_notifications_until_they_are_read(page: Page, live_server: LiveServer) -> None:
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("bell.reader")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    bell = page.locator("header a.bell")
    expect(bell).to_have_attribute("aria-label", "通知（3条未读）")
    expect(bell.locator(".bell-count")).to_have_text("3")
    expect(bell).to_have_class("bell bell-unread")

    bell.click()
    expect(page).to_have_url(f"{base}/notifications/")
    expect(page.locator("main h1")).to_have_text("通知")
    notices = page.locator("li.notice")
    expect(notices.locator(".notice-title")).to_have_text(TITLES)
    expect(notices.nth(0)).to_have_class("notice")  # the newest was read before: not marked unread
    expect(page.locator("li.notice-unread .notice-title")).to_have_text(TITLES[1:])
    expect(page.locator("li.notice-unread .badge-unread")).to_have_text(["未读"] * 3)
    expect(notices.nth(1).locator(".notice-body")).to_have_text("批量发放清单#7共3笔，合计1500.00元，请审核。")
    expect(notices.nth(0).get_by_role("button", name="标为已读")).to_have_count(0)

    overdue = notices.filter(has_text=TITLES[2])
    overdue.get_by_role("button", name="标为已读").click()
    expect(page).to_have_url(f"{base}/notifications/")
    expect(bell.locator(".bell-count")).to_have_text("2")
    expect(bell).to_have_attribute("aria-label", "通知（2条未读）")
    expect(overdue).to_have_class("notice")
    expect(overdue.get_by_role("button", name="标为已读")).to_have_count(0)
    expect(page.locator("li.notice-unread .notice-title")).to_have_text([TITLES[1], TITLES[3]])

    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator(".message-success")).to_have_text("已将2条通知标为已读。")
    expect(bell.locator(".bell-count")).to_have_count(0)
    expect(bell).to_have_attribute("aria-label", "通知（0条未读）")
    expect(bell).to_have_class("bell")
    expect(page.locator("li.notice-unread")).to_have_count(0)
    expect(notices.locator(".notice-title")).to_have_text(TITLES)  # still listed, all read

    page.goto(f"{base}/")
    expect(page.locator("header a.bell .bell-count")).to_have_count(0)
