"""Documents on the pages: the chair's filing form takes files, the case page
lists them and shows their hashes in the trail, a step and the attach form
take files, and the download is scoped."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from casework.cases.models import CaseDocument
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.ledger.models import LedgerEntry
from casework.people.models import Person
from casework.people.synthetic import SyntheticPeople
from tests.cases.conftest import EXE, JPEG, PDF, PNG, counts, files_under, upload
from tests.hardship.test_flow import submit


def filing(world, **extra):
    return {
        "worker": world.people["E1"].pk,
        "category": "deep",
        "cause": "illness",
        "statement": "本人患病",
        "consent": "on",
        "worker_income": "800",
        "document_kind": "medical",
        **extra,
    }


def test_the_filing_form_takes_files_and_the_trail_shows_their_hashes(client, world, staff, media):
    client.force_login(staff["chair"])
    form = client.get("/hardship/new/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'type="file" name="documents"' in form and " multiple" in form
    files = [upload("病历.pdf", PDF), upload("诊断书.jpg", JPEG)]
    response = client.post("/hardship/new/", filing(world, documents=files))
    assert response.status_code == 302, response.content.decode()
    case = HardshipCase.objects.get(person=world.people["E1"])
    documents = list(CaseDocument.objects.filter(case_id=case.pk).order_by("pk"))
    assert [(d.original_name, d.kind) for d in documents] == [("病历.pdf", "medical"), ("诊断书.jpg", "medical")]
    [entry] = LedgerEntry.objects.filter(subject_id=str(case.pk), action="hardship.submitted")
    hashes = [hashlib.sha256(b).hexdigest() for b in (PDF, JPEG)]
    assert [e["sha256"] for e in entry.evidence] == hashes
    page = client.get(f"/cases/{case.pk}/").content.decode()
    for document, digest in zip(documents, hashes, strict=True):
        assert f'href="/cases/{case.pk}/documents/{document.pk}/"' in page
        assert f"SHA-256 {digest[:12]}" in page and document.original_name in page


def test_a_bad_file_on_the_filing_form_is_named_on_its_field_and_nothing_is_filed(client, world, staff, media):
    client.force_login(staff["chair"])
    before = counts()
    response = client.post("/hardship/new/", filing(world, documents=[upload("a.pdf", PDF), upload("b.pdf", EXE)]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "附件：只接受PDF、JPG、PNG文件，“b.pdf”不是其中之一。" in html
    assert not HardshipCase.objects.exists()
    assert counts() == before and files_under(media) == []


def test_a_step_on_the_case_page_takes_files(client, world, staff, media):
    case = submit(world, staff)
    client.force_login(staff["caseworker"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="document_kind"' in page
    response = client.post(
        f"/cases/{case.pk}/act/",
        {
            "action": "record_home_visit",
            "data.visited_on": timezone.localdate().isoformat(),
            "data.report": "属实",
            "document_kind": "record",
            "documents": [upload("入户.png", PNG)],
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.latest("seq")
    assert entry.action == "hardship.record_home_visit"
    assert [e["sha256"] for e in entry.evidence] == [hashlib.sha256(PNG).hexdigest()]
    assert CaseDocument.objects.get().kind == "record"


def test_a_bad_file_with_a_step_re_shows_the_page_and_takes_no_step(client, world, staff, media):
    case = submit(world, staff)
    client.force_login(staff["caseworker"])
    before = counts()
    response = client.post(
        f"/cases/{case.pk}/act/",
        {
            "action": "record_home_visit",
            "data.visited_on": timezone.localdate().isoformat(),
            "data.report": "属实",
            "documents": [upload("空.pdf", b"")],
        },
    )
    assert response.status_code == 400 and "附件：“空.pdf”是空文件。" in response.content.decode()
    assert HardshipCase.objects.get(pk=case.pk).state == State.HOME_VISIT
    assert counts() == before and files_under(media) == []


def test_the_attach_form_is_for_the_holder_of_the_step(client, world, staff, media):
    case = submit(world, staff)
    client.force_login(staff["chair"])  # the home visit is not the chair's step
    assert f'action="/cases/{case.pk}/documents/"' not in client.get(f"/cases/{case.pk}/").content.decode()
    assert (
        client.post(f"/cases/{case.pk}/documents/", {"kind": "other", "documents": upload("a.pdf", PDF)}).status_code
        == 403
    )
    client.force_login(staff["caseworker"])
    assert f'action="/cases/{case.pk}/documents/"' in client.get(f"/cases/{case.pk}/").content.decode()
    before = counts()
    refused = client.post(f"/cases/{case.pk}/documents/", {"kind": "other", "documents": upload("a.png", PDF)})
    assert refused.status_code == 400 and "附件：文件扩展名与内容不符" in refused.content.decode()
    assert client.post(f"/cases/{case.pk}/documents/", {"kind": "other"}).status_code == 400
    assert counts() == before and files_under(media) == []
    response = client.post(f"/cases/{case.pk}/documents/", {"kind": "id_card", "documents": upload("身份证.jpg", JPEG)})
    assert response.status_code == 302
    assert CaseDocument.objects.get().original_name == "身份证.jpg"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "身份证件" in page and hashlib.sha256(JPEG).hexdigest()[:12] in page


def test_the_download_is_scoped_and_served_as_an_attachment(client, world, staff, media, user_with):
    case = submit(world, staff)
    client.force_login(staff["caseworker"])
    client.post(
        f"/cases/{case.pk}/documents/", {"kind": "medical", "documents": upload("王芳 病历.pdf", PDF, "text/html")}
    )
    document = CaseDocument.objects.get()
    url = f"/cases/{case.pk}/documents/{document.pk}/"
    for user in (staff["caseworker"], staff["chair"], user_with("auditor", world.units["D1"])):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert (
            response["Content-Disposition"].startswith("attachment;")
            and "filename*=utf-8''" in response["Content-Disposition"]
        )
        assert response["X-Content-Type-Options"] == "nosniff"
    # A neighbouring street and a neighbouring chair see no such case; a document of another case is absent too.
    for user in (user_with("street_caseworker", world.units["S2"]), staff["neighbour_chair"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
    p = SyntheticPeople(31).person(today=timezone.localdate())
    worker = Person.objects.create(
        name=p.name, id_number=p.id_number, gender="male", birth_date=p.birth_date, employer=world.units["E1"]
    )
    other = submit(world, staff, worker=worker)
    client.force_login(staff["caseworker"])
    assert client.get(f"/cases/{other.pk}/documents/{document.pk}/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_media_is_not_served_by_url(client, world, staff, media):
    case = submit(world, staff)
    client.force_login(staff["caseworker"])
    client.post(f"/cases/{case.pk}/documents/", {"kind": "other", "documents": upload("a.pdf", PDF)})
    document = CaseDocument.objects.get()
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_a_large_upload_streamed_to_a_temporary_file_is_stored_whole(client, world, staff, media):
    case = submit(world, staff)
    client.force_login(staff["caseworker"])
    content = PDF + bytes(range(256)) * (3 * 4096)  # 3 MB: over Django's in-memory limit
    response = client.post(
        f"/cases/{case.pk}/documents/", {"kind": "medical", "documents": upload("扫描件.pdf", content)}
    )
    assert response.status_code == 302
    document = CaseDocument.objects.get()
    assert document.sha256 == hashlib.sha256(content).hexdigest() and document.size == len(content)
    assert (media / document.file.name).read_bytes() == content
    assert oct((media / document.file.name).stat().st_mode & 0o777) == oct(0o640)
