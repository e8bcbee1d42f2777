"""One hardship record in a real browser, from the chair's filing form to a
filed record, a payment approved by finance, and exit approved by the
district: every step through the pages, as the demo's staff."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from casework.demo import DEMO_PASSWORD, seed_demo
from casework.org.models import Unit
from casework.people.models import Person
from tests.e2e.browser import chromium_page

pytestmark = pytest.mark.browser


@pytest.fixture
def worker(transactional_db: None, migration_rows: None) -> Person:
    """A member of ent1.chair's union without a case (rows first: see test_login_home)."""
    seed_demo()
    person = Person.objects.filter(employer=Unit.objects.get(code="S01-E01"), cases__isnull=True).order_by("pk").first()
    assert person is not None
    return person


@pytest.fixture
def page(worker: Person, live_server: LiveServer) -> Iterator[Page]:
    with chromium_page() as page:
        yield page


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/")


def act(page: Page, action: str, reason: str = "", **data: str) -> None:
    form = page.locator(f"form:has(input[name=action][value={action}])")
    for name, value in data.items():
        field = form.locator(f'[name="data.{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    if reason:
        form.locator('[name="reason"]').fill(reason)
    form.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_contain_text("已办理")


def test_filing_to_filed_to_payment_to_exit(page: Page, live_server: LiveServer, worker: Person) -> None:
    base = live_server.url
    today = timezone.localdate()
    notice = {"notice_from": str(today - timedelta(days=30)), "notice_until": str(today - timedelta(days=14))}

    sign_in(page, base, "ent1.chair")
    page.goto(f"{base}/hardship/new/")
    page.locator('[name="worker"]').select_option(str(worker.pk))
    page.locator('[name="category"]').select_option("deep")
    page.locator('[name="cause"]').select_option("illness")
    page.locator('[name="statement"]').fill("本人患病，家庭收入低")
    page.locator('[name="consent"]').check()
    page.locator('[name="worker_income"]').fill("800")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("h1")).to_contain_text("困难职工帮扶")
    case_url = page.url
    assert re.search(r"/cases/\d+/$", case_url)

    sign_in(page, base, "street1.caseworker")
    page.goto(case_url)
    act(page, "record_home_visit", visited_on=str(today), report="入户核实，情况属实")

    sign_in(page, base, "ent1.chair")
    page.goto(case_url)
    act(page, "record_evaluation", evaluated_on=str(today - timedelta(days=31)), present="12", in_favour="11", **notice)
    act(page, "end_notice")

    sign_in(page, base, "street1.approver")
    page.goto(case_url)
    act(page, "approve")

    sign_in(page, base, "district.approver")
    page.goto(case_url)
    act(page, "approve", help_plan="生活救助、节日慰问")
    expect(page.locator("h1")).to_contain_text(f"困{today.year}-")
    expect(page.locator(".facts")).to_contain_text("已建档")

    sign_in(page, base, "street1.caseworker")
    page.goto(case_url)
    page.locator('[name="amount"]').fill("500")
    page.get_by_role("button", name="提交发放申请").click()
    expect(page.locator("#payments-title + table")).to_contain_text("待财务审核")

    sign_in(page, base, "finance")
    page.goto(case_url)
    page.get_by_role("button", name="批准", exact=True).click()
    expect(page.locator("#payments-title + table")).to_contain_text("已批准")

    sign_in(page, base, "street1.caseworker")
    page.goto(case_url)
    act(page, "propose_exit", reason="连续6个月人均收入高于标准", exit_reason="recovered", **notice)
    act(page, "end_notice")

    sign_in(page, base, "district.approver")
    page.goto(case_url)
    act(page, "approve_exit")
    expect(page.locator(".facts")).to_contain_text("已退档")
    expect(page.locator(".timeline")).to_contain_text("hardship.approve_exit")
