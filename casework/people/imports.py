"""Bulk import of members from CSV or XLSX (``manage.py import_members``).

Every row is checked first, with the same rules as ``person_register``
(``rules.person_clean``), and every broken rule of every row is reported
with its row number. The valid rows are then written idempotently, keyed by
ID number, in batches: each batch prefetches the existing people by ID number,
then inserts the new people (``COPY`` on PostgreSQL, ``bulk_create``
elsewhere), updates the changed ones and appends one ledger entry, all in one
transaction. Re-running the same file finds nothing to change and writes
nothing. See docs/people.md for the columns and why the ledger gets one entry
per batch rather than per row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.ledger.services import ledger_append
from casework.org.models import Unit
from casework.people.choices import Gender, NewFormCategory
from casework.people.models import Person
from casework.people.rules import person_clean

DEFAULT_BATCH_SIZE = 2000
# Keeps IN lists under SQLite's and PostgreSQL's parameter limits.
LOOKUP_CHUNK = 900
# Rows per UPDATE statement (13 parameters each, far below PostgreSQL's 65,535).
UPDATE_CHUNK = 1000

# Canonical column → accepted headers (compared after ``_header_key``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名"),
    "id_number": ("id_number", "身份证号", "身份证号码", "公民身份号码", "身份证"),
    "gender": ("gender", "性别"),
    "mobile": ("mobile", "手机号", "手机号码", "手机", "移动电话"),
    "employer_code": ("employer_code", "单位代码", "工作单位代码", "工会代码"),
    "member_since": ("member_since", "入会日期", "入会时间"),
    "is_migrant_worker": ("is_migrant_worker", "农民工", "是否农民工"),
    "new_form_category": ("new_form_category", "新就业形态", "新就业形态类别"),
}
REQUIRED_COLUMNS = ("name", "id_number")
# The column each person field is reported under.
FIELD_COLUMN = {
    "name": "name",
    "id_number": "id_number",
    "gender": "gender",
    "mobile": "mobile",
    "employer": "employer_code",
    "member_since": "member_since",
    "is_migrant_worker": "is_migrant_worker",
    "new_form_category": "new_form_category",
}
# Person fields an import may write, by the column that carries them.
COLUMN_FIELDS = {
    "name": ("name", "name_initials"),
    "mobile": ("mobile",),
    "employer_code": ("employer_id",),
    "member_since": ("member_since",),
    "is_migrant_worker": ("is_migrant_worker",),
    "new_form_category": ("new_form_category",),
}
# Derived from the ID number, so they cannot change for the same number.
_ALWAYS = ("gender", "birth_date", "id_last4", "is_member")

_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "t"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "✗", "f", ""})
_GENDERS = {
    "男": Gender.MALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "女": Gender.FEMALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_HEADER_NOTE = re.compile(r"[（(].*?[）)]|[*＊\s]")
# Excel keeps 15 significant digits: a longer number typed as a number has lost its tail.
_EXCEL_DIGITS = 10**15


class ImportFileError(RuleViolation):
    """The file as a whole cannot be read (format, headers). Nothing was imported."""

    code = "people.import_file"


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str  # the header as written in the file, or the canonical name
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
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    ledger_entries: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "ledger_entries": self.ledger_entries,
        }


@dataclass(slots=True)
class _Row:
    number: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    id_number: str = ""  # the normalised number, when it is valid
    errors: list[RowError] = field(default_factory=list)


def _header_key(header: object) -> str:
    text = "" if header is None else str(header)
    return _HEADER_NOTE.sub("", text.replace("\ufeff", "")).lower()


_ALIASES = {_header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GB18030 (GBK); everything else is UTF-8.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportFileError(_("文件：无法识别编码，请保存为 UTF-8 或 GBK 编码的 CSV。")) from None


def read_rows(data: bytes, *, filename: str) -> Iterator[tuple[int, Sequence[Any]]]:
    """(spreadsheet row number, cells) for each row, the header being row 1."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        reader = csv.reader(io.StringIO(_decode(data), newline=""))
        yield from enumerate(reader, start=1)
    elif suffix in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook  # imported here: only the import command needs it

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
        header = "" if cell is None else str(cell).strip()
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
    missing = [column for column in REQUIRED_COLUMNS if column not in index]
    if missing:
        names = "、".join(f"{COLUMNS[c][1]}（{c}）" for c in missing)
        raise ImportFileError(_("表头：缺少必需的列：%(columns)s。") % {"columns": names})
    return index, written, ignored


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if not match:
        raise ValueError(text)
    return date(int(match[1]), int(match[2]), int(match[3]))


