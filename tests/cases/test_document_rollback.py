"""A stored file goes when its transaction rolls back, whoever made it roll
back; it stays when the transaction commits. ``documents_check`` finds
missing, changed and orphan files."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from casework.cases import services as case_services
from casework.cases.documents import Attachment, CaseDocument, atomic_with_files, documents_store
from casework.cases.services import case_document_attach
from casework.cases.tasks import DECIDERS, task_complete
from casework.hardship import services as hardship_services
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from tests.cases.conftest import JPEG, PDF, PNG, counts, files_under, upload
from tests.hardship.conftest import open_task
from tests.hardship.test_flow import submit


def attach(case, by, name="a.pdf", content=PDF):
    return case_document_attach(case=case, uploaded_file=upload(name, content), kind="other", by=by)


def home_visit(case, by, *documents):
    return task_complete(
        task=open_task(case),
        action="record_home_visit",
        by=by,
        data={"visited_on": timezone.localdate().isoformat(), "report": "属实"},
        documents=[Attachment(upload(name, content)) for name, content in documents],
    )


def test_a_failure_after_the_file_was_written_removes_it(world, staff, media, monkeypatch):
    case = submit(world, staff)
    before = counts()

    def broken(**kwargs):
        assert len(files_under(media)) == 1  # the file was written, then the append failed
        raise RuntimeError("disk full")

    monkeypatch.setattr(case_services, "ledger_append", broken)
    with pytest.raises(RuntimeError):
        attach(case, staff["caseworker"])
    assert counts() == before and files_under(media) == []


def test_a_rule_broken_after_the_step_stored_its_files_removes_them(world, staff, media, monkeypatch):
    case = submit(world, staff)
    before = counts()

    def refuse(*args, **kwargs):
        raise hardship_services.RuleViolation("测试：规则不通过。", code="test", field="report")

    monkeypatch.setattr(hardship_services, "_apply", refuse)  # runs after case_step returned
    with pytest.raises(hardship_services.RuleViolation):
        home_visit(case, staff["caseworker"], ("a.pdf", PDF), ("b.png", PNG))
    assert counts() == before and files_under(media) == []
    assert HardshipCase.objects.get(pk=case.pk).state == State.HOME_VISIT


def test_a_failure_in_the_flow_after_the_decision_removes_the_steps_files(world, staff, media, monkeypatch):
    case = submit(world, staff)
    before = counts()
    decide = DECIDERS["hardship"]

    def decide_then_fail(**kwargs):
        decide(**kwargs)  # its own block succeeded: the files belong to task_complete's now
        assert len(files_under(media)) == 1
        raise RuntimeError("viewflow could not route")

    monkeypatch.setitem(DECIDERS, "hardship", decide_then_fail)
    with pytest.raises(RuntimeError):
        home_visit(case, staff["caseworker"], ("a.jpg", JPEG))
    assert counts() == before and files_under(media) == []


def test_an_inner_block_that_rolls_back_removes_only_its_own_files(world, staff, media):
    case = submit(world, staff)
    with atomic_with_files():
        kept = attach(case, staff["caseworker"], "kept.pdf")
        with pytest.raises(RuntimeError), atomic_with_files():
            attach(case, staff["caseworker"], "dropped.pdf")
            raise RuntimeError("inner")
    assert [p.name for p in files_under(media)] == [kept.stored_name]
    assert list(CaseDocument.objects.values_list("original_name", flat=True)) == ["kept.pdf"]


def test_a_block_marked_for_rollback_removes_its_files(world, staff, media):
    case = submit(world, staff)
    with atomic_with_files():
        attach(case, staff["caseworker"])
        transaction.set_rollback(True)
    assert files_under(media) == [] and not CaseDocument.objects.exists()


def test_storing_outside_atomic_with_files_is_a_programming_error(world, staff, media):
    from casework.cases.documents import document_check

    checked = [document_check(Attachment(upload("a.pdf", PDF)))]
    with pytest.raises(RuntimeError, match="atomic_with_files"), transaction.atomic():
        documents_store(case=submit(world, staff), checked=checked, by=staff["caseworker"])
    assert files_under(media) == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_file_stays_and_a_rolled_back_one_goes(world, staff, media, migration_rows):
    case = submit(world, staff)
    document = attach(case, staff["caseworker"], "committed.pdf")
    assert not transaction.get_connection().in_atomic_block  # really committed
    with pytest.raises(RuntimeError), atomic_with_files():
        attach(case, staff["caseworker"], "rolled-back.pdf")
        raise RuntimeError("after the attach")
    assert [p.name for p in files_under(media)] == [document.stored_name]
    assert CaseDocument.objects.get().pk == document.pk


def check(*args: str) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command("documents_check", *args, stdout=out, stderr=StringIO())
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, json.loads(out.getvalue())


def test_documents_check_finds_changed_missing_and_orphan_files(world, staff, media):
    case = submit(world, staff)
    first, second = attach(case, staff["caseworker"], "1.pdf"), attach(case, staff["caseworker"], "2.png", PNG)
    code, result = check()
    assert code == 0 and result["documents"] == 2 and result["ok"]
    (media / first.file.name).write_bytes(PDF + b"changed")
    (media / second.file.name).unlink()
    orphan = media / "documents" / "left-over.pdf"
    orphan.write_bytes(PDF)
    code, result = check()
    assert code == 1 and result["changed"] == [first.pk] and result["missing"] == [second.pk]
    assert result["orphans"] == ["documents/left-over.pdf"] and result["removed"] == 0
    assert check("--remove-orphans")[1]["removed"] == 0  # younger than a day: perhaps still in a transaction
    assert check("--remove-orphans", "--older-than-hours", "0")[1]["removed"] == 1
    assert not orphan.exists()
