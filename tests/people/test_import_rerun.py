"""import_members is idempotent: re-running changes nothing and writes no
ledger entry; a changed row updates only what changed; one entry per batch."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.ledger.models import LedgerEntry
from casework.org.models import Unit
from casework.people.models import Person
from casework.people.services import person_register
from tests.people.conftest import id_number
from tests.people.importing import run_import, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def many(n: int) -> list[list[str]]:
    return [
        [
            f"会员{i}",
            id_number(born=date(1970 + i % 30, 1 + i % 12, 1 + i % 28), seq=i % 1000),
            "",
            f"139{i:08d}",
            "E001",
            "2015-01-01",
            "否",
            "none",
        ]
        for i in range(n)
    ]


@pytest.fixture(autouse=True)
def unit(make_unit: Callable[..., Unit]) -> Unit:
    return make_unit("E001")


def state() -> tuple[list[tuple[str, object]], int]:
    return list(
        Person.objects.order_by("id_number").values_list("id_number", "updated_at")
    ), LedgerEntry.objects.count()


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_rerun_changes_nothing(tmp_path: Path, writer: Callable[..., Path]) -> None:
    path = writer(tmp_path / f"m.{'csv' if writer is write_csv else 'xlsx'}", many(25))
    first = run_import(path, "--batch-size", "10")
    assert first.ok and first.counts()["created"] == 25 and first.counts()["ledger_entries"] == 3
    before = state()
    again = run_import(path, "--batch-size", "10")
    assert again.ok
    assert again.counts() == {
        "rows": 25,
        "created": 0,
        "updated": 0,
        "unchanged": 25,
        "rejected": 0,
        "ledger_entries": 0,
    }
    assert state() == before


def test_changed_row_updates_only_that_person(tmp_path: Path, make_unit: Callable[..., Unit]) -> None:
    rows = many(5)
    run_import(write_csv(tmp_path / "a.csv", rows))
    before = dict(Person.objects.values_list("id_number", "updated_at"))
    entries = LedgerEntry.objects.count()
    make_unit("E002")
    rows[2][3] = "13700000000"
    rows[2][4] = "E002"
    run = run_import(write_csv(tmp_path / "b.csv", rows))
    assert run.counts()["updated"] == 1 and run.counts()["unchanged"] == 4
    changed = Person.objects.get(id_number=rows[2][1])
    assert changed.mobile == "13700000000" and changed.employer is not None and changed.employer.code == "E002"
    after = dict(Person.objects.values_list("id_number", "updated_at"))
    assert [n for n in after if after[n] != before[n]] == [rows[2][1]]
    assert LedgerEntry.objects.count() == entries + 1
    entry = LedgerEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.payload["changed_fields"] == {"employer": 1, "mobile": 1}
    assert entry.personal == {"created_id_numbers": [], "updated_id_numbers": [rows[2][1]]}


def test_ledger_entry_per_batch_keeps_numbers_personal(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", many(7))
    run_import(path, "--batch-size", "4")
    entries = list(LedgerEntry.objects.order_by("seq"))
    assert [e.payload["created"] for e in entries] == [4, 3]
    assert [(e.payload["first_row"], e.payload["last_row"]) for e in entries] == [(2, 5), (6, 8)]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert all(e.subject_type == "people.import" and e.subject_id == digest for e in entries)
    assert all(e.payload["file_sha256"] == digest for e in entries)
    numbers = [n for e in entries for n in e.personal["created_id_numbers"]]
    assert sorted(numbers) == sorted(r[1] for r in many(7))
    payloads = json.dumps([e.payload for e in entries], ensure_ascii=False)
    assert not any(n in payloads for n in numbers) and "会员" not in payloads


def test_absent_column_is_left_alone_empty_cell_clears(tmp_path: Path, clerk: object) -> None:
    number = id_number(seq=21)
    person_register(
        by=None, name="张三", id_number=number, mobile="13812345678", is_member=True, member_since=date(2001, 1, 1)
    )
    run = run_import(write_csv(tmp_path / "a.csv", [["张三", number]], header=["姓名", "身份证号"]))
    assert run.counts()["unchanged"] == 1
    assert Person.objects.get().mobile == "13812345678"
    run = run_import(
        write_csv(tmp_path / "b.csv", [["张三", number, "", ""]], header=["姓名", "身份证号", "手机号", "入会日期"])
    )
    assert run.counts()["updated"] == 1
    person = Person.objects.get()
    assert (person.mobile, person.member_since) == ("", None)


def test_non_member_becomes_member(tmp_path: Path) -> None:
    number = id_number(seq=23)
    person_register(by=None, name="张三", id_number=number)
    run = run_import(write_csv(tmp_path / "a.csv", [["张三", number]], header=["name", "id_number"]))
    assert run.counts()["updated"] == 1 and Person.objects.get().is_member is True


def test_queries_grow_with_batches_not_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", many(300))
    with CaptureQueriesContext(connection) as queries:
        assert run_import(path, "--batch-size", "100").ok
    # Per batch: savepoint, prefetch, insert(s), ledger lock/head/insert; plus the unit lookup.
    assert Person.objects.count() == 300
    assert len(queries) < 40, [q["sql"][:80] for q in queries]


def test_xlsx_numeric_id_cell_is_explained(tmp_path: Path) -> None:
    number = id_number(seq=25)
    path = write_xlsx(
        tmp_path / "n.xlsx", [["张三", int(number)], ["李四", id_number(seq=27)]], header=["姓名", "身份证号"]
    )
    run = run_import(path)
    assert not run.ok
    [line] = run.error_lines()
    assert line.startswith("第2行［身份证号］") and "people.id_number_numeric_cell" in line and "文本" in line
    assert Person.objects.count() == 1


def test_xlsx_dates_and_chinese_headers(tmp_path: Path) -> None:
    number = id_number(seq=29)
    header = ["姓名", "身份证号", "性别", "手机号", "单位代码", "入会日期", "农民工", "新就业形态"]
    path = write_xlsx(
        tmp_path / "c.xlsx", [["张三", number, "男", 13812345678, "E001", date(2012, 3, 4), "是", "外卖送餐员"]], header
    )
    assert run_import(path).ok
    person = Person.objects.get()
    assert (person.mobile, person.member_since, person.is_migrant_worker) == ("13812345678", date(2012, 3, 4), True)
    assert person.new_form_category == "food_delivery"


def test_update_of_every_kind_of_column(tmp_path: Path) -> None:
    # Text, derived text, date, boolean, choice and NULL: the PostgreSQL path casts each.
    rows = many(3)
    run_import(write_csv(tmp_path / "a.csv", rows))
    rows[0][0], rows[0][5], rows[0][6], rows[0][7] = "李四", "2016-02-29", "是", "保安员"
    rows[1][5], rows[1][4] = "", ""
    run = run_import(write_csv(tmp_path / "b.csv", rows))
    assert run.counts()["updated"] == 2
    first = Person.objects.get(id_number=rows[0][1])
    assert (first.name, first.name_initials, first.member_since) == ("李四", "ls", date(2016, 2, 29))
    assert (first.is_migrant_worker, first.new_form_category) == (True, "security_guard")
    second = Person.objects.get(id_number=rows[1][1])
    assert (second.member_since, second.employer) == (None, None)
    third = Person.objects.get(id_number=rows[2][1])
    assert third.name == "会员2" and third.member_since == date(2015, 1, 1)
