"""The API's lists count up to a limit (casework/web/paging.py): ``count`` is
null past it, and ``next``/``previous`` page on to the end all the same."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from casework.web.paging import CappedPaginator
from tests.api.helpers import as_user, is_error
from tests.cases.test_case_pages import more_cases


@pytest.fixture
def admin(api, world, user_with):
    """An administrator of D1: five units in scope."""
    return as_user(api, user_with("administrator", world.units["D1"]))


def test_within_the_limit_count_is_exact(admin, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "count_limit", 5)
    assert admin.get("/api/v1/units/", {"page_size": 2}).json()["count"] == 5


def test_past_the_limit_count_is_null_and_the_links_reach_every_row(admin, monkeypatch):
    everything = [unit["id"] for unit in admin.get("/api/v1/units/").json()["results"]]
    assert len(everything) == 5
    monkeypatch.setattr(CappedPaginator, "count_limit", 3)
    body = admin.get("/api/v1/units/", {"page_size": 2}).json()
    assert body["count"] is None and body["previous"] is None
    seen, pages = [unit["id"] for unit in body["results"]], 1
    while body["next"]:
        body = admin.get(body["next"]).json()
        assert body["count"] is None and body["previous"]
        seen += [unit["id"] for unit in body["results"]]
        pages += 1
    assert (seen, pages) == (everything, 3)
    back = admin.get(body["previous"]).json()
    assert [unit["id"] for unit in back["results"]] == everything[2:4]


def test_past_the_last_page_is_404_whatever_the_count(admin, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "count_limit", 3)
    assert admin.get("/api/v1/units/", {"page_size": 2, "page": 3}).status_code == 200
    for beyond in ("4", "99", "9" * 5000):
        response = admin.get("/api/v1/units/", {"page_size": 2, "page": beyond})
        assert response.status_code == 404 and is_error(response.json(), "not_found"), beyond


def test_the_inbox_pages_past_the_limit(api, world, staff, monkeypatch):
    """The inbox pages through task ids: the same contract."""
    more_cases(world, staff, 3, seed=21)
    as_user(api, staff["caseworker"])
    everything = api.get("/api/v1/tasks/").json()
    assert everything["count"] == 3
    monkeypatch.setattr(CappedPaginator, "count_limit", 2)
    first = api.get("/api/v1/tasks/", {"page_size": 2}).json()
    assert first["count"] is None and len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    assert second["next"] is None
    assert [t["id"] for t in first["results"] + second["results"]] == [t["id"] for t in everything["results"]]


def test_the_schema_says_count_may_be_null(db):
    out = StringIO()
    call_command("spectacular", "--fail-on-warn", stdout=out, stderr=StringIO())
    schemas = yaml.safe_load(out.getvalue())["components"]["schemas"]
    counts = [body["properties"]["count"] for name, body in schemas.items() if name.startswith("Paginated")]
    assert counts
    for count in counts:
        assert count["type"] == "integer" and count["nullable"] is True and "1,000" in count["description"]