def category_names() -> dict[str, str]:
    """Every way a file may name a category: its code, its Simplified Chinese
    label and its label in the active language. Built once per import:
    translating labels row by row costs more than checking the row."""
    names = {"": NewFormCategory.NONE.value, "无": NewFormCategory.NONE.value, "否": NewFormCategory.NONE.value}
    with translation.override("zh-hans"):
        names |= {str(choice.label): choice.value for choice in NewFormCategory}
    names |= {str(choice.label).lower(): choice.value for choice in NewFormCategory}
    names |= {choice.value: choice.value for choice in NewFormCategory}
    return names


def _parse_category(value: Any, names: dict[str, str]) -> str:
    text = _text(value)
    return names.get(text) or names.get(text.lower()) or text  # an unknown text: person_clean reports it


def _parse_row(row: _Row, present: set[str], units: dict[str, Unit], categories: dict[str, str], today: date) -> None:
    """Turn the row's cells into person inputs, then check the person rules."""
    raw = row.raw
    data: dict[str, Any] = {}
    problems: list[tuple[str, str, str]] = []

    def problem(column: str, code: str, message: str) -> None:
        problems.append((column, code, message))

    id_cell = raw.get("id_number")
    if isinstance(id_cell, int | float) and not isinstance(id_cell, bool) and abs(id_cell) >= _EXCEL_DIGITS:
        problem(
            "id_number",
            "people.id_number_numeric_cell",
            _("身份证号：单元格是数字格式，Excel 只保留15位有效数字，后几位可能已丢失；请把该列设为文本后重新填写。"),
        )
    data["name"] = _text(raw.get("name"))
    data["id_number"] = _text(id_cell)
    if "gender" in present and _text(raw.get("gender")):
        gender = _GENDERS.get(_text(raw.get("gender")).lower())
        if gender is None:
            problem("gender", "people.gender_invalid", _("性别：只能填写“男”或“女”。"))
        else:
            data["gender"] = gender.value
    if "mobile" in present:
        data["mobile"] = _text(raw.get("mobile"))
    if "employer_code" in present:
        code = _text(raw.get("employer_code"))
        data["employer"] = units.get(code) if code else None
        if code and code not in units:
            problem(
                "employer_code",
                "people.employer_unknown",
                _("单位代码：没有代码为“%(code)s”的单位。") % {"code": code},
            )
    data["is_member"] = True  # this is the members' import
    if "member_since" in present and _text(raw.get("member_since")):
        try:
            data["member_since"] = _parse_date(raw.get("member_since"))
        except ValueError:
            problem(
                "member_since",
                "people.member_since_format",
                _("入会日期：“%(value)s”不是有效日期，请写成 2020-01-31。") % {"value": _text(raw.get("member_since"))},
            )
    if "is_migrant_worker" in present:
        flag = _parse_bool(raw.get("is_migrant_worker"))
        if flag is None:
            problem("is_migrant_worker", "people.flag_invalid", _("农民工：只能填写“是”或“否”。"))
        data["is_migrant_worker"] = bool(flag)
    if "new_form_category" in present:
        data["new_form_category"] = _parse_category(raw.get("new_form_category"), categories)

    values, errors = person_clean(data, today=today)
    if not any(error.field == "id_number" for error in errors) and "id_number" not in {p[0] for p in problems}:
        row.id_number = values["id_number"]
    seen = {column for column, _code, _msg in problems}
    for error in errors:
        column = FIELD_COLUMN.get(error.field, error.field)
        if column not in seen:  # one report per cell: the parse error says it already
            problems.append((column, error.code, error.message))
    row.errors = [RowError(row.number, column, code, message) for column, code, message in problems]
    if not row.errors:
        employer = values.pop("employer")
        values["employer_id"] = employer.pk if employer is not None else None
        row.values = values


def _load_units(codes: set[str]) -> dict[str, Unit]:
    ordered = sorted(codes)
    units: dict[str, Unit] = {}
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        for unit in Unit.objects.filter(code__in=ordered[start : start + LOOKUP_CHUNK]):
            units[unit.code] = unit
    return units


def _mark_duplicates(rows: list[_Row]) -> None:
    """A number on two rows is ambiguous: both are rejected, each naming the other."""
    by_number: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.id_number:
            by_number[row.id_number].append(row)
    for same in by_number.values():
        if len(same) < 2:
            continue
        for row in same:
            others = "、".join(str(other.number) for other in same if other is not row)
            row.errors.append(
                RowError(
                    row.number,
                    "id_number",
                    "people.duplicate_id_number_in_file",
                    _("身份证号：与第%(rows)s行重复，同一文件中一个身份证号只能出现一次。") % {"rows": others},
                )
            )
            row.values = {}


