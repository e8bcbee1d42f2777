"""Load the demo: a district, its streets and park, 16 grass-roots unions,
240 members with households, and the README's logins (password
``demo-pass-2026``). Idempotent; refused when DEBUG is off unless --force,
so a production database never gets known passwords by accident."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from casework.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo district, units, members and logins (DEBUG only, or --force)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="seed even with DEBUG off (never on a production database)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(_("seed_demo 会创建密码公开的登录账号，只在 DEBUG=1 时运行，或加 --force。"))
        created = seed_demo()
        self.stdout.write(json.dumps({"created": dict(sorted(created.items()))}))
