"""import_members: every bad row reported with its number, field and rule;
good rows imported; duplicates in a file; header handling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from casework.ledger.models import LedgerEntry
from casework.org.models import Unit
from casework.people.models import Person
from tests.people.conftest import STANDARD_EXAMPLE, id_number, with_wrong_check
from tests.people.importing import run_import, write_csv

pytestmark = pytest.mark.django_db

A = id_number(born=date(1980, 1, 2), seq=11)
B = id_number(born=date(1981, 2, 3), seq=12)
C = id_number(born=date(1982, 3, 4), seq=13)


@pytest.fixture
def units(make_unit: Callable[..., Unit]) -> None:
    make_unit("E001")
    make_unit("GONE", closed_on=date(2020, 1, 1))


def test_mixed_file_reports_every_bad_row_and_imports_the_good(tmp_path: Path, units: None) -> None:
    rows = [
        ["张三", STANDARD_EXAMPLE.lower(), "女", "13812345678", "E001", "2010-05-01", "是", "快递员"],  # 2 good
        ["李四", with_wrong_check(A), "", "", "", "", "", ""],  # 3 check digit
        ["王五", B, "", "12345", "", "", "", ""],  # 4 mobile
        ["赵六", "440524800101001", "", "", "", "", "", ""],  # 5 legacy
        ["钱七", C, "男", "", "NOPE", "", "", ""],  # 6 unknown unit
        ["孙八", id_number(seq=14), "男", "", "", "2019/3/1", "否", "courier"],  # 7 gender (14 is even)
        ["周九", id_number(seq=15), "", "", "GONE", "31/12/2020", "maybe", "宇航员"],  # 8 four problems
        ["", id_number(seq=17), "", "", "", "", "", ""],  # 9 name
        ["吴十", A, "", "13900001111", "E001", "2001年2月3日", "1", ""],  # 10 good
    ]
    run = run_import(write_csv(tmp_path / "members.csv", rows))
    assert not run.ok and "CommandError" in run.err
    assert run.counts() == {"rows": 9, "created": 2, "updated": 0, "unchanged": 0, "rejected": 7, "ledger_entries": 1}
    lines = run.error_lines()
    expect = [
        (3, "id_number", "people.id_number_check_digit"),
        (4, "mobile", "people.mobile_format"),
        (5, "id_number", "people.id_number_legacy"),
        (6, "employer_code", "people.employer_unknown"),
        (7, "gender", "people.gender_mismatch"),
        (8, "employer_code", "people.employer_closed"),
        (8, "member_since", "people.member_since_format"),
        (8, "is_migrant_worker", "people.flag_invalid"),
        (8, "new_form_category", "people.new_form_category_invalid"),
        (9, "name", "people.name_required"),
    ]
    assert len(lines) == len(expect)
    for line, (row, column, code) in zip(lines, expect, strict=True):
        assert line.startswith(f"第{row}行［{column}］") and code in line, line
    assert "15位" in lines[2] and "18位" in lines[2]
    zhang = Person.objects.get(id_number=STANDARD_EXAMPLE)
    assert (zhang.is_member, zhang.member_since, zhang.is_migrant_worker) == (True, date(2010, 5, 1), True)
    assert (zhang.new_form_category, zhang.employer.code if zhang.employer else None) == ("courier", "E001")
    assert Person.objects.get(id_number=A).member_since == date(2001, 2, 3)
    assert set(Person.objects.values_list("name", flat=True)) == {"张三", "吴十"}


def test_duplicate_id_in_one_file_rejects_each_occurrence(tmp_path: Path) -> None:
    rows = [["张三", A], ["李四", B], ["张叁", A.lower()], ["王五", C], ["张三", A]]
    run = run_import(write_csv(tmp_path / "dup.csv", rows, header=["姓名", "身份证号"]))
    assert not run.ok
    assert run.counts()["rejected"] == 3 and run.counts()["created"] == 2
    lines = run.error_lines()
    assert [line[: line.index("］") + 1] for line in lines] == [
        "第2行［身份证号］",
        "第4行［身份证号］",
        "第6行［身份证号］",
    ]
    assert "第4、6行" in lines[0] and "第2、6行" in lines[1] and "第2、4行" in lines[2]
    assert all("people.duplicate_id_number_in_file" in line for line in lines)
    assert not Person.objects.filter(id_number=A).exists()


def test_all_good_file_exits_zero(tmp_path: Path) -> None:
    run = run_import(write_csv(tmp_path / "ok.csv", [["张三", A], ["李四", B]], header=["name", "id_number"]))
    assert run.ok and run.err == ""
    assert run.counts()["created"] == 2


def test_missing_required_column_imports_nothing(tmp_path: Path) -> None:
    run = run_import(write_csv(tmp_path / "bad.csv", [["张三", "13812345678"]], header=["姓名", "手机号"]))
    assert not run.ok and "身份证号" in run.err
    assert Person.objects.count() == 0 and LedgerEntry.objects.count() == 0


def test_two_columns_for_one_field_is_refused(tmp_path: Path) -> None:
    run = run_import(write_csv(tmp_path / "bad.csv", [["张三", A, A]], header=["姓名", "身份证号", "id_number"]))
    assert not run.ok and "id_number" in run.err
    assert Person.objects.count() == 0


def test_unknown_columns_are_named_and_ignored(tmp_path: Path) -> None:
    run = run_import(write_csv(tmp_path / "x.csv", [["张三", A, "x"]], header=["姓名", "身份证号码（必填）", "备注"]))
    assert run.ok and "备注" in run.err
    assert Person.objects.get().id_number == A


def test_blank_lines_are_skipped_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    run = run_import(
        write_csv(tmp_path / "x.csv", [["张三", A], ["", ""], ["李四", "123"]], header=["姓名", "身份证号"])
    )
    assert run.counts()["rows"] == 2
    assert run.error_lines()[0].startswith("第4行")


def test_gbk_csv_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", [["张三", A, "是"]], header=["姓名", "身份证号", "农民工"], encoding="gbk")
    run = run_import(path)
    assert run.ok
    assert Person.objects.get().is_migrant_worker is True


def test_unsupported_format(tmp_path: Path) -> None:
    path = tmp_path / "members.txt"
    path.write_text("name,id_number\n")
    run = run_import(path)
    assert not run.ok and ".csv" in run.err
