import itertools
from decimal import Decimal

import pytest
from django.db import transaction

from casework.ledger import chain
from casework.ledger.models import LedgerEntry
from casework.ledger.services import ledger_append
from casework.ledger.verify import ledger_verify


def test_entries_chain_in_sequence(five_entries):
    assert [e.seq for e in five_entries] == [1, 2, 3, 4, 5]
    assert five_entries[0].prev_hash == chain.GENESIS_HASH
    for before, after in itertools.pairwise(five_entries):
        assert after.prev_hash == before.hash
    result = ledger_verify()
    assert (result.ok, result.entries, result.first_bad) == (True, 5, None)
    assert result.head == five_entries[-1].hash


def test_stored_entry_recomputes_to_its_hash(five_entries):
    # What comes back from the database hashes to what was computed before
    # saving: JSON round trips (Decimal, dates, key order) must not drift.
    stored = LedgerEntry.objects.get(seq=3)
    assert chain.entry_hash(stored) == five_entries[2].hash


@pytest.mark.django_db
def test_decimals_and_dates_are_stored_as_hashed():
    import datetime

    entry = ledger_append(
        action="payment.recorded",
        subject=("x.payment", "1"),
        payload={"amount": Decimal("1200.10"), "paid_on": datetime.date(2026, 2, 3)},
    )
    stored = LedgerEntry.objects.get(seq=entry.seq)
    assert stored.payload == {"amount": "1200.10", "paid_on": "2026-02-03"}
    assert ledger_verify().ok


def test_personal_data_enters_the_hash_only_as_digests(five_entries):
    entry = five_entries[0]
    form = chain.canonical(chain.hashed_form(entry)).decode()
    assert "张1" not in form and "登记第1人" not in form
    assert set(entry.personal_digests) == {"name", "id_number", "reason"}


def test_purged_personal_data_keeps_the_chain_valid(five_entries):
    # Simulates the later purge: the values and the salt go, digests stay.
    entry = LedgerEntry.objects.get(seq=2)
    entry.reason, entry.personal, entry.personal_salt = "", {}, ""
    assert chain.entry_hash(entry) == entry.hash
    assert chain.personal_mismatch(entry) is None


@pytest.mark.django_db
def test_rolled_back_append_leaves_no_gap():
    ledger_append(action="a", subject=("x.y", "1"))
    with pytest.raises(RuntimeError), transaction.atomic():
        ledger_append(action="b", subject=("x.y", "2"))
        raise RuntimeError("the caller's rule failed")
    third = ledger_append(action="c", subject=("x.y", "3"))
    assert third.seq == 2
    assert ledger_verify().ok