def _update_people(people: list[Person], fields: list[str]) -> None:
    """Write ``fields`` of ``people`` back. On PostgreSQL one ``UPDATE … FROM
    (VALUES …)`` per chunk: ``bulk_update`` builds a ``CASE`` with one branch
    per row, which PostgreSQL evaluates for every row (a full-update import of
    100k rows took 44 s that way, 12 s this way). Elsewhere ``bulk_update``."""
    if connection.vendor != "postgresql":
        Person.objects.bulk_update(people, fields, batch_size=500)
        return
    quote = connection.ops.quote_name
    meta = Person._meta
    columns = [cast(models.Field, field) for field in (meta.pk, *(meta.get_field(name) for name in fields))]
    names = ", ".join(quote(column.column) for column in columns)
    row_sql = "(" + ", ".join(f"%s::{column.db_type(connection)}" for column in columns) + ")"
    pk = quote(columns[0].column)
    assignments = ", ".join(f"{quote(column.column)} = v.{quote(column.column)}" for column in columns[1:])
    with connection.cursor() as cursor:
        for start in range(0, len(people), UPDATE_CHUNK):
            chunk = people[start : start + UPDATE_CHUNK]
            params = [
                column.get_db_prep_save(getattr(person, column.attname), connection)
                for person in chunk
                for column in columns
            ]
            # Identifiers come from the model's metadata; every value is a parameter.
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS p SET {assignments} "  # noqa: S608
                f"FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v({names}) WHERE p.{pk} = v.{pk}",
                params,
            )


def _existing_people(numbers: list[str]) -> dict[str, Person]:
    """The batch's people already registered, by ID number, locked until the
    batch commits."""
    return {p.id_number: p for p in Person.objects.select_for_update().filter(id_number__in=numbers)}


def _copy_supported() -> bool:
    return connection.vendor == "postgresql"


# Field classes whose ``get_db_prep_save`` on PostgreSQL returns a value of
# these exact types unchanged (CharField's ``to_python`` keeps a str, the
# backend's ``adapt_datefield_value`` keeps a date, an integer key stays
# itself, an aware datetime is only ever changed when naive): such values
# skip the call, everything else takes it.
_PASS_THROUGH: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str, type(None)),
    models.TextField: (str, type(None)),
    models.BooleanField: (bool, type(None)),
    models.DateField: (date, type(None)),
    models.DateTimeField: (type(None),),  # and aware datetimes, below
}
_INTEGER_KEYS = (models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField)


def _copy_value(field: models.Field, db: BaseDatabaseWrapper) -> Callable[[models.Model], Any]:
    """What ``bulk_create`` would send for ``field`` of a new object: its
    ``pre_save(obj, add=True)`` (``auto_now`` stamps the time) through
    ``get_db_prep_save`` (a JSON field's value comes back as psycopg's
    ``Jsonb``)."""
    attname = field.attname
    prep = field.get_db_prep_save
    pre_save = None if type(field).pre_save is models.Field.pre_save else field.pre_save
    same: tuple[type, ...] = _PASS_THROUGH.get(type(field), ())
    if type(field) is models.ForeignKey and type(cast(models.ForeignKey, field).target_field) in _INTEGER_KEYS:
        same = (int, type(None))
    aware_ok = type(field) is models.DateTimeField

    def value(obj: models.Model) -> Any:
        raw = getattr(obj, attname) if pre_save is None else pre_save(obj, True)
        if type(raw) in same or (aware_ok and type(raw) is datetime and raw.utcoffset() is not None):
            return raw
        if hasattr(raw, "resolve_expression"):
            raise TypeError(f"{field.name}: an expression cannot be written with COPY")
        return prep(raw, db)

    return value


def _copy_people(people: list[Person]) -> None:
    """Insert ``people`` with one ``COPY … FROM STDIN``: the values
    ``bulk_create`` would store (every concrete field but the generated
    ones and the auto primary key), without building an ``INSERT`` of
    thirty thousand parameters. The new primary keys are not read back:
    nothing after the insert needs them. A database error (a unique
    violation) is raised as Django's own ``IntegrityError`` and friends, as
    ``bulk_create`` raises it, and the caller's transaction rolls back."""
    meta = Person._meta
    fields = [
        cast(models.Field, f)
        for f in meta.concrete_fields
        # As bulk_create leaves them out of the INSERT (AutoField covers Big and Small).
        if not f.generated and not isinstance(f, models.AutoField)
    ]
    db = connections[DEFAULT_DB_ALIAS]  # what ``connection`` stands for, without its lookup per value
    columns = [_copy_value(f, db) for f in fields]
    quote = db.ops.quote_name
    # Identifiers come from the model's metadata; the values travel as COPY data.
    sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    # Django's wrapper turns psycopg's errors into django.db's, as for any query.
    with db.cursor() as cursor, db.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for person in people:
            copy.write_row([column(person) for column in columns])


