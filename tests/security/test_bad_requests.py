"""NUL bytes refused before any view, JSON 404s under /api/, strict paging parameters."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def signed_in(client: Client, member) -> Client:
    client.force_login(member)
    return client


def test_nul_bytes_are_refused_before_any_view(signed_in):
    assert signed_in.get("/api/v1/people/?q=a%00b").status_code == 400
    assert signed_in.get("/api/v1/people/?q=a%00b").json()["error"] == "invalid"
    assert signed_in.get("/cases/inbox/?q=%00").status_code == 400


def test_unknown_api_paths_answer_json_and_pages_the_sites_404(signed_in):
    response = signed_in.get("/api/v1/units/-1/")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    page = signed_in.get("/no-such-page/")
    assert page.status_code == 404 and "返回工作台" in page.content.decode()


def test_page_size_and_repeated_parameters_are_checked(signed_in):
    assert signed_in.get("/api/v1/units/?page_size=0").status_code == 400
    assert signed_in.get("/api/v1/units/?page_size=true").status_code == 400
    assert signed_in.get("/api/v1/units/?page=1&page=2").status_code == 400
    assert signed_in.get("/api/v1/units/?parent=x").json()["fields"] == {"parent": ["parent：应为整数。"]}


def test_requests_django_refuses_itself_answer_json_under_api_and_a_page_elsewhere(signed_in, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    many = "&".join(f"f{i}=1" for i in range(5))
    response = signed_in.get(f"/api/v1/units/?{many}")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    page = signed_in.get(f"/units/?{many}")
    assert page.status_code == 400 and "请求无效" in page.content.decode()
