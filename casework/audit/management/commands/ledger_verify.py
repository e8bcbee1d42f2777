"""``manage.py ledger_verify``: walk the chain and the evidence files it
names, compare with the last good check's head, and keep the result (as
the nightly run does). Prints one line of JSON; exit 0 when intact, 1
naming the first bad sequence number when not.

``--workers N`` checks the chain in N processes at once on PostgreSQL (by
default one per CPU; a short chain is checked in one, see
``casework.ledger.verify``).

``--pack FILE`` checks an evidence pack's JSON against the ledger instead:
whether every entry in it is still the one in the chain (casework/audit/packs.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.audit.integrity import integrity_check_run
from casework.audit.models import IntegrityCheck
from casework.audit.packs import pack_check
from casework.ledger.verify import ledger_verify_workers


def _workers(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"a number of processes, 1 or more: {value!r}")
    return int(value)


class Command(BaseCommand):
    help = "Verify the decision ledger's hash chain (or an evidence pack against it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pack", type=Path, help="an evidence pack's JSON file to check against the ledger")
        parser.add_argument(
            "--workers",
            type=_workers,
            metavar="N",
            help="processes checking ranges of the chain at once (PostgreSQL; default: one per CPU, 1: no others)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with ledger_verify_workers(options["workers"]):
            if options["pack"] is not None:
                self._pack(options["pack"])
                return
            check = integrity_check_run(trigger=IntegrityCheck.Trigger.COMMAND)
        summary = {
            "check": check.pk,
            "entries": check.entries,
            "ok": check.ok,
            "first_bad": check.first_bad,
            "problem": check.problem,
            "head_seq": check.head_seq,
            "head": check.head,
            "files_checked": check.files_checked,
            "files_bad": check.files_bad,
            "head_lost": check.head_lost,
            "seconds": round((check.finished_at - check.started_at).total_seconds(), 3),
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
        if not check.ok:
            self.stderr.write(f"ledger broken at sequence {check.first_bad} ({check.problem})")
            sys.exit(1)

    def _pack(self, path: Path) -> None:
        try:
            pack = json.loads(path.read_text(encoding="utf-8"))
            result = pack_check(pack)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"{path}: not a readable evidence pack ({error})") from error
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        if not result.ok:
            chain_bad = {"seq": result.chain.get("first_bad"), "problem": "chain"}
            first = result.problems[0] if result.problems else chain_bad
            self.stderr.write(f"pack does not match the ledger: sequence {first['seq']} ({first['problem']})")
            sys.exit(1)
