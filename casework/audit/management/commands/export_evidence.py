"""``manage.py export_evidence --case <type>:<id> --out DIR``: one case's
evidence pack as PDF, JSON and XLSX in DIR, made as the system (every entry
of the case, no scope). ``<id>`` is the case's id or its number.
Prints one line of JSON naming the files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.audit.packs import evidence_pack_of_case, pack_json, pack_pdf, pack_workbook
from casework.cases.models import Case


class Command(BaseCommand):
    help = "Write one case's evidence pack (PDF, JSON, XLSX) to a directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", required=True, help="<case type>:<id or number>, e.g. hardship:42")
        parser.add_argument("--out", required=True, type=Path, help="directory to write the three files to")

    def handle(self, *args: Any, **options: Any) -> None:
        case_type, _sep, key = options["case"].partition(":")
        lookup = {"pk": int(key)} if key.isascii() and key.isdigit() else {"number": key}
        case = Case.objects.filter(case_type=case_type, **lookup).select_related("unit").first()
        if case is None:
            raise CommandError(f"no {case_type} case {key!r}")
        pack = evidence_pack_of_case(case)
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        stem = f"evidence-{case_type}-{case.pk}"
        written = {}
        for kind, render in (("json", pack_json), ("pdf", pack_pdf), ("xlsx", pack_workbook)):
            path = out / f"{stem}.{kind}"
            path.write_bytes(render(pack))
            written[kind] = str(path)
        self.stdout.write(json.dumps({"case": case.pk, "entries": len(pack["entries"]), **written}, ensure_ascii=False))
