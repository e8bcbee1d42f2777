"""``/api/v1/cases/{type}/{id}/documents/``: scoped list, multipart upload,
bad input answered 400 with the one error body (never 500), nothing kept."""

from __future__ import annotations

import hashlib

import pytest
import yaml
from django.core.management import call_command

from casework.cases.models import CaseDocument
from tests.api.helpers import as_user, is_error
from tests.cases.conftest import EXE, PDF, PNG, counts, files_under, upload
from tests.hardship.test_flow import submit


def url(case) -> str:
    return f"/api/v1/cases/hardship/{case.pk}/documents/"


def test_upload_then_list(api, world, staff, media):
    case = submit(world, staff)
    as_user(api, staff["caseworker"])
    response = api.post(url(case), {"kind": "income_proof", "file": upload("工资单.png", PNG), "reason": "补充"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert (body["name"], body["kind"], body["kind_label"], body["size"]) == (
        "工资单.png",
        "income_proof",
        "收入证明",
        len(PNG),
    )
    assert body["content_type"] == "image/png" and body["uploaded_by"] == staff["caseworker"].username
    assert body["download"] == f"/cases/{case.pk}/documents/{body['id']}/" and body["ledger_seq"]
    listed = api.get(url(case)).json()
    assert listed["count"] == 1 and listed["results"] == [body]


@pytest.mark.parametrize(
    ("data", "status", "code", "field"),
    [
        ({"kind": "other", "file": lambda: upload("setup.pdf", EXE)}, 400, "document.type_not_allowed", "file"),
        ({"kind": "other", "file": lambda: upload("empty.pdf", b"")}, 400, "document.empty", "file"),
        ({"kind": "other", "file": lambda: upload("a.jpg", PDF)}, 400, "document.extension_mismatch", "file"),
        ({"kind": "passport", "file": lambda: upload("a.pdf", PDF)}, 400, "invalid", "kind"),
        ({"kind": "other"}, 400, "invalid", "file"),
        ({"kind": "other", "file": "not a file"}, 400, "invalid", "file"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_keeps_nothing(api, world, staff, media, data, status, code, field):
    case = submit(world, staff)
    as_user(api, staff["caseworker"])
    before = counts()
    data = {k: v() if callable(v) else v for k, v in data.items()}
    response = api.post(url(case), data)
    assert response.status_code == status
    assert is_error(response.json(), code) and field in response.json()["fields"], response.json()
    assert counts() == before and files_under(media) == []


def test_the_size_limit_names_the_file_field(api, world, staff, media, settings):
    settings.CASEWORK_UPLOAD_MAX_BYTES = 1024
    case = submit(world, staff)
    as_user(api, staff["caseworker"])
    response = api.post(url(case), {"kind": "other", "file": upload("big.pdf", PDF + b"0" * 1024)})
    assert response.status_code == 400 and is_error(response.json(), "document.too_large")
    assert response.json()["fields"]["file"] == ["附件：文件不能超过1KB，“big.pdf”超过了。"]
    assert files_under(media) == []


def test_not_multipart_or_broken_multipart_is_a_4xx_error_body(api, world, staff, media):
    case = submit(world, staff)
    as_user(api, staff["caseworker"])
    assert api.post(url(case), {"kind": "other"}, format="json").status_code == 415
    broken = api.generic(
        "POST",
        url(case),
        b"--x\r\nContent-Disposition: form-data; name=",
        content_type="multipart/form-data; boundary=x",
    )
    assert broken.status_code == 400 and set(broken.json()) == {"error", "message", "fields"}
    no_boundary = api.generic("POST", url(case), b"abc", content_type="multipart/form-data")
    assert no_boundary.status_code == 400 and set(no_boundary.json()) == {"error", "message", "fields"}
    assert files_under(media) == []


def test_outside_scope_is_absent_and_in_scope_without_the_step_is_403(api, world, staff, media, user_with):
    case = submit(world, staff)
    for user in (user_with("street_caseworker", world.units["S2"]), staff["neighbour_chair"]):
        as_user(api, user)
        assert is_error(api.get(url(case)).json(), "not_found")
        response = api.post(url(case), {"kind": "other", "file": upload("a.pdf", PDF)})
        assert response.status_code == 404 and is_error(response.json(), "not_found")
    as_user(api, staff["caseworker"])
    assert api.get(f"/api/v1/cases/legalaid/{case.pk}/documents/").status_code == 404
    as_user(api, staff["chair"])  # sees the case, but the home visit is the street's step
    assert api.get(url(case)).status_code == 200
    response = api.post(url(case), {"kind": "other", "file": upload("a.pdf", PDF)})
    assert response.status_code == 403 and is_error(response.json(), "case.document_not_your_step")
    assert not CaseDocument.objects.exists() and files_under(media) == []


def test_the_schema_documents_the_multipart_upload(db):
    from io import StringIO

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=StringIO())
    operations = yaml.safe_load(out.getvalue())["paths"]["/api/v1/cases/{case_type}/{id}/documents/"]
    assert set(operations["post"]["requestBody"]["content"]) == {"multipart/form-data"}
    assert {"200", "400", "404"} <= set(operations["get"]["responses"])
    assert {"201", "400", "403", "404", "415"} <= set(operations["post"]["responses"])
