"""``manage.py import_members FILE``: import members from CSV or XLSX.

Thin: reads the file, calls ``casework.people.imports.members_import``,
prints every rejected row and the counts. Exits 1 when any row was rejected
(the valid rows are imported all the same) or the file cannot be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.org.models import Unit
from casework.people.imports import DEFAULT_BATCH_SIZE, ImportFileError, members_import


class Command(BaseCommand):
    help = "Import members from a CSV or XLSX file (columns: see docs/people.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .csv (UTF-8 or GBK) or .xlsx file")
        parser.add_argument("--by", default="", help="username recorded in the ledger (default: system)")
        parser.add_argument("--role", default="", help="role the user acts in, for the ledger")
        parser.add_argument("--unit", default="", help="code of the unit the user acts for, for the ledger")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument("--json", action="store_true", help="print the counts as one line of JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("文件：无法读取 %(path)s（%(error)s）。") % {"path": path, "error": exc}) from exc
        by = self._lookup(User, "username", options["by"])
        unit = self._lookup(Unit, "code", options["unit"])
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            result = members_import(
                data=data,
                filename=path.name,
                by=by,
                role=options["role"],
                unit=unit,
                batch_size=options["batch_size"],
            )
        except ImportFileError as exc:
            raise CommandError(str(exc.message)) from exc

        for error in result.errors:
            self.stderr.write(str(error))
        if result.ignored_columns:
            self.stderr.write(_("已忽略无法识别的列：%(columns)s") % {"columns": "、".join(result.ignored_columns)})
        if options["json"]:
            self.stdout.write(json.dumps({**result.counts(), "sha256": result.sha256}, ensure_ascii=False))
        else:
            self.stdout.write(
                _("共%(rows)d行：新建%(created)d，更新%(updated)d，未变化%(unchanged)d，拒绝%(rejected)d。")
                % result.counts()
            )
        if result.rejected:
            raise CommandError(
                _("%(rejected)d行被拒绝，其余有效行已导入；请改正后重新导入同一文件。") % result.counts()
            )

    @staticmethod
    def _lookup(model: Any, field: str, value: str) -> Any:
        if not value:
            return None
        try:
            return model.objects.get(**{field: value})
        except model.DoesNotExist:
            raise CommandError(f"{model._meta.verbose_name} {value!r} not found") from None
