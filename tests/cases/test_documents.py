"""Documents attached to cases: what is accepted and hashed, what is refused
(and then nothing changed, nothing left on disk), who may attach, and files
uploaded with a step landing in that step's one ledger entry."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone

from casework.cases.documents import Attachment, CaseDocument
from casework.cases.services import case_document_attach
from casework.cases.tasks import task_complete
from casework.errors import NotAllowed, RuleViolation
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.ledger.models import LedgerEntry
from tests.cases.conftest import EXE, JPEG, PDF, PNG, counts, files_under, upload
from tests.hardship.conftest import open_task
from tests.hardship.test_flow import step, submit

TEN_MB = 10 * 1024 * 1024


def home_visit_done(case, staff):
    """The case at the unit's evaluation: the step is the chair's now."""
    step(case, "record_home_visit", staff["caseworker"], visited_on=timezone.localdate().isoformat(), report="属实")
    return HardshipCase.objects.get(pk=case.pk)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("申请书.pdf", PDF, "application/pdf"), ("户口簿.PNG", PNG, "image/png"), ("病历.jpeg", JPEG, "image/jpeg")],
)
def test_an_accepted_file_is_stored_under_a_uuid_with_its_hash_in_the_trail(
    world, staff, media, name, content, content_type
):
    case = submit(world, staff)
    before = LedgerEntry.objects.count()
    # The browser's word is ignored: the type comes from the first bytes.
    document = case_document_attach(
        case=case, uploaded_file=upload(name, content, "text/html"), kind="household", by=staff["caseworker"]
    )
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert (document.size, document.content_type, document.original_name) == (len(content), content_type, name)
    [stored] = files_under(media)
    assert stored.read_bytes() == content
    assert stored.relative_to(media).parts[0] == "documents" and name.split(".")[0] not in str(stored)
    assert len(stored.stem) == 32 and stored.suffix == "." + name.rsplit(".", 1)[1].lower()
    # One entry, naming the stored file and its hash; the uploader's name is personal (purgeable).
    assert LedgerEntry.objects.count() == before + 1
    entry = LedgerEntry.objects.latest("seq")
    assert entry.action == "case.document_attached" and entry.subject_id == str(case.pk)
    size = len(content)
    assert entry.evidence == [
        {"name": stored.name, "sha256": document.sha256, "document": document.pk, "kind": "household", "size": size}
    ]
    assert entry.payload == {"number": "", "document": document.pk, "kind": "household", "size": len(content)}
    assert entry.personal == {"document_names": {str(document.pk): name}}
    assert entry.actor_role == "street_caseworker" and entry.from_state == entry.to_state == State.HOME_VISIT
    assert document.ledger_entry_id == entry.seq


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("大文件.pdf", PDF + b"0" * TEN_MB, "document.too_large", "附件：文件不能超过10MB"),
        ("setup.pdf", EXE, "document.type_not_allowed", "附件：只接受PDF、JPG、PNG文件"),
        ("notes.txt", b"plain text", "document.type_not_allowed", "附件：只接受PDF、JPG、PNG文件"),
        ("空.pdf", b"", "document.empty", "附件：“空.pdf”是空文件。"),
        ("photo.pdf", PNG, "document.extension_mismatch", "附件：文件扩展名与内容不符，“photo.pdf”是PNG文件"),
        ("scan.png", PDF, "document.extension_mismatch", "扩展名应为.pdf"),
        ("no-extension", JPEG, "document.extension_mismatch", "扩展名应为.jpg、.jpeg"),
    ],
)
def test_a_refused_file_names_the_field_and_the_rule_and_changes_nothing(
    world, staff, media, name, content, code, message
):
    case = submit(world, staff)
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        case_document_attach(
            case=case, uploaded_file=upload(name, content), kind="medical", by=staff["caseworker"], reason="补充"
        )
    assert (refused.value.field, refused.value.code) == ("documents", code)
    assert message in str(refused.value.message)
    assert counts() == before
    assert files_under(media) == []


def test_the_size_limit_is_a_setting(world, staff, media, settings):
    settings.CASEWORK_UPLOAD_MAX_BYTES = 1536
    case = submit(world, staff)
    with pytest.raises(RuleViolation, match=r"附件：文件不能超过1\.5KB"):
        case_document_attach(
            case=case, uploaded_file=upload("a.pdf", PDF + b"0" * 1500), kind="other", by=staff["caseworker"]
        )
    case_document_attach(case=case, uploaded_file=upload("a.pdf", PDF), kind="other", by=staff["caseworker"])
    assert len(files_under(media)) == 1


def test_an_unknown_kind_is_refused_on_its_field(world, staff, media):
    case = submit(world, staff)
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        case_document_attach(case=case, uploaded_file=upload("a.pdf", PDF), kind="passport", by=staff["caseworker"])
    assert refused.value.field == "kind" and "材料类型：只能是" in str(refused.value.message)
    assert counts() == before and files_under(media) == []


def test_whoever_holds_the_current_step_may_attach_and_no_one_else(world, staff, media, user_with):
    case = submit(world, staff)  # at the home visit: the street caseworker's step
    refused = [staff["chair"], staff["street_approver"], user_with("auditor", world.units["D1"])]
    before = counts()
    for user in refused:
        with pytest.raises(NotAllowed) as answer:
            case_document_attach(case=case, uploaded_file=upload("a.pdf", PDF), kind="other", by=user)
        assert answer.value.code == "case.document_not_your_step", user
    assert counts() == before and files_under(media) == []
    # The unit's evaluation is the chair's step (or the street's for them): now the chair may.
    case = home_visit_done(case, staff)
    document = case_document_attach(case=case, uploaded_file=upload("评议.pdf", PDF), kind="record", by=staff["chair"])
    assert LedgerEntry.objects.latest("seq").actor_role == "enterprise_chair"
    assert document.uploaded_by == staff["chair"]
    for user in (staff["street_approver"], staff["neighbour_chair"]):
        with pytest.raises(NotAllowed):
            case_document_attach(case=case, uploaded_file=upload("a.pdf", PDF), kind="other", by=user)


def test_files_uploaded_with_a_step_are_the_evidence_of_its_one_entry(world, staff, media):
    case = submit(world, staff)
    before = LedgerEntry.objects.count()
    files = [upload("入户照片.jpg", JPEG), upload("调查表.pdf", PDF)]
    task_complete(
        task=open_task(case),
        action="record_home_visit",
        by=staff["caseworker"],
        data={"visited_on": timezone.localdate().isoformat(), "report": "属实"},
        documents=[Attachment(f, "record") for f in files],
    )
    assert LedgerEntry.objects.count() == before + 1
    entry = LedgerEntry.objects.latest("seq")
    assert entry.action == "hardship.record_home_visit"
    documents = list(CaseDocument.objects.filter(case_id=case.pk).order_by("pk"))
    assert [e["sha256"] for e in entry.evidence] == [hashlib.sha256(b).hexdigest() for b in (JPEG, PDF)]
    assert [e["sha256"] for e in entry.evidence] == [d.sha256 for d in documents]
    assert {d.ledger_entry_id for d in documents} == {entry.seq}
    names = {str(documents[0].pk): "入户照片.jpg", str(documents[1].pk): "调查表.pdf"}
    assert entry.personal["document_names"] == names
    assert entry.personal["report"] == "属实"


def test_a_bad_file_with_a_step_refuses_the_whole_step(world, staff, media):
    case = submit(world, staff)
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        task_complete(
            task=open_task(case),
            action="record_home_visit",
            by=staff["caseworker"],
            data={"visited_on": timezone.localdate().isoformat(), "report": "属实"},
            documents=[Attachment(upload("ok.pdf", PDF)), Attachment(upload("virus.pdf", EXE))],
        )
    assert refused.value.field == "documents"
    assert HardshipCase.objects.get(pk=case.pk).state == State.HOME_VISIT
    assert counts() == before and files_under(media) == []
