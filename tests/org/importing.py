"""Helpers for the import tests: write a file, run the command, read its output."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

HEADER = ["code", "name", "kind", "parent_code"]
CHINESE_HEADER = ["单位代码", "名称", "类型", "上级单位代码"]


def write_csv(
    path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER, encoding: str = "utf-8"
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


@dataclass
class Run:
    ok: bool
    out: str
    err: str

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in json.loads(self.out.strip().splitlines()[-1]).items() if k != "sha256"}

    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("第")]


def run_import(path: Path, *args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_units", str(path), "--json", *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"\nCommandError: {exc}")
        return Run(False, out.getvalue(), err.getvalue())
    return Run(True, out.getvalue(), err.getvalue())
