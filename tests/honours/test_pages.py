"""The honours pages: a campaign opened and nominated in from the pages (a
refusal keeps what was typed and writes nothing), the campaign page's
places and composition, the vetting answered and the objections recorded
on the case page, the list for publication as XLSX and PDF (Chinese text
extracted from the PDF), and a neighbouring district seeing none of it."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook

from casework.honours.choices import State
from casework.honours.models import Campaign, HonourNomination, HonourType, Objection
from tests.cases.conftest import PDF
from tests.hardship.conftest import past_notice
from tests.honours.conftest import fresh, state_of, step, to_approval, to_street_review
from tests.services import pdf_text


def test_a_campaign_is_opened_from_its_page(client, world, honours):
    client.force_login(honours["district"])
    close = (timezone.localdate() + timedelta(days=20)).isoformat()
    body = {
        "district": world.units["D1"].pk,
        "name": "2026年度区劳动模范评选",
        "honour_type": HonourType.objects.get(code="model_worker").pk,
        "level": "district",
        "year": timezone.localdate().year,
        "nominations_close_on": close,
        f"quota_{world.units['S1'].pk}": "2",
        "share_industrial_worker": "135",
    }
    response = client.post("/honours/campaigns/new/", body)
    assert response.status_code == 400 and "不能超过100%" in response.content.decode()
    assert Campaign.objects.count() == 0 and 'value="2"' in response.content.decode()
    response = client.post("/honours/campaigns/new/", {**body, "share_industrial_worker": "35"})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/honours/campaigns/{campaign.pk}/"
    assert campaign.composition == {"industrial_worker": 35}
    assert list(campaign.quotas.values_list("unit__code", "places")) == [("S1", 2)]


def test_a_chair_nominates_from_the_page(client, world, honours, campaign):
    client.force_login(honours["chair"])
    assert campaign.name in client.get("/honours/").content.decode()
    body = {
        "campaign": campaign.pk,
        "unit": world.units["E1"].pk,
        "ownership": "non_public",
        "id_number": world.people["E1"].id_number,
        "category": "industrial_worker",
        "deeds": "技术革新十二项",
        "vote_body": "congress",
        "voted_on": "2026-01-05",
        "vote_total": "50",
        "vote_present": "20",
        "vote_yes": "15",
    }
    before = state_of()
    response = client.post("/honours/nominate/", body)
    assert response.status_code == 400 and "过半数应到人员出席" in response.content.decode()
    assert state_of() == before and "技术革新十二项" in response.content.decode()
    response = client.post("/honours/nominate/", {**body, "vote_present": "40", "vote_yes": "30"})
    case = HonourNomination.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "应到50人，实到40人，赞成30" in html and "单位当年有欠薪记录" in html and "未发现" in html


def test_vetting_answers_and_objections_from_the_case_page(client, world, honours, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = to_street_review(world, honours, campaign)
    step(case, "street_recommend", honours["street_approver"])
    client.force_login(honours["district"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "人力资源社会保障部门" in html and "待答复" in html
    requests = list(fresh(case).vetting.order_by("pk"))
    response = client.post(
        f"/honours/vetting/{requests[0].pk}/answer/",
        {"answer": "clear", "answered_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400 and "请上传部门的回函" in response.content.decode()
    for request in requests:
        letter = SimpleUploadedFile("回函.pdf", PDF, content_type="application/pdf")
        response = client.post(
            f"/honours/vetting/{request.pk}/answer/",
            {"answer": "clear", "answered_on": timezone.localdate().isoformat(), "documents": letter},
        )
        assert response.status_code == 302
    assert fresh(case).state == State.COMMITTEE
    # The committee votes on the case page; the district publishes its notice; an objection comes in.
    for member in honours["committee"]:
        client.force_login(member)
        response = client.post(f"/cases/{case.pk}/act/", {"action": "cast_vote", "data.vote": "yes"})
        assert response.status_code == 302
    step(fresh(case), "committee_selects", honours["district"], **past_notice())
    client.force_login(honours["district"])
    response = client.post(
        f"/honours/{case.pk}/objections/",
        {"objector": "王某", "content": "事迹材料夸大", "raised_on": past_notice()["notice_until"]},
    )
    assert response.status_code == 302
    objection = Objection.objects.get(case=case)
    response = client.post(f"/cases/{case.pk}/act/", {"action": "end_district_notice"})
    assert "还有1条公示异议未处理" in response.content.decode() and fresh(case).state == State.DISTRICT_NOTICE
    response = client.post(
        f"/honours/{case.pk}/objections/{objection.pk}/resolve/", {"resolution": "经核实事迹属实", "upheld": ""}
    )
    assert response.status_code == 302
    client.post(f"/cases/{case.pk}/act/", {"action": "end_district_notice"})
    assert fresh(case).state == State.APPROVAL


def test_the_campaign_page_and_the_list_for_publication(client, world, honours, campaign):
    case = to_approval(world, honours, campaign)
    step(case, "approve", honours["approver"])
    client.force_login(honours["district"])
    html = client.get(f"/honours/campaigns/{campaign.pk}/").content.decode()
    assert world.units["S1"].name in html and case.number in html
    book = load_workbook(BytesIO(client.get(f"/honours/campaigns/{campaign.pk}/xlsx/").content))
    sheet = book.active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[2][:3] == [case.number, world.people["E1"].name, world.units["E1"].name]
    response = client.get(f"/honours/campaigns/{campaign.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert campaign.name in text and world.people["E1"].name in text and "产业工人" in text


def test_a_neighbouring_district_sees_nothing(client, world, honours, campaign, user_with):
    case = to_street_review(world, honours, campaign)
    outsider = user_with("district_caseworker", world.units["D2"])
    client.force_login(outsider)
    for url in (
        f"/honours/campaigns/{campaign.pk}/",
        f"/honours/campaigns/{campaign.pk}/xlsx/",
        f"/honours/campaigns/{campaign.pk}/pdf/",
        f"/cases/{case.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert campaign.name not in client.get("/honours/").content.decode()


def test_the_records_the_checks_read_are_entered_from_the_page(client, world, honours, campaign):
    client.force_login(honours["district"])
    today = timezone.localdate().isoformat()
    model_worker = HonourType.objects.get(code="model_worker").pk
    held = {"kind": "held", "id_number": world.people["E1"].id_number, "honour_type": model_worker, "level": "city"}
    response = client.post("/honours/records/", {**held, "awarded_on": today, "source": "市总工发〔2024〕2号"})
    assert response.status_code == 302
    before = state_of()
    with_error = client.post("/honours/records/", {**held, "awarded_on": "2999-01-01", "source": "x"})
    assert with_error.status_code == 400 and "授予日期" in with_error.content.decode() and state_of() == before
    # The check reads it: the same honour within the years refuses the nomination.
    from casework.errors import RuleViolation
    from tests.honours.conftest import nominate

    try:
        nominate(world, honours, campaign)
    except RuleViolation as error:
        assert error.code == "honours.honour_held" and "市总工发〔2024〕2号" in str(error.message)
    else:
        raise AssertionError("the honour held did not refuse the nomination")
    response = client.post(
        "/honours/records/",
        {"kind": "accident", "unit": world.units["E2"].pk, "occurred_on": today, "serious": "1"}
        | {"description": "高处坠落致一人死亡", "source": "区应急管理局事故调查报告"},
    )
    assert response.status_code == 302
    assert "区应急管理局事故调查报告" in client.get("/honours/records/").content.decode()
