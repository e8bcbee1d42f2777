"""One nomination in a real browser, from the campaign to the award: the
district opens a campaign with places for its streets, the chair of an
enterprise union nominates a worker after the congress's vote and
publishes the unit's notice, the street approver recommends, the district
records each department's answer with its letter (the last one sends the
nomination to the committee), the three committee members vote, the
district publishes its notice, approves and awards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from casework.accounts.models import User
from casework.demo import seed_demo
from casework.org.models import Unit
from casework.people.models import Person
from tests.cases.conftest import PDF
from tests.e2e.browser import chromium_page
from tests.e2e.test_hardship_walk import act, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def nominee(transactional_db: None, migration_rows: None) -> Person:
    """A worker of the first enterprise with no case and no login (rows first: tests/e2e/browser.py says why)."""
    seed_demo()
    logins = User.objects.exclude(person=None).values("person_id")
    person = (
        Person.objects.filter(employer__code="S01-E01", cases__isnull=True)
        .exclude(pk__in=logins)
        .order_by("-pk")
        .first()
    )
    assert person is not None
    return person


@pytest.fixture
def streets(nominee: Person) -> dict[str, int]:
    return {u.code: u.pk for u in Unit.objects.filter(code__in=["S01", "S02"])}


@pytest.fixture
def page(nominee: Person, streets: dict[str, int], live_server: LiveServer) -> Iterator[Page]:
    with chromium_page() as page:
        yield page


def test_campaign_to_nomination_to_vetting_to_vote_to_award(
    page: Page, live_server: LiveServer, nominee: Person, streets: dict[str, int]
) -> None:
    base = live_server.url
    today = timezone.localdate()
    past = {"notice_from": str(today - timedelta(days=30)), "notice_until": str(today - timedelta(days=7))}

    sign_in(page, base, "district.caseworker")
    page.goto(f"{base}/honours/campaigns/new/")
    page.locator('[name="name"]').fill("五一劳动奖章（区级）推荐")
    page.locator('[name="honour_type"]').select_option(label="五一劳动奖章")
    page.locator('[name="level"]').select_option("district")
    page.locator('[name="year"]').fill(str(today.year))
    page.locator('[name="nominations_close_on"]').fill(str(today + timedelta(days=15)))
    page.locator(f'[name="quota_{streets["S01"]}"]').fill("2")
    page.locator(f'[name="quota_{streets["S02"]}"]').fill("2")
    page.locator('[name="share_industrial_worker"]').fill("35")
    page.get_by_role("button", name="发起").click()
    expect(page.locator("h1")).to_have_text("五一劳动奖章（区级）推荐")
    campaign_url = page.url

    sign_in(page, base, "ent1.chair")
    page.goto(f"{base}/honours/nominate/")
    page.locator('[name="campaign"]').select_option(label="五一劳动奖章（区级）推荐（五一劳动奖章）")
    page.locator('[name="ownership"]').select_option("non_public")
    page.locator('[name="id_number"]').fill(nominee.id_number)
    page.locator('[name="category"]').select_option("industrial_worker")
    page.locator('[name="deeds"]').fill("攻克数控机床精度难题，带出高级技师八名。")
    page.locator('[name="voted_on"]').fill(str(today - timedelta(days=35)))
    page.locator('[name="vote_total"]').fill("80")
    page.locator('[name="vote_present"]').fill("72")
    page.locator('[name="vote_yes"]').fill("66")
    page.get_by_role("button", name="提交推荐").click()
    expect(page.locator(".facts").first).to_contain_text("待单位公示")
    case_url = page.url
    act(page, "post_unit_notice", **past)
    act(page, "end_unit_notice")

    sign_in(page, base, "street1.approver")
    page.goto(case_url)
    act(page, "street_recommend")
    expect(page.locator(".facts").first).to_contain_text("部门联审")

    sign_in(page, base, "district.caseworker")
    page.goto(case_url)
    for department in ("人力资源社会保障部门", "税务部门", "市场监管部门", "应急管理部门", "生态环境部门"):
        form = page.get_by_role("form", name=department)
        form.locator('[name="answered_on"]').fill(str(today))
        form.locator('[name="documents"]').set_input_files(
            files=[FilePayload(name="回函.pdf", mimeType="application/pdf", buffer=PDF)]
        )
        form.get_by_role("button", name="登记意见").click()
        expect(page.locator(".message-success")).to_contain_text("联审意见已登记")
    expect(page.locator(".facts").first).to_contain_text("评审委员会表决")

    for member in ("committee1", "committee2", "committee3"):
        sign_in(page, base, member)
        page.goto(case_url)
        act(page, "cast_vote", vote="yes")

    sign_in(page, base, "district.caseworker")
    page.goto(case_url)
    expect(page.locator("#honours-title ~ p").first).to_contain_text("委员3人，已表决3人：赞成3")
    act(page, "committee_selects", **past)
    act(page, "end_district_notice")

    sign_in(page, base, "district.approver")
    page.goto(case_url)
    act(page, "approve")
    act(page, "award", awarded_on=str(today), award_document=f"示工发〔{today.year}〕21号")
    expect(page.locator(".facts").first).to_contain_text("已授予，待公布")
    page.goto(campaign_url)
    expect(page.locator("#composition-title + table")).to_contain_text("符合")
    expect(page.locator("#nominations-title ~ table")).to_contain_text(nominee.name)
