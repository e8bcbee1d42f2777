"""The outreach API: scoped lists and details, recording, withdrawal, totals;
permission is asked before the input is read."""

from __future__ import annotations

from casework.outreach.models import OutreachEvent
from tests.api.helpers import as_user, is_error
from tests.outreach.conftest import entry, state


def test_record_list_detail_withdraw_and_totals(api, world, people):
    as_user(api, people["street"])
    response = api.post("/api/v1/outreach/events/", {**entry(), "unit": world.units["E1"].pk}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["unit_name"] == "一厂工会" and response.json()["photos"] == []
    assert [e["id"] for e in api.get("/api/v1/outreach/events/").json()["results"]] == [pk]
    assert api.get(f"/api/v1/outreach/events/{pk}/").json()["audience"] == 40
    year = OutreachEvent.objects.get().held_on.year
    totals = api.get(f"/api/v1/outreach/totals/?year={year}").json()
    assert (totals["events"], totals["audience"]) == (1, 40)
    assert [(t["code"], t["events"]) for t in totals["streets"]] == [("S1", 1)]
    response = api.post(f"/api/v1/outreach/events/{pk}/withdraw/", {"reason": "重复登记"}, format="json")
    assert response.status_code == 200 and response.json()["withdrawn"] is True
    assert api.get("/api/v1/outreach/events/").json()["results"] == []
    assert len(api.get("/api/v1/outreach/events/?withdrawn=true").json()["results"]) == 1
    again = api.post(f"/api/v1/outreach/events/{pk}/withdraw/", {"reason": "再撤"}, format="json")
    assert again.status_code == 400 and is_error(again.json(), "outreach.withdrawn")


def test_a_broken_rule_is_400_naming_the_field(api, world, people):
    as_user(api, people["street"])
    before = state()
    for body, code in (
        ({**entry(held_on="2999-01-01"), "unit": world.units["S1"].pk}, "field_date_future"),
        ({**entry(audience=0), "unit": world.units["S1"].pk}, "field_too_small"),
        ({**entry(), "unit": world.units["S2"].pk}, "outreach.unit_not_yours"),
        ({**entry(), "unit": 2**70}, "outreach.unit_not_yours"),
    ):
        response = api.post("/api/v1/outreach/events/", body, format="json")
        assert response.status_code == 400 and is_error(response.json(), code), response.json()
    assert state() == before


def test_scope_and_the_auditor(api, world, people, event):
    as_user(api, people["neighbour"])
    assert api.get(f"/api/v1/outreach/events/{event.pk}/").status_code == 404
    assert api.post(f"/api/v1/outreach/events/{event.pk}/withdraw/", {"reason": "x"}, format="json").status_code == 404
    assert api.get("/api/v1/outreach/events/").json()["results"] == []
    assert api.get(f"/api/v1/outreach/totals/?year={event.held_on.year}").json()["units"] == []
    as_user(api, people["auditor"])
    assert api.get(f"/api/v1/outreach/events/{event.pk}/").status_code == 200
    before = state()
    # Refused before the input is read: an empty body is 403, not 400.
    assert api.post("/api/v1/outreach/events/", {}, format="json").status_code == 403
    assert api.post(f"/api/v1/outreach/events/{event.pk}/withdraw/", {}, format="json").status_code == 403
    assert state() == before


def test_malformed_parameters(api, people):
    as_user(api, people["legal"])
    assert api.get("/api/v1/outreach/totals/?year=1999").status_code == 400
    assert api.get("/api/v1/outreach/totals/?unit=x").status_code == 400
    assert api.get("/api/v1/outreach/events/?withdrawn=maybe").status_code == 400
    assert api.get("/api/v1/outreach/events/9223372036854775808/").status_code == 404
