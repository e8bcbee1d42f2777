"""The pages: list with totals, new with photos, detail, correction,
withdrawal, photo and XLSX — all scoped; the auditor reads and writes nothing."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from casework.outreach.models import OutreachEvent
from tests.cases.conftest import EXE, PNG, files_under, upload
from tests.outreach.conftest import entry, state


@pytest.fixture
def photographed(world, people, event, client):
    from casework.outreach.services import outreach_photos_attach

    [photo] = outreach_photos_attach(event=event, photos=[upload("现场.png", PNG)], by=people["street"])
    return photo


def test_a_street_records_an_event_with_photos(client, world, people, media):
    client.force_login(people["street"])
    response = client.post(
        "/outreach/new/",
        {**entry(), "unit": world.units["E1"].pk, "photos": [upload("a.png", PNG), upload("b.png", PNG)]},
    )
    event = OutreachEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/outreach/{event.pk}/"
    assert event.photos.count() == 2 and len(files_under(media / "outreach")) == 2
    page = client.get(f"/outreach/{event.pk}/").content.decode()
    assert "劳动合同法解读" in page and "outreach.recorded" in page
    listing = client.get("/outreach/").content.decode()
    assert "劳动合同法解读" in listing and "一厂工会" in listing


def test_a_refused_form_shows_the_rule_and_keeps_nothing(client, world, people, media):
    client.force_login(people["street"])
    before = state()
    response = client.post(
        "/outreach/new/", {**entry(), "unit": world.units["S1"].pk, "photos": [upload("setup.png", EXE)]}
    )
    assert response.status_code == 400
    assert "附件：只接受JPG、PNG文件" in response.content.decode()
    response = client.post("/outreach/new/", {**entry(), "unit": world.units["S2"].pk})
    assert response.status_code == 400 and "主办单位：" in response.content.decode()
    assert state() == before and files_under(media) == []


def test_correction_and_withdrawal_from_the_pages(client, people, event):
    client.force_login(people["street"])
    assert client.get(f"/outreach/{event.pk}/edit/").status_code == 200
    response = client.post(
        f"/outreach/{event.pk}/edit/", {**entry(audience=41), "unit": event.unit_id, "reason": "更正人数"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.audience == 41
    client.post(f"/outreach/{event.pk}/withdraw/", {"reason": "重复"})
    event.refresh_from_db()
    assert event.withdrawn
    assert "outreach.withdrawn" in client.get(f"/outreach/{event.pk}/").content.decode()


def test_a_neighbouring_street_finds_nothing(client, people, event, photographed):
    client.force_login(people["neighbour"])
    for url in (
        f"/outreach/{event.pk}/",
        f"/outreach/{event.pk}/edit/",
        f"/outreach/{event.pk}/photos/{photographed.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/outreach/{event.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert "劳动合同法解读" not in client.get("/outreach/").content.decode()
    book = load_workbook(BytesIO(client.get("/outreach/xlsx/").content))
    assert "劳动合同法解读" not in str([c.value for row in book.worksheets[0].iter_rows() for c in row])
    event.refresh_from_db()
    assert not event.withdrawn


def test_the_photo_of_another_event_is_not_served(client, world, people, event, photographed):
    from casework.outreach.services import outreach_event_record

    other = outreach_event_record(unit=world.units["S1"], data=entry(), by=people["street"])
    client.force_login(people["street"])
    assert client.get(f"/outreach/{other.pk}/photos/{photographed.pk}/").status_code == 404
    response = client.get(f"/outreach/{event.pk}/photos/{photographed.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_the_auditor_reads_everything_and_changes_nothing(client, people, event, photographed):
    client.force_login(people["auditor"])
    assert client.get(f"/outreach/{event.pk}/").status_code == 200
    assert client.get(f"/outreach/{event.pk}/photos/{photographed.pk}/").status_code == 200
    assert "劳动合同法解读" in client.get("/outreach/").content.decode()
    before = state()
    assert client.get("/outreach/new/").status_code == 403
    assert client.post("/outreach/new/", {**entry(), "unit": event.unit_id}).status_code == 403
    assert client.get(f"/outreach/{event.pk}/edit/").status_code == 403
    assert client.post(f"/outreach/{event.pk}/withdraw/", {"reason": "x"}).status_code == 403
    assert state() == before


def test_the_year_as_xlsx(client, people, event):
    client.force_login(people["legal"])
    response = client.get(f"/outreach/xlsx/?year={event.held_on.year}")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    events, units, streets = book.worksheets
    assert [c.value for c in events[2]][2:4] == ["一厂工会", "劳动合同法解读"]
    assert [c.value for c in units[2]] == ["一厂工会", "E1", 1, 40]
    assert [c.value for c in streets[2]] == ["一街道工会", "S1", 1, 40]
    assert [c.value for c in streets[3]] == ["合计", None, 1, 40]


def test_the_nav_offers_the_register_to_readers(client, people):
    client.force_login(people["auditor"])
    assert 'href="/outreach/"' in client.get("/").content.decode()
