"""The OpenAPI document generates without a warning and validates; every
list is paginated the one way; the docs page needs no CDN."""

from __future__ import annotations

import re
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from tests.api.helpers import as_user, is_error


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    out = StringIO()
    with django_db_blocker.unblock():
        # --validate checks the document against the OpenAPI 3 JSON Schema;
        # --fail-on-warn turns any generator warning into an error.
        call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=StringIO())
    return yaml.safe_load(out.getvalue())


def resolve(schema: dict, ref: dict) -> dict:
    name = ref["$ref"].rsplit("/", 1)[-1]
    return schema["components"]["schemas"][name]


def test_the_document_is_openapi_3_and_has_the_base(schema):
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/units/",
        "/api/v1/units/{id}/",
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/people/{id}/reveal/",
        "/api/v1/memberships/",
        "/api/v1/memberships/{id}/",
        "/api/v1/memberships/{id}/end/",
    ):
        assert path in schema["paths"], path
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_every_list_is_paginated_with_a_bounded_page_size(schema):
    lists = [op for item in schema["paths"].values() for op in item.values() if op["operationId"].endswith("_list")]
    assert len(lists) >= 3
    for op in lists:
        body = resolve(schema, op["responses"]["200"]["content"]["application/json"]["schema"])
        assert set(body["properties"]) == {"count", "next", "previous", "results"}, op["operationId"]
        sizes = [p for p in op["parameters"] if p["name"] == "page_size"]
        assert sizes and sizes[0]["schema"]["maximum"] == 200, op["operationId"]


def test_every_operation_documents_the_error_body(schema):
    for item in schema["paths"].values():
        for op in item.values():
            for status in ("400", "401", "403", "404"):
                ref = op["responses"][status]["content"]["application/json"]["schema"]
                assert ref == {"$ref": "#/components/schemas/ErrorBody"}, (op["operationId"], status)


def test_the_masked_person_has_no_birth_date(schema):
    person = schema["components"]["schemas"]["PersonOut"]["properties"]
    assert {"id_number", "mobile", "birth_year"} <= set(person) and "birth_date" not in person


@pytest.mark.parametrize("url", ["/api/v1/units/", "/api/v1/people/", "/api/v1/memberships/"])
def test_lists_answer_count_next_previous_results(api, world, user_with, url):
    as_user(api, user_with("administrator", world.units["D1"]))
    first = api.get(url, {"page_size": 2}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] > 2 and len(first["results"]) == 2 and first["previous"] is None
    second = api.get(first["next"]).json()
    assert second["previous"] and not {r["id"] for r in second["results"]} & {r["id"] for r in first["results"]}
    everything = api.get(url).json()
    assert len(everything["results"]) == everything["count"] == first["count"] and everything["next"] is None


def test_page_size_is_50_by_default_and_at_most_200(api, world, user_with, django_user_model):
    admin = user_with("administrator", world.units["D1"])
    as_user(api, admin)
    for number in range(210):
        user = django_user_model.objects.create_user(username=f"many-{number}")
        user.memberships.create(unit=world.units["S1"], role="street_caseworker")
    assert len(api.get("/api/v1/memberships/").json()["results"]) == 50
    assert len(api.get("/api/v1/memberships/", {"page_size": 200}).json()["results"]) == 200
    for bad in ("201", "0", "-1", "x", "²", "", "9" * 5000):
        response = api.get("/api/v1/memberships/", {"page_size": bad})
        assert response.status_code == 400 and "page_size" in response.json()["fields"], bad
    for bad in ("0", "00", "-1", "x", "²", "", "last"):
        response = api.get("/api/v1/memberships/", {"page": bad})
        assert response.status_code == 400 and response.json()["fields"] == {"page": ["页码：应为正整数。"]}, bad
    for beyond in ("99", "9" * 5000):
        response = api.get("/api/v1/memberships/", {"page": beyond})
        assert response.status_code == 404 and is_error(response.json(), "not_found")


def test_the_schema_and_the_docs_are_served_without_a_cdn(client, world, user_with):
    client.force_login(user_with("auditor", world.units["D1"]))
    served = client.get("/api/schema/")
    assert served.status_code == 200 and b"/api/v1/people/{id}/reveal/" in served.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in s for s in sources)
    assert all(s.startswith("/") for s in sources), sources
