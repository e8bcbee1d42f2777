"""Bulk import of units from CSV or XLSX (``manage.py import_units FILE``).

All or nothing: every row is checked first, against the file and the
database, and every broken rule of every row is reported with its row number
and column. If any row is bad, nothing is written. Otherwise the new units
are created in one transaction, parents before children, each through
``services.unit_create`` (so each gets the same checks and its own
``unit.created`` ledger entry, whose payload names the file's SHA-256 and the
row). A row whose code already exists with the same name, kind and parent is
"unchanged"; one that differs in any of them is refused: the import creates,
it never renames or moves (the admin pages and services do that, with a
reason). So re-running a file changes nothing and writes nothing.
See docs/org.md for the columns.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.org.models import Unit
from casework.org.rules import (
    code_clean,
    code_taken_error,
    kind_error,
    kind_label,
    kind_names,
    local_date,
    name_clean,
    name_taken_error,
    placement_error,
)
from casework.org.services import unit_create

# Keeps IN lists under SQLite's and PostgreSQL's parameter limits.
LOOKUP_CHUNK = 900

# Canonical column → accepted headers (compared after ``_header_key``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "单位代码", "代码", "單位代碼"),
    "name": ("name", "名称", "单位名称", "名稱", "單位名稱"),
    "kind": ("kind", "类型", "单位类型", "類型", "單位類型"),
    "parent_code": ("parent_code", "上级单位代码", "上级代码", "上級單位代碼", "上級代碼"),
}
_HEADER_NOTE = re.compile(r"[（(].*?[）)]|[*＊\s]")


class ImportFileError(RuleViolation):
    """The file as a whole cannot be read (format, headers). Nothing was imported."""

    code = "unit.import_file"


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str  # the header as written in the file
    code: str
    message: str

    def __str__(self) -> str:
        return _("第%(row)d行［%(column)s］%(message)s（%(code)s）") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "code": self.code,
        }


@dataclass
class ImportResult:
    sha256: str
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "created": self.created, "unchanged": self.unchanged, "rejected": self.rejected}


@dataclass(slots=True)
class _Row:
    number: int
    code: str
    name: str
    kind: str  # canonical, or "" when unknown
    parent_code: str
    existing: Unit | None = None
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (column, code, message)

    def error(self, column: str, code: str, message: str) -> None:
        self.errors.append((column, code, message))

    def has(self, column: str) -> bool:
        return any(error[0] == column for error in self.errors)


def _header_key(header: object) -> str:
    text = "" if header is None else str(header)
    return _HEADER_NOTE.sub("", text.replace("\ufeff", "")).lower()


_ALIASES = {_header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number in Excel
    return str(value).strip()


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GB18030 (GBK); everything else is UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("文件：无法识别编码，请保存为 UTF-8 或 GBK 编码的 CSV。"))


def read_rows(data: bytes, *, filename: str) -> Iterator[tuple[int, Sequence[Any]]]:
    """(spreadsheet row number, cells) for each row, the header being row 1."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        yield from enumerate(csv.reader(io.StringIO(_decode(data), newline="")), start=1)
    elif suffix in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook  # only the import needs it

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("文件：无法读取 XLSX 文件（%(error)s）。") % {"error": exc}) from exc
        try:
            yield from enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
        finally:
            workbook.close()
    else:
        raise ImportFileError(_("文件：只支持 .csv 和 .xlsx 格式。"))


