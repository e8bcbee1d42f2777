"""The integrity check: each kind of tampering caught by the check, by the
offline check of a pack made before it, and shown on the auditors' page."""

from __future__ import annotations

import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from casework.audit.integrity import integrity_check_run
from casework.audit.models import IntegrityCheck
from casework.audit.packs import evidence_pack_of_case, pack_check, pack_json
from casework.cases.documents import CaseDocument
from casework.celery import app as celery_app
from casework.ledger.models import LedgerEntry
from notifications.models import OutboxMessage
from tests.audit.conftest import the_document
from tests.ledger.conftest import triggers_disabled


def case_entries(case) -> list[int]:
    return list(
        LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).values_list("seq", flat=True)
    )


def alter_payload(case) -> int:
    seq = case_entries(case)[2]
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=seq).update(payload={"number": "困2026-999999"})
    return seq


def delete_entry(case) -> int:
    seq = case_entries(case)[3]  # the end of the notice: no document names it
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=seq).delete()
    return seq


def insert_entry(case) -> int:
    """A forged approval slipped in after the case's second entry: every later
    entry is renumbered one up, the forgery takes the freed number."""
    seq = case_entries(case)[1] + 1
    with triggers_disabled(), transaction.atomic():
        for later in LedgerEntry.objects.filter(seq__gte=seq).order_by("-seq").values_list("seq", flat=True):
            LedgerEntry.objects.filter(seq=later).update(seq=later + 1)
        forged = LedgerEntry.objects.get(seq=seq - 1)
        forged.seq, forged.action, forged.hash = seq, "hardship.approve", "f" * 64
        forged.save(force_insert=True)
    return seq


def edit_evidence_file(case) -> int:
    document = the_document(case)
    with default_storage.open(document.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 a different letter\n")
    assert document.ledger_entry_id is not None
    return document.ledger_entry_id  # the entry the document came with: the first to cite it


TAMPERING = {
    "altered payload": (alter_payload, "hash"),
    "deleted entry": (delete_entry, "missing"),
    "inserted entry": (insert_entry, "prev_hash"),
    "edited evidence file": (edit_evidence_file, "evidence_file"),
}


def run_command(*args: str) -> tuple[int, dict]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("ledger_verify", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue().strip().splitlines()[-1])


def test_an_intact_ledger_passes_everywhere(evidenced_case, auditors, client, tmp_path):
    pack = tmp_path / "pack.json"
    pack.write_bytes(pack_json(evidence_pack_of_case(evidenced_case)))
    code, summary = run_command()
    assert code == 0 and summary["ok"] and summary["files_checked"] == 1 and summary["files_bad"] == []
    assert summary["head_seq"] == LedgerEntry.objects.count() == summary["entries"]
    code, checked = run_command("--pack", str(pack))
    assert code == 0 and checked["ok"] and checked["problems"] == []
    client.force_login(auditors["district"])
    page = client.get(reverse("audit:home")).content.decode()
    assert "完好" in page and "发现异常" not in page


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_tampering_is_caught_by_the_check_by_the_pack_and_on_the_page(kind, evidenced_case, auditors, client, tmp_path):
    pack = tmp_path / "pack.json"
    pack.write_bytes(pack_json(evidence_pack_of_case(evidenced_case)))
    tamper, problem = TAMPERING[kind]
    seq = tamper(evidenced_case)

    code, summary = run_command()
    assert code == 1
    assert (summary["ok"], summary["first_bad"], summary["problem"]) == (False, seq, problem)

    code, checked = run_command("--pack", str(pack))
    assert code == 1 and checked["ok"] is False
    assert any(p["seq"] == seq for p in checked["problems"]) or checked["chain"]["first_bad"] == seq

    client.force_login(auditors["district"])
    page = client.get(reverse("audit:home")).content.decode()
    assert f"第{seq}条记录（{problem}）" in page


def test_each_tampering_names_its_own_problem_in_the_pack_check(evidenced_case, tmp_path):
    pack = evidence_pack_of_case(evidenced_case)
    seq = alter_payload(evidenced_case)
    assert {"seq": seq, "problem": "changed"} in pack_check(pack).problems


def test_a_removed_entry_is_missing_from_the_pack_check(evidenced_case):
    pack = evidence_pack_of_case(evidenced_case)
    seq = delete_entry(evidenced_case)
    assert {"seq": seq, "problem": "missing"} in pack_check(pack).problems


def test_an_inserted_entry_shows_as_changed_entries_in_the_pack_check(evidenced_case):
    pack = evidence_pack_of_case(evidenced_case)
    seq = insert_entry(evidenced_case)
    problems = pack_check(pack).problems
    # The forgery took the number of the case's next entry, renumbered away.
    assert {"seq": seq, "problem": "changed"} in problems


def test_an_edited_file_is_named_by_the_pack_check(evidenced_case):
    pack = evidence_pack_of_case(evidenced_case)
    seq = edit_evidence_file(evidenced_case)
    assert {"seq": seq, "problem": "evidence_changed", "document": the_document(evidenced_case).pk} in (
        pack_check(pack).problems
    )


def test_an_edited_pack_is_caught_as_altered(evidenced_case):
    pack = evidence_pack_of_case(evidenced_case)
    pack["entries"][0]["action"] = "hardship.withdraw"
    assert pack_check(pack).problems[0] == {"seq": pack["entries"][0]["seq"], "problem": "pack_altered"}


def test_removing_the_newest_entries_is_caught_by_the_head_a_check_kept(evidenced_case):
    first = integrity_check_run(trigger=IntegrityCheck.Trigger.COMMAND)
    assert first.ok and first.head_seq == LedgerEntry.objects.count()
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=first.head_seq).delete()
    second = integrity_check_run(trigger=IntegrityCheck.Trigger.COMMAND)
    assert (second.ok, second.problem, second.first_bad) == (False, "head_lost", first.head_seq)
    assert second.head_lost["check"] == first.pk


