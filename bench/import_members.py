"""Benchmark ``import_members``: generate N valid member rows, import them,
print one line of JSON ``{rows, seconds, rows_per_s, ...}``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_bench DEBUG=1 \\
        .venv/bin/python bench/import_members.py --rows 100000

Migrates the database first (a no-op when current). Employers are
``BENCH-0001`` … units, created directly on the first run (a benchmark
database only). ID numbers have valid check digits and start at a random
point of the number space, so repeated runs against one database create new
people; ``--rerun`` times a second import of the same file, which must find
every row unchanged; ``--changed`` times a third import with every mobile
number changed (the update path). ``seconds`` covers reading the file, checking every row
and writing; generating the file is not timed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from casework.ledger.models import LedgerEntry  # noqa: E402
from casework.org.models import Unit, UnitKind  # noqa: E402
from casework.people.choices import NewFormCategory  # noqa: E402
from casework.people.imports import DEFAULT_BATCH_SIZE, members_import  # noqa: E402
from casework.people.synthetic import SERIALS, SyntheticPeople  # noqa: E402

HEADER = ["姓名", "身份证号", "性别", "手机号", "单位代码", "入会日期", "农民工", "新就业形态"]


def employers(count: int) -> list[str]:
    codes = [f"BENCH-{i:04d}" for i in range(1, count + 1)]
    known = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
    for code in codes:
        if code not in known:
            unit = Unit.objects.create(
                code=code, name=f"基准测试单位{code}", kind=UnitKind.ENTERPRISE, path=f"/{code}/"
            )
            Unit.objects.filter(pk=unit.pk).update(path="/" + Unit.segment(unit.pk))
    return codes


def rows(n: int, rng: random.Random, codes: list[str]) -> list[list[str]]:
    people = SyntheticPeople(rng.randrange(2**32), first_serial=rng.randrange(SERIALS - n))
    today = date.today()
    out = []
    for _ in range(n):
        p = people.person(today=today)
        out.append(
            [
                p.name,
                p.id_number,
                "男" if int(p.id_number[16]) % 2 else "女",
                p.mobile,
                rng.choice(codes) if codes else "",
                p.member_since.isoformat() if p.member_since else "",
                "是" if p.is_migrant_worker else "否",
                "" if p.new_form_category == NewFormCategory.NONE else str(p.new_form_category.label),
            ]
        )
    return out


def as_csv(data: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(data)
    return buffer.getvalue().encode()


def as_xlsx(data: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--employers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--rerun", action="store_true", help="import the same file again and time that too")
    parser.add_argument("--changed", action="store_true", help="then import it with every mobile changed")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    data = rows(args.rows, rng, employers(args.employers))
    content = as_csv(data) if args.format == "csv" else as_xlsx(data)
    entries_before = LedgerEntry.objects.count()

    started = time.perf_counter()
    result = members_import(data=content, filename=f"bench.{args.format}", by=None, batch_size=args.batch_size)
    seconds = time.perf_counter() - started
    report = {
        "rows": args.rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(args.rows / seconds),
        "database": connection.vendor,
        "format": args.format,
        "file_bytes": len(content),
        "batch_size": args.batch_size,
        **{k: v for k, v in result.counts().items() if k != "rows"},
        "ledger_entries_written": LedgerEntry.objects.count() - entries_before,
    }
    if args.rerun:
        started = time.perf_counter()
        again = members_import(data=content, filename=f"bench.{args.format}", by=None, batch_size=args.batch_size)
        report["rerun_seconds"] = round(time.perf_counter() - started, 2)
        report["rerun_unchanged"] = again.unchanged
        report["rerun_ledger_entries"] = again.ledger_entries
    if args.changed:
        for row in data:
            row[3] = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        content = as_csv(data) if args.format == "csv" else as_xlsx(data)
        started = time.perf_counter()
        changed = members_import(data=content, filename=f"bench.{args.format}", by=None, batch_size=args.batch_size)
        report["changed_seconds"] = round(time.perf_counter() - started, 2)
        report["changed_updated"] = changed.updated
    print(json.dumps(report))


if __name__ == "__main__":
    main()
