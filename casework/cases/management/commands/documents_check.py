"""``manage.py documents_check``: every case document's file is present and
still has the SHA-256 recorded when it was uploaded (and in the trail); files
under ``MEDIA_ROOT/documents`` that no row names are orphans, left by a
transaction that rolled back around a block that had succeeded, or by a
crash. ``--remove-orphans`` deletes orphans older than ``--older-than-hours``
(a younger one may belong to a transaction still open). Prints one line of
JSON; exit 1 when a file is missing or changed."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from casework.cases.documents import DIRECTORY, CaseDocument
from casework.ledger.verify import file_sha256


class Command(BaseCommand):
    help = "Check case documents against their recorded SHA-256 and find orphan files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--remove-orphans", action="store_true", help="delete orphan files")
        parser.add_argument("--older-than-hours", type=float, default=24.0, help="only orphans older than this")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        missing, changed, named = [], [], set()
        # A purged document's file was deleted on purpose; its name still counts, so no orphan.
        for document in CaseDocument.objects.order_by("pk").iterator():
            if document.purged_at is not None:
                named.add(document.file.name)
                continue
            named.add(document.file.name)
            found = file_sha256(document.file.name)
            if found is None:
                missing.append(document.pk)
            elif found != document.sha256:
                changed.append(document.pk)
        root = Path(settings.MEDIA_ROOT)
        orphans = [
            path
            for path in sorted((root / DIRECTORY).rglob("*"))
            if path.is_file() and path.relative_to(root).as_posix() not in named
        ]
        removed = 0
        if options["remove_orphans"]:
            cutoff = time.time() - options["older_than_hours"] * 3600
            for path in orphans:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        result = {
            "documents": len(named),
            "ok": not missing and not changed,
            "missing": missing,
            "changed": changed,
            "orphans": [path.relative_to(root).as_posix() for path in orphans],
            "removed": removed,
            "seconds": round(time.monotonic() - started, 3),
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if not result["ok"]:
            self.stderr.write(f"documents missing: {missing}; changed since upload: {changed}")
            sys.exit(1)
