"""Write docs/permissions.md from the role catalogue (``--check``: only say
whether it is current, exit 1 when stale)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from permissions.docs import DOC_PATH, permissions_markdown


class Command(BaseCommand):
    help = "Generate docs/permissions.md from permissions/roles.py."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail when the file is stale, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        text = permissions_markdown()
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if options["check"]:
            if current != text:
                raise CommandError(f"{DOC_PATH} is stale: run `manage.py permissions_doc`")
            return
        DOC_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(str(DOC_PATH))
