"""One error body everywhere in the API: {"error", "message", "fields"}, the
message in the caller's language."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from casework.api.errors import exception_handler
from casework.errors import Conflict, RuleViolation
from tests.api.helpers import as_user, is_error, snapshot


def test_bad_input_is_400_invalid_with_every_field(api, world, user_with):
    as_user(api, user_with("administrator", world.units["D1"]))
    before = snapshot()
    response = api.post("/api/v1/memberships/", {"role": "no-such-role", "valid_from": "soon"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert is_error(body, "invalid") and body["message"] == "请求数据有误，请按字段提示改正。"
    assert set(body["fields"]) == {"user", "unit", "role", "valid_from"}
    assert all(isinstance(messages, list) and messages for messages in body["fields"].values())
    assert snapshot() == before


def test_a_broken_rule_keeps_its_code_and_field(api, world, user_with):
    admin = user_with("administrator", world.units["D1"])
    before = snapshot()
    response = as_user(api, admin).post(
        "/api/v1/memberships/",
        {"user": admin.pk, "unit": world.units["S1"].pk, "role": "street_caseworker"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert is_error(body, "membership.self_grant")
    assert body["fields"] == {"user": [body["message"]]} and body["message"].startswith("用户：")
    assert snapshot() == before


def test_a_reason_is_required_in_one_clear_message(api, world, user_with):
    as_user(api, user_with("street_caseworker", world.units["S1"]))
    url = f"/api/v1/people/{world.people['E1'].pk}/reveal/"
    for data in ({}, {"reason": ""}, {"reason": "  \n"}, {"reason": None}, {"reason": 12}):
        response = api.post(url, data, format="json")
        assert response.status_code == 400, data
        assert response.json()["fields"] == {"reason": ["理由：必填，请说明原因。"]}, data


def test_a_body_that_is_not_json_is_parse_error_or_415(api, world, user_with):
    as_user(api, user_with("street_caseworker", world.units["S1"]))
    url = f"/api/v1/people/{world.people['E1'].pk}/reveal/"
    broken = api.post(url, data='{"reason": ', content_type="application/json")
    assert broken.status_code == 400 and is_error(broken.json(), "parse_error")
    nul = api.post(url, data='{"reason": "a\\u0000b"}', content_type="application/json")
    assert nul.status_code == 400 and is_error(nul.json(), "parse_error")
    text = api.post(url, data="reason=核对", content_type="text/plain")
    assert text.status_code == 415 and is_error(text.json(), "unsupported_media_type")
    # A form body: RejectNulMiddleware has read it already, so DRF sees no
    # JSON and the reason is missing; either way a JSON error, nothing changed.
    before = snapshot()
    form = api.post(url, {"reason": "核对"})
    assert form.status_code in (400, 415) and set(form.json()) == {"error", "message", "fields"}
    assert snapshot() == before


def test_not_signed_in_is_401(api, world):
    for url in ("/api/v1/me/", "/api/v1/units/", f"/api/v1/people/{world.people['S1'].pk}/"):
        response = api.get(url)
        assert response.status_code == 401 and is_error(response.json(), "not_authenticated"), url


def test_a_role_without_the_action_is_403_naming_the_rule(api, world, user_with):
    as_user(api, user_with("auditor", world.units["D1"]))
    response = api.post(f"/api/v1/people/{world.people['E1'].pk}/reveal/", {"reason": "抽查"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"error": "access.no_role", "message": "您的角色不能进行此操作。", "fields": {}}


def test_absent_and_out_of_scope_are_the_same_404(api, world, user_with):
    as_user(api, user_with("street_caseworker", world.units["S1"]))
    outside = api.get(f"/api/v1/people/{world.people['S3'].pk}/")
    absent = api.get("/api/v1/people/987654321/")
    assert outside.status_code == absent.status_code == 404
    assert outside.json() == absent.json() == {"error": "not_found", "message": "未找到。", "fields": {}}
    no_route = api.get("/api/v1/no-such-thing/")
    assert no_route.status_code == 404 and no_route.json() == absent.json()


def test_a_method_not_allowed_is_405(api, world, user_with):
    as_user(api, user_with("street_caseworker", world.units["S1"]))
    response = api.delete("/api/v1/units/")
    assert response.status_code == 405 and is_error(response.json(), "method_not_allowed")
    assert "DELETE" in response.json()["message"]


def test_an_unacceptable_format_is_406(api, world, user_with):
    as_user(api, user_with("street_caseworker", world.units["S1"]))
    response = api.get("/api/v1/units/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406 and is_error(response.json(), "not_acceptable")


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (exceptions.Throttled(wait=30), 429, "throttled"),
        (exceptions.PermissionDenied(), 403, "not_allowed"),
        (exceptions.AuthenticationFailed(), 401, "not_authenticated"),
        (exceptions.NotFound("Invalid page."), 404, "not_found"),
        (Conflict("已被他人处理。", code="case.changed"), 409, "case.changed"),
        (RuleViolation("金额：必须大于零。", code="amount.positive", field="amount"), 400, "amount.positive"),
    ],
)
def test_the_handler_maps_each_kind(exc, status, code):
    request = APIRequestFactory().get("/api/v1/units/")
    response = exception_handler(exc, {"request": request, "view": None})
    assert response is not None and response.status_code == status
    assert is_error(response.data, code)
    if status == 429:
        assert response["Retry-After"] == "30"
    if status == 400:
        assert response.data["fields"] == {"amount": ["金额：必须大于零。"]}


def test_nested_field_errors_are_named_flat():
    detail: dict[str, Any] = {"household": [{}, {"id_number": ["bad"]}], "reason": ["missing"]}
    response = exception_handler(exceptions.ValidationError(detail), {})
    assert response is not None
    assert response.data["fields"] == {"household[1].id_number": ["bad"], "reason": ["missing"]}
    bare = exception_handler(exceptions.ValidationError(["whole body"]), {})
    assert bare is not None and bare.data["fields"] == {"non_field_errors": ["whole body"]}


def test_anything_else_is_left_to_django():
    assert exception_handler(ValueError("a bug"), {}) is None


@pytest.mark.parametrize(
    ("language", "not_found", "invalid", "no_role"),
    [
        ("en", "Not found.", "The request has errors; correct the fields named.", "Your role cannot do this."),
        ("zh-hans", "未找到。", "请求数据有误，请按字段提示改正。", "您的角色不能进行此操作。"),
    ],
)
def test_messages_follow_accept_language(api, world, user_with, language, not_found, invalid, no_role):
    as_user(api, user_with("auditor", world.units["D1"]))
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    assert api.get("/api/v1/units/987654321/", **headers).json()["message"] == not_found
    bad = api.get("/api/v1/units/?page_size=0", **headers).json()
    assert bad["error"] == "invalid" and bad["message"] == invalid
    refused = api.post(f"/api/v1/people/{world.people['E1'].pk}/reveal/", {"reason": "x"}, format="json", **headers)
    assert refused.json()["message"] == no_role
    anonymous = api.__class__().get("/api/v1/me/", **headers).json()["message"]
    assert (anonymous == "Authentication credentials were not provided.") == (language == "en")


def test_traditional_chinese_too(api, world, user_with):
    as_user(api, user_with("auditor", world.units["D1"]))
    message = api.get("/api/v1/units/?page_size=0", HTTP_ACCEPT_LANGUAGE="zh-hant").json()["message"]
    assert message != "请求数据有误，请按字段提示改正。" and "請" in message
