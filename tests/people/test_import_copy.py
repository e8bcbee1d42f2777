"""PostgreSQL: the member import writes new people with COPY. It must store
exactly what the ORM path (``bulk_create``, still used on SQLite) stores,
and a unique violation must fail the same way and leave nothing behind."""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from casework.ledger.models import LedgerEntry
from casework.org.models import Unit
from casework.people import imports
from casework.people.imports import ImportResult, members_import
from casework.people.models import Person
from casework.people.services import person_register
from notifications.models import OutboxMessage
from tests.people.conftest import STANDARD_EXAMPLE, id_number
from tests.people.importing import HEADER
from tests.services import require_postgres

FROZEN = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
TODAY = date(2024, 5, 6)

# Every kind of value each column can take: CJK, latin and ``·`` names, a
# lower-case ``x``, stated and derived gender, empty and filled mobile,
# employer, date and flag, several categories, and characters COPY escapes.
ROWS = [
    ["张三", STANDARD_EXAMPLE.lower(), "女", "138 1234 5678", "E001", "2010-05-01", "是", "快递员"],
    ["曾小明", id_number(born=date(1980, 1, 2), seq=11), "", "", "", "", "否", ""],
    [
        "阿卜杜拉·买买提",
        id_number(born=date(1975, 6, 30), seq=13),
        "男",
        "+86 139-0000-1111",
        "E002",
        "20000101",
        "",
        "courier",
    ],
    ["John Smith", id_number(born=date(1999, 12, 31), seq=14), "", "", "E001", "2019年3月1日", "1", "外卖送餐员"],
    ["单田芳", id_number(born=date(2001, 2, 28), seq=15), "", "13700000000", "", "", "no", "none"],
    # What COPY's text format must escape: a tab, a newline, a backslash, "\\N".
    ["欧阳\\N\t娜\n娜", id_number(born=date(1990, 3, 7), seq=17), "", "", "", "", "", ""],
]


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def stored_people() -> list[dict[str, Any]]:
    """Every column of every person as the database holds it, but the id."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person ORDER BY id_number")
        names = [column.name for column in cursor.description]
        return [{k: v for k, v in zip(names, row, strict=True) if k != "id"} for row in cursor.fetchall()]


def trail() -> tuple[int, object, int]:
    head = LedgerEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return LedgerEntry.objects.count(), head, OutboxMessage.objects.count()


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bool], list[str]]]:
    """``use(copy)`` selects the insert path and returns the list in which
    each insert records the path it took."""
    taken: list[str] = []
    copy_people = imports._copy_people

    def spy(people: list[Person]) -> None:
        taken.append("copy")
        copy_people(people)

    monkeypatch.setattr(imports, "_copy_people", spy)

    def use(copy: bool) -> list[str]:
        monkeypatch.setattr(imports, "_copy_supported", lambda: copy)
        taken.clear()
        return taken

    yield use


@pytest.mark.django_db
def test_copy_stores_what_the_orm_stores(
    paths: Callable[[bool], list[str]], make_unit: Callable[..., Unit], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_postgres()
    make_unit("E001")
    make_unit("E002")
    registrar = make_unit("REG")
    monkeypatch.setattr(timezone, "now", lambda: FROZEN)  # created_at, and updated_at's auto_now
    data = _csv(ROWS)

    def run(copy: bool) -> tuple[ImportResult, list[dict[str, Any]]]:
        taken = paths(copy)
        result = members_import(data=data, filename="m.csv", by=None, unit=registrar, today=TODAY)
        assert taken == (["copy"] if copy else [])
        people = stored_people()
        Person.objects.all().delete()
        return result, people

    orm_result, orm_people = run(copy=False)
    copy_result, copy_people = run(copy=True)

    assert orm_result.errors == [] and orm_result.counts() == copy_result.counts()
    assert copy_result.created == len(ROWS)
    assert len(copy_people[0]) == len(Person._meta.concrete_fields) - 1  # every column but the id
    assert copy_people == orm_people
    # The values themselves, so equal-but-wrong cannot pass.
    zhang = next(p for p in copy_people if p["id_number"] == STANDARD_EXAMPLE)
    assert zhang["registered_unit_id"] == registrar.pk and zhang["created_at"] == zhang["updated_at"] == FROZEN
    assert (zhang["mobile"], zhang["name_initials"], zhang["gender"]) == ("13812345678", "zs", "female")
    assert (zhang["member_since"], zhang["is_migrant_worker"], zhang["new_form_category"]) == (
        date(2010, 5, 1),
        True,
        "courier",
    )
    assert {p["name_initials"] for p in copy_people} >= {"zxm", "abdlmmt", "js", "stf"}
    assert [p["member_since"] for p in copy_people if p["name"] == "曾小明"] == [None]
    assert "欧阳\\N\t娜\n娜" in {p["name"] for p in copy_people}


@pytest.mark.django_db
@pytest.mark.parametrize("copy", [False, True], ids=["orm", "copy"])
def test_unique_violation_changes_nothing_and_fails_alike(
    copy: bool, paths: Callable[[bool], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A number registered after the prefetch, on the first try and the retry
    alike (the prefetch is made blind to it): the batch fails with Django's
    IntegrityError naming the unique constraint, on either path."""
    require_postgres()
    taken = paths(copy)
    person_register(by=None, name="张三", id_number=STANDARD_EXAMPLE, is_member=True)
    before_people, before_trail = stored_people(), trail()
    monkeypatch.setattr(imports, "_existing_people", lambda numbers: {})
    rows = [["李四", id_number(seq=31)], ["张三", STANDARD_EXAMPLE], ["王五", id_number(seq=33)]]
    data = _csv(rows, header=["name", "id_number"])

    with pytest.raises(IntegrityError) as caught:
        members_import(data=data, filename="m.csv", by=None)

    assert taken == (["copy", "copy"] if copy else [])  # the first try and the retry
    cause = caught.value.__cause__
    assert isinstance(cause, psycopg.errors.UniqueViolation)
    assert cause.diag.constraint_name == "people_person_id_number_key"
    assert str(caught.value).splitlines()[0] == (
        'duplicate key value violates unique constraint "people_person_id_number_key"'
    )
    assert f"Key (id_number)=({STANDARD_EXAMPLE}) already exists." in str(caught.value)
    # The test's own transaction is still usable: only the batch rolled back.
    assert stored_people() == before_people
    assert trail() == before_trail