def _map_headers(cells: Sequence[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Column → index, column → header as written, and the ignored headers."""
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for position, cell in enumerate(cells):
        header = _text(cell)
        column = _ALIASES.get(_header_key(cell))
        if column is None:
            if header:
                ignored.append(header)
            continue
        if column in index:
            raise ImportFileError(
                _("表头：“%(first)s”和“%(second)s”都对应字段 %(column)s，只能保留一列。")
                % {"first": written[column], "second": header, "column": column}
            )
        index[column] = position
        written[column] = header
    missing = [column for column in COLUMNS if column not in index]
    if missing:
        names = "、".join(f"{COLUMNS[c][1]}（{c}）" for c in missing)
        raise ImportFileError(_("表头：缺少必需的列：%(columns)s。") % {"columns": names})
    return index, written, ignored


def _parse(number: int, cells: Sequence[Any], index: dict[str, int], kinds: dict[str, str]) -> _Row:
    def cell(column: str) -> str:
        position = index[column]
        return _text(cells[position]) if position < len(cells) else ""

    code, code_error = code_clean(cell("code"))
    name, name_error = name_clean(cell("name"))
    kind_text = cell("kind")
    row = _Row(number, code, name, kinds.get(kind_text.lower(), ""), cell("parent_code"))
    for error in (code_error, name_error):
        if error is not None:
            row.error(error.field, error.code, error.message)
    if not kind_text:
        row.error("kind", "unit.kind_required", _("类型：必填。"))
    elif not row.kind and (error := kind_error(kind_text)) is not None:
        row.error(error.field, error.code, error.message)
    if row.code and row.parent_code == row.code:
        row.error("parent_code", "unit.import_own_parent", _("上级单位代码：不能是本单位自己的代码。"))
    return row


def _load(codes: set[str]) -> dict[str, Unit]:
    """Existing units by exact code, with their parents."""
    ordered = sorted(codes)
    units: dict[str, Unit] = {}
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        units |= {unit.code: unit for unit in Unit.objects.filter(code__in=chunk).select_related("parent")}
    return units


def _case_twins(codes: set[str]) -> dict[str, Unit]:
    """Existing units whose code equals one of ``codes`` but for case, by upper-cased code."""
    ordered = sorted({code.upper() for code in codes})
    twins: dict[str, Unit] = {}
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        for unit in Unit.objects.annotate(code_upper=Upper("code")).filter(code_upper__in=chunk):
            twins[unit.code.upper()] = unit
    return twins


def _mark_duplicates(rows: list[_Row]) -> set[str]:
    """Rows sharing a code (case ignored) are all refused; returns the codes."""
    groups: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.code and not row.has("code"):
            groups[row.code.upper()].append(row)
    duplicated: set[str] = set()
    for same in groups.values():
        if len(same) < 2:
            continue
        for row in same:
            duplicated.add(row.code)
            others = "、".join(str(other.number) for other in same if other is not row)
            row.error(
                "code",
                "unit.import_duplicate_code",
                _("单位代码：“%(code)s”与第%(rows)s行重复，同一文件中一个单位代码只能出现一次。")
                % {"code": row.code, "rows": others},
            )
    return duplicated


def _compare_existing(row: _Row, unit: Unit) -> None:
    """A row for a unit that exists must describe it as it is."""
    params = {"code": row.code}
    if row.name and row.name != unit.name:
        row.error(
            "name",
            "unit.import_name_differs",
            _(
                "名称：单位“%(code)s”已存在，名称为“%(stored)s”，与文件中的“%(given)s”不同；导入不改名，请在单位管理中改名。"
            )
            % {**params, "stored": unit.name, "given": row.name},
        )
    if row.kind and row.kind != unit.kind:
        row.error(
            "kind",
            "unit.import_kind_differs",
            _("类型：单位“%(code)s”已存在，类型为%(stored)s，与文件中的%(given)s不同；单位类型不能更改。")
            % {**params, "stored": kind_label(unit.kind), "given": kind_label(row.kind)},
        )
    stored_parent = unit.parent.code if unit.parent is not None else ""
    if row.parent_code != stored_parent:
        row.error(
            "parent_code",
            "unit.import_parent_differs",
            _(
                "上级单位代码：单位“%(code)s”已存在，上级单位为“%(stored)s”，与文件中的“%(given)s”不同；导入不迁移单位，请在单位管理中迁移。"
            )
            % {**params, "stored": stored_parent or _("（无）"), "given": row.parent_code or _("（无）")},
        )


def _check_parent(row: _Row, in_file: dict[str, _Row], existing: dict[str, Unit], duplicated: set[str]) -> None:
    """Placement of a new row: its parent exists (in the file or the
    database), is open, and its kind may hold the row's kind."""
    if row.has("parent_code"):
        return  # its own parent: already reported
    if not row.parent_code:
        if row.kind and (error := placement_error(row.kind, None)) is not None:
            row.error("parent_code", error.code, error.message)
        return
    if row.parent_code in duplicated:
        return  # ambiguous: the duplicate rows are reported
    parent_row = in_file.get(row.parent_code)
    parent = existing.get(row.parent_code)
    if parent_row is None and parent is None:
        row.error(
            "parent_code",
            "unit.import_parent_missing",
            _("上级单位代码：“%(parent)s”既不在文件中，也不是已有单位。") % {"parent": row.parent_code},
        )
        return
    if parent is not None and parent.closed_on is not None:
        row.error(
            "parent_code",
            "unit.parent_closed",
            _("上级单位代码：“%(parent)s”已于%(date)s撤销，不能在其下设立单位。")
            % {"parent": row.parent_code, "date": local_date(parent.closed_on)},
        )
    parent_kind = parent.kind if parent is not None else parent_row.kind if parent_row is not None else ""
    if row.kind and parent_kind and (error := placement_error(row.kind, parent_kind)) is not None:
        row.error("kind", error.code, error.message)


def _mark_cycles(new_rows: dict[str, _Row]) -> None:
    """New rows whose parents lead back to themselves: every row of each cycle."""
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    for start in new_rows:
        walk: list[str] = []
        code = start
        while code in new_rows and code not in state:
            state[code] = 1
            walk.append(code)
            code = new_rows[code].parent_code
        if code in new_rows and state.get(code) == 1:
            cycle = walk[walk.index(code) :]
            text = " → ".join([*cycle, code])
            for member in cycle:
                row = new_rows[member]
                if not row.has("parent_code"):
                    row.error(
                        "parent_code",
                        "unit.import_cycle",
                        _("上级单位代码：上下级关系形成循环（%(cycle)s），没有顶层单位。") % {"cycle": text},
                    )
        for visited in walk:
            state[visited] = 2


def _check_sibling_names(rows: list[_Row], existing: dict[str, Unit]) -> None:
    """No two open units under one parent share a name: new rows against the
    database and against each other."""
    new_by_parent: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.existing is None and row.name and not row.has("name"):
            new_by_parent[row.parent_code].append(row)
    for parent_code, siblings in new_by_parent.items():
        parent = existing.get(parent_code)
        stored: set[str] = set()
        if parent is not None or not parent_code:
            query = Unit.objects.filter(closed_on__isnull=True, name__in=[row.name for row in siblings])
            query = query.filter(parent=parent) if parent is not None else query.filter(parent__isnull=True)
            stored = set(query.values_list("name", flat=True))
        by_name: dict[str, list[_Row]] = defaultdict(list)
        for row in siblings:
            by_name[row.name].append(row)
        for name, same in by_name.items():
            for row in same:
                if name in stored:
                    error = name_taken_error(name, parent.name if parent is not None else None)
                    row.error("name", error.code, error.message)
                elif len(same) > 1:
                    others = "、".join(str(other.number) for other in same if other is not row)
                    row.error(
                        "name",
                        "unit.import_duplicate_name",
                        _("名称：与第%(rows)s行同名且上级单位相同，同一上级单位下的单位不能同名。") % {"rows": others},
                    )


def _creation_order(new_rows: dict[str, _Row]) -> list[_Row]:
    """Parents before children; within a level, in file order."""

    def level(row: _Row) -> int:
        depth = 0
        while row.parent_code in new_rows:
            row = new_rows[row.parent_code]
            depth += 1
        return depth

    return sorted(new_rows.values(), key=lambda row: (level(row), row.number))


def units_import(
    *, data: bytes, filename: str, by: User | None, role: str = "", unit: Unit | None = None
) -> ImportResult:
    """Check every row of the CSV or XLSX ``data`` and, when no row is bad,
    create the new units in one transaction through ``unit_create``.

    ``result.errors`` lists every broken rule (row, column as written in the
    file, code, message); when it is not empty nothing was written. Raises
    ``ImportFileError`` when the file itself cannot be read or lacks a column.
    """
    result = ImportResult(sha256=hashlib.sha256(data).hexdigest())
    cells_iter = read_rows(data, filename=filename)
    header = next(cells_iter, None)
    if header is None:
        raise ImportFileError(_("文件：是空的，没有表头。"))
    index, written, result.ignored_columns = _map_headers(header[1])
    kinds = kind_names()
    rows = [_parse(number, cells, index, kinds) for number, cells in cells_iter if any(_text(c) for c in cells)]
    result.rows = len(rows)

    duplicated = _mark_duplicates(rows)
    existing = _load({row.code for row in rows if row.code} | {row.parent_code for row in rows if row.parent_code})
    unknown = {row.code for row in rows if row.code and not row.has("code") and row.code not in existing}
    twins = _case_twins(unknown) if unknown else {}
    for row in rows:
        if row.code in existing and row.code not in duplicated:
            row.existing = existing[row.code]
            _compare_existing(row, row.existing)
        elif row.code.upper() in twins and not row.has("code"):
            error = code_taken_error(row.code, twins[row.code.upper()])
            row.error("code", error.code, error.message)
    in_file = {row.code: row for row in rows if row.code and row.code not in duplicated}
    new_rows = {code: row for code, row in in_file.items() if row.existing is None and not row.has("code")}
    for row in new_rows.values():
        _check_parent(row, in_file, existing, duplicated)
    _mark_cycles(new_rows)
    _check_sibling_names(rows, existing)

    columns = list(index)
    for row in rows:
        for column, code, message in sorted(row.errors, key=lambda error: columns.index(error[0])):
            result.errors.append(RowError(row.number, written[column], code, message))
    result.rejected = sum(1 for row in rows if row.errors)
    result.unchanged = sum(1 for row in rows if row.existing is not None and not row.errors)
    if result.errors:
        return result

    with transaction.atomic():
        made: dict[str, Unit] = {}
        for row in _creation_order(new_rows):
            parent = (made.get(row.parent_code) or existing.get(row.parent_code)) if row.parent_code else None
            made[row.code] = unit_create(
                code=row.code,
                name=row.name,
                kind=row.kind,
                parent=parent,
                by=by,
                role=role,
                unit=unit,
                source={"import_sha256": result.sha256, "row": row.number},
            )
    result.created = len(made)
    return result
