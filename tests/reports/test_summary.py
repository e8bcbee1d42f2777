"""The summary as JSON and as a page: a unit the user sees (404 for another
street's, 403 for someone who sees none), the figures scoped, each linking
to exactly the records it counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse

from tests.api.helpers import as_user
from tests.reports.test_hardship_figures import books  # noqa: F401  # the planted records

URL = "/api/v1/reports/summary/"
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}


def figures(body) -> dict[str, dict]:
    return {f["key"]: f for section in body["sections"] for f in section["figures"]}


def test_the_api_returns_the_districts_figures(books, world, user_with, api):  # noqa: F811
    user = user_with("district_caseworker", world.units["D1"])
    answer = as_user(api, user).get(URL, {"unit": world.units["D1"].pk, **YEAR})
    assert answer.status_code == 200
    body = answer.json()
    assert body["unit"]["code"] == "D1" and (body["date_from"], body["date_to"]) == ("2026-01-01", "2026-12-31")
    found = figures(body)
    assert Decimal(found["hardship.filed"]["value"]) == 3
    paid = found["assistance.paid_by_type"]
    assert Decimal(paid["value"]) == Decimal("1000.50") and paid["measure"] == "yuan"
    assert {g["key"]: Decimal(g["value"]) for g in paid["groups"]} == {
        "living": Decimal("300.50"),
        "medical": Decimal("300"),
        "holiday": Decimal("400"),
    }
    assert [s["key"] for s in body["sections"]][:2] == ["hardship", "assistance"]


def test_a_street_never_gets_another_streets_numbers(books, world, user_with, api):  # noqa: F811
    user = user_with("street_caseworker", world.units["S1"])
    own = as_user(api, user).get(URL, YEAR).json()  # its own unit by default
    assert own["unit"]["code"] == "S1"
    assert Decimal(figures(own)["hardship.filed"]["value"]) == 2
    assert as_user(api, user).get(URL, {"unit": world.units["S2"].pk, **YEAR}).status_code == 404
    assert as_user(api, user).get(URL, {"unit": world.units["D1"].pk, **YEAR}).status_code == 404


def test_bad_input_names_the_field(world, user_with, api):
    user = user_with("street_caseworker", world.units["S1"])
    answer = as_user(api, user).get(URL, {"from": "2026-02-01", "to": "2026-01-01"})
    assert answer.status_code == 400 and "to" in str(answer.json())
    answer = as_user(api, user).get(URL, {"from": "二〇二六"})
    assert answer.status_code == 400 and "from" in str(answer.json())
    answer = as_user(api, user).get(URL, {"to": ""})
    assert answer.status_code == 400 and "to：不能为空。" in str(answer.json())


def test_someone_who_sees_no_unit_is_refused(world, user_with, api, client):
    lawyer = user_with("lawyer", world.units["D1"])
    assert as_user(api, lawyer).get(URL).status_code == 403
    client.force_login(lawyer)
    assert client.get(reverse("reports:summary")).status_code == 403


def test_the_page_links_each_figure_to_its_records(books, world, user_with, client):  # noqa: F811
    user = user_with("district_caseworker", world.units["D1"])
    client.force_login(user)
    html = client.get(reverse("reports:summary"), {"unit": world.units["D1"].pk, **YEAR}).content.decode()
    assert 'data-figure="hardship.exited"' in html and "1,000.50" in html
    listed = client.get(
        reverse("reports:records"), {"figure": "hardship.exited", "unit": world.units["D1"].pk, **YEAR}
    ).content.decode()
    for case in (books["recovered"], books["died"]):
        assert reverse("cases:case", args=[case.pk]) in listed
    assert reverse("cases:case", args=[books["gone"].pk]) not in listed
    assert client.get(reverse("reports:records"), {"figure": "nope"}).status_code == 404


def test_the_defaults_are_my_unit_and_this_year(world, user_with, api):
    from django.utils import timezone

    user = user_with("street_approver", world.units["S1"])
    body = as_user(api, user).get(URL).json()
    today = timezone.localdate()
    assert body["date_from"] == date(today.year, 1, 1).isoformat() and body["date_to"] == today.isoformat()


def test_the_pages_open_without_parameters(world, user_with, client):
    client.force_login(user_with("street_caseworker", world.units["S1"]))
    for name in ("reports:summary", "reports:dashboard"):
        assert client.get(reverse(name)).status_code == 200
