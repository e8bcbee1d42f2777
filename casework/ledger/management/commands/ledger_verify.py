"""``manage.py ledger_verify``: walk the chain; exit 0 when intact, 1 naming
the first bad sequence number when not. Prints one line of JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from casework.ledger.verify import ledger_verify


class Command(BaseCommand):
    help = "Verify the decision ledger's hash chain."

    def handle(self, *args: Any, **options: Any) -> None:
        result = ledger_verify()
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        if not result.ok:
            self.stderr.write(f"ledger broken at sequence {result.first_bad} ({result.problem})")
            sys.exit(1)
