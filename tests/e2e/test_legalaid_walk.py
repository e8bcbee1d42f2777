"""One legal-aid case in a real browser: the legal officer records the
application by the applicant's ID number and finds the file complete, the
district approver grants aid, the legal officer assigns lawyer1 by name,
and the lawyer — who sees nothing before — records an event and submits
the closure report."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from casework.accounts.models import User
from casework.demo import seed_demo
from casework.people.models import Person
from tests.e2e.browser import chromium_page
from tests.e2e.test_hardship_walk import act, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def parties(transactional_db: None, migration_rows: None) -> tuple[Person, User]:
    """The applicant and lawyer1 (rows first: tests/e2e/browser.py says why)."""
    seed_demo()
    person = Person.objects.filter(cases__isnull=True).order_by("-pk").first()
    assert person is not None
    return person, User.objects.get(username="lawyer1")


@pytest.fixture
def page(parties: tuple[Person, User], live_server: LiveServer) -> Iterator[Page]:
    with chromium_page() as page:
        yield page


def test_application_to_decision_to_assignment_to_closure(
    page: Page, live_server: LiveServer, parties: tuple[Person, User]
) -> None:
    base = live_server.url
    applicant, lawyer = parties

    sign_in(page, base, "legal.officer")
    page.goto(f"{base}/legalaid/new/")
    page.locator('[name="id_number"]').fill(applicant.id_number)
    page.locator('[name="opposing_party"]').fill("示范区某建筑劳务有限公司")
    page.locator('[name="opposing_code"]').fill("91350100M000100Y43")
    page.locator('[name="facts"]').fill("公司拖欠2026年9月至11月工资共计21000元。")
    page.locator('[name="amount_claimed"]').fill("21000")
    page.locator('[name="basis"]').select_option("serious_infringement")
    page.get_by_role("button", name="登记申请").click()
    expect(page.locator(".facts").first).to_contain_text("待审查申请材料")
    case_url = page.url
    assert re.search(r"/cases/\d+/$", case_url)
    act(page, "accept")

    sign_in(page, base, "district.approver")
    page.goto(case_url)
    act(page, "approve")
    expect(page.locator(".facts").first).to_contain_text("待指派承办人")

    sign_in(page, base, "lawyer1")
    response = page.goto(case_url)
    assert response is not None and response.status == 404  # not granted yet

    sign_in(page, base, "legal.officer")
    page.goto(case_url)
    act(page, "assign", lawyer=str(lawyer.pk))
    expect(page.locator("#legalaid-title + .facts")).to_contain_text(str(lawyer))

    sign_in(page, base, "lawyer1")
    page.goto(case_url)
    events = page.locator("form[action$='/events/']")
    events.locator('[name="kind"]').select_option("arbitration_filed")
    events.locator('[name="happened_on"]').fill(str(timezone.localdate()))
    events.get_by_role("button", name="登记办案事项").click()
    expect(page.locator(".message-success")).to_contain_text("办案事项已登记")
    act(
        page,
        "submit_closure",
        outcome="won",
        amount_awarded="21000",
        amount_recovered="21000",
        closure_report="仲裁裁决支持全部请求，已执行。",
    )
    expect(page.locator(".facts").first).to_contain_text("结案审查")