def test_a_failure_notifies_the_districts_auditors_and_administrators(evidenced_case, auditors, world, user_with):
    admin = user_with("administrator", world.units["D1"])
    alter_payload(evidenced_case)
    before = OutboxMessage.objects.count()
    check = integrity_check_run(trigger=IntegrityCheck.Trigger.NIGHTLY)
    told = set(
        OutboxMessage.objects.filter(event="ledger.integrity_failed", subject_id=str(check.pk)).values_list(
            "recipient_id", flat=True
        )
    )
    # The street auditors are not the district's: they are not told.
    assert told == {auditors["district"].pk, admin.pk}
    assert OutboxMessage.objects.count() == before + 2


def test_a_passing_check_tells_nobody(evidenced_case, auditors):
    before = OutboxMessage.objects.count()
    assert integrity_check_run(trigger=IntegrityCheck.Trigger.NIGHTLY).ok
    assert OutboxMessage.objects.count() == before


def test_the_auditor_runs_the_check_from_the_page_and_sees_it_kept(
    evidenced_case, auditors, client, django_capture_on_commit_callbacks
):
    client.force_login(auditors["street"])
    # Run here, not sent to a broker no worker of this test reads (CI has Redis).
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("audit:integrity-run"))
    finally:
        celery_app.conf.task_always_eager = eager
    assert response.status_code == 302
    check = IntegrityCheck.objects.get()
    assert (check.trigger, check.requested_by, check.ok) == ("on_demand", auditors["street"], True)
    page = client.get(reverse("audit:home")).content.decode()
    assert f"#{check.head_seq}" in page and "审计人员发起" in page


def test_someone_who_does_not_read_the_trail_cannot_run_it(evidenced_case, staff, client):
    client.force_login(staff["caseworker"])
    assert client.post(reverse("audit:integrity-run")).status_code == 403
    assert client.get(reverse("audit:home")).status_code == 403
    assert not IntegrityCheck.objects.exists()


def test_a_personal_part_cleared_outside_a_purge_is_caught(evidenced_case):
    # The one UPDATE the ledger's trigger lets through is the purge's; done
    # by anyone else, no "person.purged" entry lists the entry it cleared.
    seq = case_entries(evidenced_case)[0]
    LedgerEntry.objects.filter(seq=seq).update(reason="", personal={}, personal_salt="")
    check = integrity_check_run(trigger=IntegrityCheck.Trigger.COMMAND)
    assert (check.ok, check.first_bad, check.problem) == (False, seq, "personal_cleared")


def test_a_pack_whose_file_list_was_edited_still_checks_the_files_its_entries_cite(evidenced_case):
    pack = evidence_pack_of_case(evidenced_case)
    seq = edit_evidence_file(evidenced_case)
    pack["documents"] = []  # the list no hash covers
    problems = pack_check(pack).problems
    assert {"seq": 0, "problem": "pack_altered"} in problems
    assert {"seq": seq, "problem": "evidence_changed", "document": the_document(evidenced_case).pk} in problems


def test_marking_a_document_purged_does_not_hide_its_changed_file(evidenced_case):
    # Only a purge's own entry in the chain excuses a file; the row's flag does not.
    document = the_document(evidenced_case)
    CaseDocument.objects.filter(pk=document.pk).update(purged_at=timezone.now())
    seq = edit_evidence_file(evidenced_case)
    check = integrity_check_run(trigger=IntegrityCheck.Trigger.COMMAND)
    assert (check.ok, check.first_bad, check.problem) == (False, seq, "evidence_file")


def test_a_value_written_into_a_cleared_entry_is_caught(evidenced_case):
    seq = case_entries(evidenced_case)[0]
    with triggers_disabled():  # PostgreSQL's trigger refuses this UPDATE: an intruder goes round it
        LedgerEntry.objects.filter(seq=seq).update(reason="后来补写的理由", personal={}, personal_salt="")
    check = integrity_check_run(trigger=IntegrityCheck.Trigger.COMMAND)
    assert (check.ok, check.first_bad, check.problem) == (False, seq, "personal:cleared_not_empty")


def test_a_pack_check_fails_on_a_personal_part_cleared_outside_a_purge(evidenced_case):
    pack = evidence_pack_of_case(evidenced_case)
    seq = case_entries(evidenced_case)[0]
    LedgerEntry.objects.filter(seq=seq).update(reason="", personal={}, personal_salt="")
    checked = pack_check(pack)
    assert checked.ok is False
    assert (checked.chain["first_bad"], checked.chain["problem"]) == (seq, "personal_cleared")
