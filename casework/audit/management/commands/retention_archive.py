"""``manage.py retention_archive``: record the retention term of every ended
case (nightly from Celery beat as well). Prints one line of JSON: terms
recorded, changed, unchanged, and the cases skipped with the reason (no
district setting, no end date); exit 1 when any was skipped."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from casework.audit.retention import retention_archive


class Command(BaseCommand):
    help = "Record the retention term of every ended case."

    def handle(self, *args: Any, **options: Any) -> None:
        result = retention_archive()
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        if result.skipped:
            self.stderr.write(f"{len(result.skipped)} ended case(s) without a retention term")
            sys.exit(1)