@pytest.mark.django_db(transaction=True)
def test_registration_racing_the_copy_is_retried(paths: Callable[[bool], list[str]]) -> None:
    """A registration committed while the batch's COPY waits on it: the
    batch rolls back, is retried, and finds the person as existing."""
    require_postgres()
    taken = paths(True)
    racing = id_number(seq=41)
    inserted = threading.Event()
    failures: list[BaseException] = []

    def register() -> None:
        try:
            with transaction.atomic():
                person_register(by=None, name="张三", id_number=racing)
                inserted.set()
                # Commit only once the import waits for this transaction
                # (its insert of the same number blocks on our uncommitted row).
                deadline = time.monotonic() + 20
                with connection.cursor() as cursor:
                    while time.monotonic() < deadline:
                        cursor.execute(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted "
                            "AND transactionid = pg_current_xact_id()::xid"
                        )
                        if cursor.fetchone()[0]:
                            break
                        time.sleep(0.02)
                    else:
                        raise AssertionError("the import never waited on the racing row")
        except BaseException as exc:
            failures.append(exc)
            inserted.set()
        finally:
            connection.close()

    thread = threading.Thread(target=register)
    thread.start()
    assert inserted.wait(20)
    data = _csv([["李四", racing], ["王五", id_number(seq=43)]], header=["name", "id_number"])
    result = members_import(data=data, filename="m.csv", by=None)
    thread.join(20)
    assert not failures, failures
    assert taken == ["copy", "copy"]  # the first try failed on the racing row
    assert (result.created, result.updated, result.ledger_entries) == (1, 1, 1)
    person = Person.objects.get(id_number=racing)
    assert (person.name, person.is_member) == ("李四", True)
    assert LedgerEntry.objects.filter(action="people.members_imported").count() == 1
    assert LedgerEntry.objects.filter(action="person.registered").count() == 1
