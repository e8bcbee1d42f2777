"""The campaign's pages, XLSX and API: start one by range or by list, read
its figures; a neighbouring district and a street see nothing (404); the
page costs the same queries for 2 enterprises and for 20."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from casework.bargaining.campaigns import Campaign
from casework.hardship.exports import XLSX_TYPE
from tests.api.helpers import as_user, is_error
from tests.bargaining.campaign_fixtures import counts, enterprises, served, start


@pytest.fixture
def people(world, user_with, district):
    return {
        "district": user_with("district_caseworker", world.units["D1"]),
        "auditor": user_with("auditor", world.units["D1"]),
        "street": user_with("street_caseworker", world.units["S1"]),
        "chair": user_with("enterprise_chair", world.units["E1"]),
        "neighbour": user_with("district_caseworker", world.units["D2"]),
    }


def xlsx_of(rows):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("list.xlsx", out.getvalue())


def form(world, **extra):
    return {
        "district": world.units["D1"].pk,
        "name": "2026年集中要约",
        "offer_served_on": served(),
        "source": "subtree",
        "kinds": ["enterprise"],
        **extra,
    }


def test_a_district_caseworker_starts_a_campaign_by_range_and_reads_it(client, world, people):
    client.force_login(people["district"])
    page = client.get("/bargaining/campaigns/new/")
    assert page.status_code == 200 and 'name="file"' in page.content.decode()
    assert f'name="offer_served_on" value="{timezone.localdate().isoformat()}"' in page.content.decode()
    response = client.post("/bargaining/campaigns/new/", form(world, subtree=world.units["S1"].pk))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bargaining/campaigns/{campaign.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "一厂工会" in html and "一街道工会" in html and "2026年集中要约" in html
    assert 'href="/bargaining/campaigns/"' in html  # the navigation offers campaigns to the district
    listing = client.get("/bargaining/campaigns/").content.decode()
    assert f"/bargaining/campaigns/{campaign.pk}/" in listing and "发起集中要约" in listing


def test_a_list_is_uploaded_and_a_bad_line_is_shown_with_nothing_kept(client, world, people):
    client.force_login(people["district"])
    before = counts()
    bad = xlsx_of([["单位代码", "覆盖职工人数"], ["E1", 120], ["S1", None]])
    response = client.post("/bargaining/campaigns/new/", form(world, source="list", file=bad))
    html = response.content.decode()
    assert response.status_code == 400 and "第3行" in html and "不是基层工会" in html
    assert counts() == before

    good = SimpleUploadedFile("list.csv", "单位代码,覆盖职工人数\nE2,\nE1,120\n".encode())
    response = client.post("/bargaining/campaigns/new/", form(world, source="list", file=good))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert list(campaign.cases.order_by("number").values_list("unit__code", "workers_covered")) == [
        ("E2", 1),
        ("E1", 120),
    ]


def test_the_list_source_needs_a_file(client, world, people):
    client.force_login(people["district"])
    response = client.post("/bargaining/campaigns/new/", form(world, source="list"))
    assert response.status_code == 400 and "请选择要上传的文件" in response.content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("who", ["street", "chair", "auditor"])
def test_only_a_district_caseworker_may_open_the_new_page(client, world, people, who):
    client.force_login(people[who])
    assert client.get("/bargaining/campaigns/new/").status_code == 403


@pytest.mark.parametrize("who", ["street", "chair", "neighbour"])
def test_another_district_or_a_street_finds_no_campaign(client, api, world, people, who):
    campaign = start(world, people["district"])
    client.force_login(people[who])
    assert client.get(f"/bargaining/campaigns/{campaign.pk}/").status_code == 404
    assert client.get(f"/bargaining/campaigns/{campaign.pk}/xlsx/").status_code == 404
    assert str(campaign.pk) not in client.get("/bargaining/campaigns/").content.decode().split("<tbody>")[1]
    as_user(api, people[who])
    response = api.get(f"/api/v1/bargaining/campaigns/{campaign.pk}/")
    assert response.status_code == 404 and is_error(response.json(), "not_found")
    assert api.get("/api/v1/bargaining/campaigns/").json()["count"] == 0


def test_the_navigation_offers_campaigns_to_the_district_only(client, world, people):
    for who, shown in (("auditor", True), ("street", False), ("chair", False)):
        client.force_login(people[who])
        assert ('href="/bargaining/campaigns/"' in client.get("/").content.decode()) is shown, who


def test_the_page_costs_the_same_queries_for_2_and_20_enterprises(client, world, people, user_with):
    client.force_login(people["auditor"])
    measured = []
    for extra in (0, 18):
        enterprises(world.units["S2"], extra, prefix=f"Q{extra}")
        for unit in world.units["S2"].children.all():
            user_with("enterprise_chair", unit)
        campaign = start(world, people["district"], name=f"第{extra}次", subtree=world.units["D1"])
        client.get(f"/bargaining/campaigns/{campaign.pk}/")  # warm the per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/bargaining/campaigns/{campaign.pk}/")
        measured.append((campaign.cases.count(), len(queries.captured_queries)))
        campaign.cases.update(state="closed")  # free the enterprises for the next campaign
        assert response.status_code == 200
    assert [n for n, _q in measured] == [2, 20]
    assert measured[0][1] == measured[1][1], measured


def test_the_xlsx_has_the_summary_the_streets_and_every_enterprise(client, world, people):
    enterprises(world.units["S1"], 2, each=4)
    campaign = start(world, people["district"])
    client.force_login(people["auditor"])
    export = client.get(f"/bargaining/campaigns/{campaign.pk}/xlsx/")
    assert export.status_code == 200 and export["Content-Type"] == XLSX_TYPE
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["汇总", "按街道", "企业明细"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}
    assert summary["企业数"] == 4 and summary["覆盖职工人数（全部）"] == 1 + 8 + 1
    streets = [row[:2] for row in book["按街道"].iter_rows(min_row=2, values_only=True)]
    assert streets == [("一街道工会", 3), ("二街道工会", 1)]
    cases = list(book["企业明细"].iter_rows(min_row=2, values_only=True))
    assert len(cases) == 4 and {row[1] for row in cases} >= {"E1", "E2"}


def test_the_api_starts_a_campaign_and_reads_its_figures(api, world, people):
    as_user(api, people["district"])
    body = {"district": world.units["D1"].pk, "name": "API集中要约", "offer_served_on": served()}
    response = api.post("/api/v1/bargaining/campaigns/", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["cases"] == 2 and created["summary"]["total"] == 2
    assert [s["name"] for s in created["summary"]["streets"]] == ["一街道工会", "二街道工会"]
    assert created["summary"]["by_state"] == [
        {"state": "offer_served", "state_label": "要约已送达，待书面回应", "cases": 2, "workers_covered": 2}
    ]
    detail = api.get(f"/api/v1/bargaining/campaigns/{created['id']}/").json()
    assert detail["summary"]["signing_rate"] == "0.0" and detail["offered_by"] == "union"
    assert api.get("/api/v1/bargaining/campaigns/").json()["results"][0]["id"] == created["id"]


def test_the_api_names_each_bad_line_and_keeps_nothing(api, world, people):
    as_user(api, people["district"])
    before = counts()
    body = {
        "district": world.units["D1"].pk,
        "name": "API集中要约",
        "offer_served_on": served(),
        "units": [{"code": "E1"}, {"code": "S3"}, {"code": "E2", "workers_covered": 5}],
    }
    response = api.post("/api/v1/bargaining/campaigns/", body, format="json")
    assert response.status_code == 400
    assert is_error(response.json(), "invalid_lines") and list(response.json()["fields"]) == ["units[1].code"]
    assert counts() == before


def test_the_api_refuses_others_and_hides_other_districts(api, world, people):
    body = {"district": world.units["D1"].pk, "name": "API集中要约", "offer_served_on": served()}
    as_user(api, people["street"])
    response = api.post("/api/v1/bargaining/campaigns/", body, format="json")
    assert response.status_code == 404  # the district is outside a street's scope
    as_user(api, people["auditor"])
    response = api.post("/api/v1/bargaining/campaigns/", body, format="json")
    assert response.status_code == 403 and is_error(response.json(), "access.no_role")
    as_user(api, people["neighbour"])
    assert api.post("/api/v1/bargaining/campaigns/", body, format="json").status_code == 404
    assert not Campaign.objects.exists()
