"""Every kind of tampering is caught and the first bad sequence number named."""

import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from casework.ledger.models import LedgerEntry
from casework.ledger.verify import ledger_verify
from tests.ledger.conftest import triggers_disabled
from tests.services import require_postgres


def run_command() -> tuple[int, dict]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("ledger_verify", stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue().strip().splitlines()[-1])


def test_intact_chain_exits_zero(five_entries):
    code, summary = run_command()
    assert code == 0
    assert summary["ok"] is True and summary["entries"] == 5 and summary["first_bad"] is None
    assert "seconds" in summary


def test_altered_payload_is_caught(five_entries):
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=3).update(payload={"batch": 3, "amount": "99.50"})
    code, summary = run_command()
    assert code == 1
    assert summary["ok"] is False and summary["first_bad"] == 3 and summary["problem"] == "hash"


def test_altered_reason_is_caught_through_its_digest(five_entries):
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=4).update(reason="改过的理由")
    result = ledger_verify()
    assert (result.ok, result.first_bad, result.problem) == (False, 4, "personal:reason")


def test_altered_personal_field_is_caught(five_entries):
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=2).update(personal={"name": "李四", "id_number": "11010519491231002X"})
    result = ledger_verify()
    assert (result.first_bad, result.problem) == (2, "personal:name")


def test_deleted_entry_is_caught(five_entries):
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=3).delete()
    code, summary = run_command()
    assert code == 1
    assert summary["first_bad"] == 3 and summary["problem"] == "missing"


def test_deleted_last_entry_changes_the_head(five_entries):
    # Removing the newest entry leaves a valid shorter chain: only a head
    # recorded earlier (the auditors' nightly check keeps it) reveals it.
    head_before = ledger_verify().head
    with triggers_disabled():
        LedgerEntry.objects.filter(seq=5).delete()
    result = ledger_verify()
    assert result.entries == 4 and result.head != head_before


def test_reordered_entries_are_caught(five_entries):
    with triggers_disabled(), transaction.atomic():
        LedgerEntry.objects.filter(seq=2).update(seq=-2)
        LedgerEntry.objects.filter(seq=3).update(seq=2)
        LedgerEntry.objects.filter(seq=-2).update(seq=3)
    result = ledger_verify()
    assert (result.ok, result.first_bad, result.problem) == (False, 2, "prev_hash")


def test_inserted_entry_is_caught(five_entries):
    with triggers_disabled(), transaction.atomic():
        for seq in (5, 4, 3):
            LedgerEntry.objects.filter(seq=seq).update(seq=seq + 1)
        forged = LedgerEntry.objects.get(seq=2)
        forged.seq, forged.hash, forged.action = 3, "f" * 64, "forged"
        forged.save(force_insert=True)
    result = ledger_verify()
    assert (result.ok, result.first_bad) == (False, 3)


def test_postgres_refuses_update_and_delete(five_entries):
    require_postgres()
    for attempt in (
        lambda: LedgerEntry.objects.filter(seq=1).update(reason="x"),
        lambda: LedgerEntry.objects.filter(seq=1).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert LedgerEntry.objects.count() == 5
    assert ledger_verify().ok


@pytest.mark.django_db
def test_values_the_fast_encoder_spells_differently_still_verify():
    """The check encodes with orjson first; a float exponent and an integer
    beyond 64 bits are spelled otherwise by the canonical encoder, which
    made the hashes: the check falls back to it and passes, and still
    catches a change to such an entry."""
    from casework.ledger import chain
    from casework.ledger.services import ledger_append

    odd = {"ratio": 1e-07, "big": 2**70}
    assert list(chain.encodings(odd)) == [chain.canonical(odd)]  # orjson refuses the big integer
    assert next(chain.encodings({"ratio": 1e-07})) != chain.canonical({"ratio": 1e-07})
    with transaction.atomic():
        ledger_append(action="test.odd", subject=("test", "1"), payload=odd, personal={"score": 1e-07})
        ledger_append(action="test.odd", subject=("test", "2"), payload={"ratio": 2.5e-08})
    assert ledger_verify().ok
    with triggers_disabled():
        LedgerEntry.objects.filter(action="test.odd", subject_id="2").update(payload={"ratio": 2.5e-09})
    result = ledger_verify()
    assert not result.ok and result.problem == "hash"
