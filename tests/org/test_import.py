"""import_units: good files create the tree through the service (parents
before children, wherever they appear), a re-run changes nothing, XLSX and
GBK CSV read the same."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from casework.accounts.models import User
from casework.ledger.models import LedgerEntry
from casework.org.models import Unit, UnitKind
from casework.org.services import unit_create
from tests.org.conftest import expected_path, snapshot
from tests.org.importing import CHINESE_HEADER, run_import, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

# Children first, parents later; the district "D0" already exists in the database.
ROWS = [
    ["E11", "甲公司工会", "企业工会", "S1"],
    ["I21", "乙局工会", "机关事业单位工会", "P2"],
    ["S1", "一号街道工会", "街道工会", "D0"],
    ["P2", "二号园区工会", "park", "D0"],
    ["E12", "丙公司工会", "ENTERPRISE", "S1"],
    ["E03", "丁公司工会", "enterprise", "D0"],
]


@pytest.fixture
def district(admin: User) -> Unit:
    return unit_create(code="D0", name="某区总工会", kind=UnitKind.DISTRICT, parent=None, by=admin)


def test_good_file_creates_every_unit_through_the_service(tmp_path: Path, admin: User, district: Unit) -> None:
    path = write_csv(tmp_path / "units.csv", ROWS, header=CHINESE_HEADER)
    before = LedgerEntry.objects.count()
    run = run_import(path, "--by", "org-admin", "--role", "administrator", "--unit", "D0")
    assert run.ok, run.err
    assert run.counts() == {"rows": 6, "created": 6, "unchanged": 0, "rejected": 0}

    units = {unit.code: unit for unit in Unit.objects.all()}
    assert units["S1"].path == expected_path(district, units["S1"]) and units["S1"].depth == 1
    assert units["E11"].path == expected_path(district, units["S1"], units["E11"]) and units["E11"].depth == 2
    assert units["I21"].path == expected_path(district, units["P2"], units["I21"])
    assert units["E03"].parent_id == district.pk
    assert (units["I21"].kind, units["P2"].kind, units["E12"].kind) == ("institution", "park", "enterprise")
    assert units["E11"].name == "甲公司工会"

    entries = list(LedgerEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [entry.action for entry in entries] == ["unit.created"] * 6
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert {entry.payload["source"]["import_sha256"] for entry in entries} == {digest}
    assert {entry.payload["source"]["row"] for entry in entries} == {2, 3, 4, 5, 6, 7}
    assert {(entry.actor_name, entry.actor_role, entry.actor_unit_code) for entry in entries} == {
        ("org-admin", "administrator", "D0")
    }
    # parents were created before their children
    created_order = [entry.payload["code"] for entry in entries]
    assert created_order.index("S1") < created_order.index("E11")
    assert created_order.index("P2") < created_order.index("I21")


def test_rerun_changes_nothing(tmp_path: Path, district: Unit) -> None:
    path = write_csv(tmp_path / "units.csv", ROWS, header=CHINESE_HEADER)
    assert run_import(path).ok
    before = snapshot()
    again = run_import(path)
    assert again.ok, again.err
    assert again.counts() == {"rows": 6, "created": 0, "unchanged": 6, "rejected": 0}
    assert snapshot() == before


def test_existing_identical_rows_are_unchanged_and_new_ones_added(tmp_path: Path, district: Unit) -> None:
    assert run_import(write_csv(tmp_path / "first.csv", ROWS[2:4])).ok
    run = run_import(write_csv(tmp_path / "all.csv", [*ROWS, ["D0", "某区总工会", "区总工会", ""]]))
    assert run.ok, run.err
    assert run.counts() == {"rows": 7, "created": 4, "unchanged": 3, "rejected": 0}
    assert Unit.objects.count() == 7


def test_xlsx_with_numeric_codes_and_a_root(tmp_path: Path, admin: User) -> None:
    rows = [
        [1001, "市总工会", "市总工会", None],
        [2001, "区总工会", "区总工会", 1001],
        [3001, "街道工会", "街道工会", 2001],
        ["E-1", "企业工会", "企业工会", 3001],
    ]
    path = write_xlsx(tmp_path / "units.xlsx", rows, header=CHINESE_HEADER)
    run = run_import(path)
    assert run.ok, run.err
    assert run.counts()["created"] == 4
    city, enterprise = Unit.objects.get(code="1001"), Unit.objects.get(code="E-1")
    assert city.parent_id is None and city.depth == 0
    assert enterprise.path.startswith(city.path) and enterprise.depth == 3
    assert run_import(path).counts() == {"rows": 4, "created": 0, "unchanged": 4, "rejected": 0}


def test_gbk_csv_with_blank_lines_and_extra_column(tmp_path: Path, district: Unit) -> None:
    header = ["单位代码（必填）", "名称", "类型", "上级单位代码", "备注"]
    rows = [
        ["S9", "九号街道工会", "街道工会", "D0", "新设"],
        ["", "", "", "", ""],
        ["E9", "某公司工会", "企业工会", "S9", ""],
    ]
    run = run_import(write_csv(tmp_path / "units.csv", rows, header=header, encoding="gb18030"))
    assert run.ok, run.err
    assert run.counts() == {"rows": 2, "created": 2, "unchanged": 0, "rejected": 0}
    assert "备注" in run.err  # the ignored column is named
    assert Unit.objects.get(code="E9").name == "某公司工会"


def test_traditional_chinese_headers_and_labels(tmp_path: Path, district: Unit) -> None:
    header = ["單位代碼", "名稱", "類型", "上級單位代碼"]
    rows = [["S8", "八號街道工會", "街道工會", "D0"], ["E8", "某公司工會", "Enterprise union", "S8"]]
    run = run_import(write_csv(tmp_path / "units.csv", rows, header=header))
    assert run.ok, run.err
    assert (Unit.objects.get(code="S8").kind, Unit.objects.get(code="E8").kind) == ("street", "enterprise")


def test_plain_output_prints_counts(tmp_path: Path, district: Unit) -> None:
    out = io.StringIO()
    call_command("import_units", str(write_csv(tmp_path / "u.csv", ROWS)), stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == "共6行：新建6，未变化0，有误0。"
