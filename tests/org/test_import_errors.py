"""import_units with bad rows: every bad row is reported with its row number,
column and rule, nothing is imported, and the command exits non-zero."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import load_command_class

from casework.accounts.models import User
from casework.org.models import Unit, UnitKind
from casework.org.services import unit_close, unit_create
from tests.org.conftest import snapshot
from tests.org.importing import run_import, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing(admin: User) -> dict[str, Unit]:
    district = unit_create(code="D0", name="某区总工会", kind=UnitKind.DISTRICT, parent=None, by=admin)
    street = unit_create(code="S0", name="老街道工会", kind=UnitKind.STREET, parent=district, by=admin)
    closed = unit_create(code="S-OLD", name="已撤销街道工会", kind=UnitKind.STREET, parent=district, by=admin)
    unit_close(unit=closed, closed_on=date(2023, 12, 31), reason="撤并", by=admin)
    enterprise = unit_create(code="E0", name="老企业工会", kind=UnitKind.ENTERPRISE, parent=street, by=admin)
    other = unit_create(code="E00", name="另一企业工会", kind=UnitKind.ENTERPRISE, parent=street, by=admin)
    return {"D0": district, "S0": street, "S-OLD": closed, "E0": enterprise, "E00": other}


# (row as written, the errors expected on it as (column, code)); row numbers are file rows (header = 1).
MIXED: list[tuple[list[str], list[tuple[str, str]]]] = [
    (["S1", "一号街道工会", "街道工会", "D0"], []),  # row 2: good
    (["E1", "甲公司工会", "工厂", "S1"], [("kind", "unit.kind_unknown")]),  # 3
    (["E2", "乙公司工会", "企业工会", "S404"], [("parent_code", "unit.import_parent_missing")]),  # 4
    (["E3", "丙公司工会", "企业工会", "S1"], [("code", "unit.import_duplicate_code")]),  # 5
    (["E3", "丙公司工会二", "企业工会", "S1"], [("code", "unit.import_duplicate_code")]),  # 6
    (["E0", "老企业工会（改名）", "企业工会", "S0"], [("name", "unit.import_name_differs")]),  # 7
    (["S0", "老街道工会", "园区工会", "D0"], [("kind", "unit.import_kind_differs")]),  # 8
    (["X1", "循环一", "企业工会", "X2"], [("parent_code", "unit.import_cycle")]),  # 9
    (["X2", "循环二", "街道工会", "X1"], [("kind", "unit.kind_not_allowed"), ("parent_code", "unit.import_cycle")]),
    (["P1", "一号园区工会", "园区工会", "S1"], [("kind", "unit.kind_not_allowed")]),  # 11
    (["S2", "二号街道工会", "街道工会", ""], [("parent_code", "unit.parent_required")]),  # 12
    (["E4", "丁公司工会", "企业工会", "S-OLD"], [("parent_code", "unit.parent_closed")]),  # 13
    (["E5", "", "企业工会", "S1"], [("name", "unit.name_required")]),  # 14
    (["E 6", "戊公司工会", "企业工会", "S1"], [("code", "unit.code_invalid")]),  # 15
    (["E7", "老企业工会", "企业工会", "S0"], [("name", "unit.name_taken")]),  # 16
    (["s-old", "己公司工会", "企业工会", "S0"], [("code", "unit.code_taken")]),  # 17
    (["E8", "庚公司工会", "企业工会", "E8"], [("parent_code", "unit.import_own_parent")]),  # 18
    (["E9", "同名工会", "企业工会", "S1"], [("name", "unit.import_duplicate_name")]),  # 19
    (["E10", "同名工会", "企业工会", "S1"], [("name", "unit.import_duplicate_name")]),  # 20
    (["E00", "另一企业工会", "企业工会", "S1"], [("parent_code", "unit.import_parent_differs")]),  # 21
    (["E11", "辛公司工会", "", "S1"], [("kind", "unit.kind_required")]),  # 22
    (["E12", "壬公司工会", "企业工会", "S0"], []),  # 23: good
]
LINE = re.compile(r"第(\d+)行［(\w+)］.*（([\w.]+)）$")


def test_every_bad_row_is_reported_and_nothing_imported(tmp_path: Path, existing: dict[str, Unit]) -> None:
    path = write_csv(tmp_path / "mixed.csv", [row for row, _ in MIXED])
    before = snapshot()
    run = run_import(path)
    assert not run.ok
    reported = []
    for line in run.error_lines():
        match = LINE.match(line)
        assert match, line
        reported.append((int(match[1]), match[2], match[3]))
    expected = [(number, column, code) for number, (_, errors) in enumerate(MIXED, start=2) for column, code in errors]
    assert sorted(reported) == sorted(expected)
    bad_rows = {number for number, (_, errors) in enumerate(MIXED, start=2) if errors}
    assert run.counts() == {"rows": len(MIXED), "created": 0, "unchanged": 0, "rejected": len(bad_rows)}
    assert snapshot() == before
    assert "未导入任何单位" in run.err


def test_messages_say_what_is_wrong(tmp_path: Path, existing: dict[str, Unit]) -> None:
    run = run_import(write_csv(tmp_path / "mixed.csv", [row for row, _ in MIXED]))
    text = "\n".join(run.error_lines())
    assert "第3行［kind］类型：未知的单位类型“工厂”" in text
    assert "第4行［parent_code］上级单位代码：“S404”既不在文件中，也不是已有单位。" in text
    assert "“E3”与第6行重复" in text and "“E3”与第5行重复" in text
    assert "名称为“老企业工会”，与文件中的“老企业工会（改名）”不同" in text
    assert "X1 → X2 → X1" in text or "X2 → X1 → X2" in text
    assert "第11行［kind］类型：街道工会下不能设立园区工会" in text
    assert "“S-OLD”已于2023-12-31撤销" in text


def test_chinese_headers_are_reported_as_written(tmp_path: Path, existing: dict[str, Unit]) -> None:
    header = ["单位代码", "名称", "类型", "上级单位代码"]
    run = run_import(write_csv(tmp_path / "bad.csv", [["E1", "甲公司工会", "工厂", "S0"]], header=header))
    assert not run.ok
    assert run.error_lines()[0].startswith("第2行［类型］类型：未知的单位类型“工厂”")


def test_one_bad_row_blocks_the_good_ones(tmp_path: Path, existing: dict[str, Unit]) -> None:
    rows = [
        ["S1", "一号街道工会", "街道工会", "D0"],
        ["E1", "甲公司工会", "企业工会", "S1"],
        ["E2", "乙", "企业", "S1"],
    ]
    before = snapshot()
    run = run_import(write_csv(tmp_path / "one-bad.csv", rows))
    assert not run.ok and [line[:3] for line in run.error_lines()] == ["第4行"]
    assert snapshot() == before
    # corrected, the same file imports
    rows[2][2] = "企业工会"
    assert run_import(write_csv(tmp_path / "fixed.csv", rows)).counts()["created"] == 3


def test_a_longer_cycle_is_reported_on_every_member(tmp_path: Path, admin: User) -> None:
    rows = [["A", "甲", "街道工会", "C"], ["B", "乙", "区总工会", "A"], ["C", "丙", "市总工会", "B"]]
    run = run_import(write_csv(tmp_path / "cycle.csv", rows))
    cycles = [line for line in run.error_lines() if "unit.import_cycle" in line]
    assert [line[:3] for line in cycles] == ["第2行", "第3行", "第4行"]
    assert Unit.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("units.txt", b"code,name,kind,parent_code\n", "只支持 .csv 和 .xlsx"),
        ("units.csv", b"code,name,kind\nE1,a,enterprise\n", "缺少必需的列：上级单位代码（parent_code）"),
        ("units.csv", "单位代码,code,名称,类型,上级单位代码\n".encode(), "都对应字段 code"),
        ("units.csv", b"", "是空的"),
        ("units.xlsx", b"not a workbook", "无法读取 XLSX"),
    ],
)
def test_unreadable_files(tmp_path: Path, admin: User, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    run = run_import(path)
    assert not run.ok and message in run.err


def test_command_exits_non_zero(tmp_path: Path, existing: dict[str, Unit]) -> None:
    path = write_csv(tmp_path / "bad.csv", [["E1", "甲公司工会", "工厂", "S0"]])
    command = load_command_class("casework.org", "import_units")
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["manage.py", "import_units", str(path)])
    assert exited.value.code == 1


def test_a_closed_unit_listed_as_it_is_is_unchanged(tmp_path: Path, existing: dict[str, Unit]) -> None:
    before = snapshot()
    run = run_import(write_csv(tmp_path / "closed.csv", [["S-OLD", "已撤销街道工会", "街道工会", "D0"]]))
    assert run.ok, run.err
    assert run.counts() == {"rows": 1, "created": 0, "unchanged": 1, "rejected": 0}
    assert snapshot() == before
