"""``ledger_appends_last``: a step's entry waits for the end of its block,
so the chain's lock (held until commit) is taken as late as possible, while
the trail keeps the order in which things happened."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from casework.ledger.models import LedgerEntry
from casework.ledger.services import ledger_append, ledger_appends_last, ledger_later

pytestmark = pytest.mark.django_db


def put_off(action: str) -> None:
    ledger_later(lambda: ledger_append(action=action, subject=("x.thing", "1")))


def actions() -> list[str]:
    return list(LedgerEntry.objects.order_by("seq").values_list("action", flat=True))


def test_outside_a_block_a_record_is_written_at_once():
    put_off("x.now")
    assert actions() == ["x.now"]


def test_inside_a_block_records_wait_for_its_end_in_their_order():
    with ledger_appends_last(transaction.atomic()):
        put_off("x.first")
        put_off("x.second")
        assert actions() == []
    assert actions() == ["x.first", "x.second"]


def test_an_append_made_at_once_comes_after_what_was_put_off_before_it():
    with ledger_appends_last(transaction.atomic()):
        put_off("x.step")
        ledger_append(action="x.other", subject=("x.thing", "1"))
        put_off("x.later_step")
    assert actions() == ["x.step", "x.other", "x.later_step"]


def test_a_nested_block_left_by_an_error_drops_only_its_own_records():
    with ledger_appends_last(transaction.atomic()):
        put_off("x.kept")
        with pytest.raises(RuntimeError), ledger_appends_last(transaction.atomic()):
            put_off("x.rolled_back")
            raise RuntimeError("the inner step failed")
        put_off("x.after")
    assert actions() == ["x.kept", "x.after"]


def test_a_block_left_by_an_error_writes_nothing():
    with pytest.raises(RuntimeError), ledger_appends_last(transaction.atomic()):
        put_off("x.never")
        raise RuntimeError("the step failed")
    assert actions() == []


def test_what_was_put_off_is_written_inside_the_block_s_own_transaction():
    seen: dict[str, tuple] = {}
    with ledger_appends_last(transaction.atomic()):
        seen["block"] = tuple(connection.savepoint_ids)

        def record() -> LedgerEntry:
            seen["record"] = tuple(connection.savepoint_ids)
            return ledger_append(action="x.step", subject=("x.thing", "1"))

        ledger_later(record)
    assert seen["record"] == seen["block"]  # before the block's savepoint (or transaction) closed


def test_an_entry_written_inside_a_savepoint_opened_since_keeps_its_place():
    with ledger_appends_last(transaction.atomic()):
        put_off("x.step")
        with transaction.atomic():  # a service of the step appending in its own savepoint
            ledger_append(action="x.other", subject=("x.thing", "1"))
    assert actions() == ["x.step", "x.other"]


def test_a_step_whose_entry_rolled_back_with_such_a_savepoint_fails_whole():
    with pytest.raises(RuntimeError, match="rolled back"), ledger_appends_last(transaction.atomic()):
        put_off("x.step")
        with pytest.raises(ValueError), transaction.atomic():
            ledger_append(action="x.other", subject=("x.thing", "1"))
            raise ValueError("the service failed and its caller went on")
    assert actions() == []
