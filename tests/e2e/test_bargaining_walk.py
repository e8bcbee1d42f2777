"""One enterprise's wage bargaining in a real browser, from opening it to
an agreement in force: the chair opens it, names the workers' side with
herself as chief, serves the offer; the district records the employer's
written acceptance with its letter; the chair names the employer's side,
records a round, agrees the draft, records the congress vote, the
signatures and the filing; the street records the bureau's approval."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from casework.accounts.models import User
from casework.demo import seed_demo
from tests.cases.conftest import PDF
from tests.e2e.browser import chromium_page
from tests.e2e.test_hardship_walk import act, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def chair(transactional_db: None, migration_rows: None) -> User:
    seed_demo()
    return User.objects.select_related("person").get(username="ent1.chair")


@pytest.fixture
def page(chair: User, live_server: LiveServer) -> Iterator[Page]:
    with chromium_page() as page:
        yield page


def name_side(page: Page, side: str, rows: list[dict[str, str]]) -> None:
    form = page.locator(f"form[action$='/sides/{side}/']")
    form.locator("xpath=ancestor::details").locator("summary").click()
    for i, row in enumerate(rows):
        for key, value in row.items():
            field = form.locator(f'[name="seat-{i}-{key}"]')
            if key == "role":
                field.select_option(value)
            else:
                field.fill(value)
    form.get_by_role("button", name="保存代表名单").click()
    expect(page.locator(".message-success")).to_contain_text("协商代表已确定")


def act_with_letter(page: Page, action: str, letter: Path, **data: str) -> None:
    form = page.locator(f"form:has(input[name=action][value={action}])")
    form.locator('[name="documents"]').set_input_files(str(letter))
    form.locator('[name="document_kind"]').select_option("letter")
    act(page, action, **data)


def test_from_the_offer_to_an_agreement_in_force(page: Page, live_server: LiveServer, chair: User, tmp_path):
    base = live_server.url
    today = timezone.localdate()
    day = lambda n: str(today - timedelta(days=n))  # noqa: E731 - dates counted back from today
    letter = tmp_path / "回函.pdf"
    letter.write_bytes(PDF)

    sign_in(page, base, "ent1.chair")
    page.goto(f"{base}/bargaining/new/")
    page.locator('[name="workers_covered"]').fill("186")
    page.locator('[name="average_wage"]').fill("6400")
    page.locator('[name="preparation_sources"]').fill("2025年工资台账")
    page.get_by_role("button", name="发起协商").click()
    expect(page.locator(".facts").first).to_contain_text("准备协商")
    case_url = page.url
    assert re.search(r"/cases/\d+/$", case_url)
    assert chair.person is not None
    name_side(
        page,
        "union",
        [{"id_number": chair.person.id_number}, {"name": "职工代表甲"}, {"name": "职工代表乙"}],
    )
    act_with_letter(page, "serve_offer", letter, offered_by="union", served_on=day(10))
    expect(page.locator(".facts").first).to_contain_text("要约已送达")

    sign_in(page, base, "district.caseworker")
    page.goto(case_url)
    act_with_letter(page, "record_acceptance", letter, replied_on=day(8))

    sign_in(page, base, "ent1.chair")
    page.goto(case_url)
    name_side(
        page,
        "employer",
        [{"name": "总经理王", "position": "总经理"}, {"name": "人事经理李"}, {"name": "财务经理赵"}],
    )
    rounds = page.locator("form[action$='/rounds/']")
    rounds.locator('[name="held_on"]').fill(day(6))
    rounds.locator('[name="recorder"]').fill("街道工会 书记员")
    rounds.locator('[name="minutes"]').fill("双方就工资增长幅度达成一致。")
    rounds.locator('[name="chiefs_confirmed"]').check()
    rounds.get_by_role("button", name="登记协商会议").click()
    expect(page.locator(".message-success")).to_contain_text("协商会议已登记")
    act(
        page,
        "agree_draft",
        wage_increase_percent="6",
        minimum_pay="3100",
        pay_day="10",
        term_months="24",
        agreement_text="工资专项集体合同……",
    )
    act(
        page,
        "congress_approve",
        voted_on=day(4),
        representatives_total="50",
        present="40",
        yes="30",
        no="8",
        abstain="2",
    )
    act(page, "sign", signed_on=day(3))
    act_with_letter(page, "file", letter, submitted_on=day(2), received_on=day(2))
    expect(page.locator(".facts").first).to_contain_text("劳动保障部门审查中")

    sign_in(page, base, "street1.caseworker")
    page.goto(case_url)
    act_with_letter(page, "record_approval", letter, approved_on=day(0))
    expect(page.locator(".facts").first).to_contain_text("已生效")
    expect(page.locator("#bargaining-title + .facts")).to_contain_text(day(0))
    expect(page.locator(".timeline")).to_contain_text("bargaining.record_approval")