def _insert_people(people: list[Person]) -> None:
    if not people:
        return
    if _copy_supported():
        _copy_people(people)
    else:
        Person.objects.bulk_create(people, batch_size=DEFAULT_BATCH_SIZE)


def _write_batch(
    batch: list[_Row], present: set[str], result: ImportResult, batch_no: int, actor: dict[str, Any]
) -> None:
    update_fields = sorted({f for c in present for f in COLUMN_FIELDS.get(c, ())} | set(_ALWAYS) | {"name"})
    with transaction.atomic():
        numbers = [row.values["id_number"] for row in batch]
        existing = _existing_people(numbers)
        now = timezone.now()
        created: list[Person] = []
        updated: list[Person] = []
        changed_fields: Counter[str] = Counter()
        unchanged = 0
        for row in batch:
            person = existing.get(row.values["id_number"])
            if person is None:
                created.append(Person(**row.values, registered_unit=actor["unit"], created_at=now, updated_at=now))
                continue
            diff = [f for f in update_fields if getattr(person, f) != row.values[f]]
            if not diff:
                unchanged += 1
                continue
            for f in diff:
                setattr(person, f, row.values[f])
            person.updated_at = now
            updated.append(person)
            changed_fields.update(diff)
        _insert_people(created)
        if updated:
            _update_people(updated, sorted({*changed_fields, "updated_at"}))
        if created or updated:
            ledger_append(
                action="people.members_imported",
                subject=("people.import", result.sha256),
                payload={
                    "file_sha256": result.sha256,
                    "batch": batch_no,
                    "first_row": batch[0].number,
                    "last_row": batch[-1].number,
                    "rows": len(batch),
                    "created": len(created),
                    "updated": len(updated),
                    "unchanged": unchanged,
                    "changed_fields": {f.removesuffix("_id"): n for f, n in sorted(changed_fields.items())},
                },
                personal={
                    "created_id_numbers": [p.id_number for p in created],
                    "updated_id_numbers": [p.id_number for p in updated],
                },
                **actor,
            )
    result.ledger_entries += 1 if created or updated else 0
    result.created += len(created)
    result.updated += len(updated)
    result.unchanged += unchanged


def _batches(rows: list[_Row], size: int) -> Iterable[list[_Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def members_import(
    *,
    data: bytes,
    filename: str,
    by: User | None,
    role: str = "",
    unit: Unit | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    today: date | None = None,
) -> ImportResult:
    """Import members from the bytes of a CSV or XLSX file named ``filename``.

    Checks every row, reports every broken rule in ``result.errors`` (row
    number, column, code, message), and writes the valid rows: new ID numbers
    are created, known ones updated where a column present in the file
    differs, the rest left alone. Each batch of ``batch_size`` rows is one
    transaction with one ledger entry ``people.members_imported`` (counts and
    the file's SHA-256 in the payload, the ID numbers only in ``personal=``);
    a batch that changes nothing writes nothing. Raises ``ImportFileError``
    when the file itself cannot be read or lacks the name or ID columns.
    """
    today = today or timezone.localdate()
    result = ImportResult(sha256=hashlib.sha256(data).hexdigest())
    rows_iter = read_rows(data, filename=filename)
    header = next(rows_iter, None)
    if header is None:
        raise ImportFileError(_("文件：是空的，没有表头。"))
    index, written, result.ignored_columns = _map_headers(header[1])
    present = set(index)

    rows: list[_Row] = []
    for number, cells in rows_iter:
        if not any(_text(cell) for cell in cells):
            continue  # blank lines are not rows
        raw = {column: cells[i] if i < len(cells) else None for column, i in index.items()}
        rows.append(_Row(number, raw))
    result.rows = len(rows)

    codes = {_text(row.raw.get("employer_code")) for row in rows} - {""} if "employer_code" in present else set()
    units = _load_units(codes)
    categories = category_names()
    for row in rows:
        _parse_row(row, present, units, categories, today)
    _mark_duplicates(rows)
    for row in rows:
        # In the order of the file's columns, as the user reads the row.
        for error in sorted(row.errors, key=lambda e: index.get(e.column, len(index))):
            result.errors.append(
                RowError(error.row, written.get(error.column, error.column), error.code, error.message)
            )
    valid = [row for row in rows if not row.errors]
    result.rejected = len(rows) - len(valid)

    actor = {"by": by, "role": role, "unit": unit}
    for batch_no, batch in enumerate(_batches(valid, batch_size), start=1):
        try:
            _write_batch(batch, present, result, batch_no, actor)
        except IntegrityError:
            # Someone registered one of these numbers since the prefetch: the
            # batch rolled back whole; once more sees it as existing.
            _write_batch(batch, present, result, batch_no, actor)
    return result
