"""Debian's Chromium through Playwright's sync API, one way for every browser
test (``playwright install`` is never used: it cannot download here).

A test's ``page`` fixture depends on the rows it needs, so they are written
before Playwright starts: its sync API keeps an asyncio loop running in this
thread, and Django would then refuse ORM calls here
(SynchronousOnlyOperation). The page closes before the database is flushed,
so no Django call happens while the loop runs and DJANGO_ALLOW_ASYNC_UNSAFE
is not needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, sync_playwright

from tests.services import require_chromium

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@contextmanager
def chromium_page(*, height: int = 900) -> Iterator[Page]:
    """A page that asks for Chinese, as the district's staff use it (skipped
    with its reason when Chromium is missing, outside CI)."""
    path = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": height})
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()
