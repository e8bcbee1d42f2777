"""``manage.py retention_purge --person ID --reason TEXT --by USERNAME``:
purge one person's personal data, as the page does, in the name of an
administrator of their district (the same rules: every case about them
ended and past its term; a reason that names no one). Prints the tombstone
as one line of JSON; exit 1, naming the rule, when refused."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.accounts.models import User
from casework.audit.retention import person_purge
from casework.errors import CaseworkError
from casework.people.models import Person


class Command(BaseCommand):
    help = "Purge one person's personal data after every case about them has passed its retention term."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--person", type=int, required=True, help="the person's id")
        parser.add_argument("--reason", required=True, help="why (must not name the person)")
        parser.add_argument("--by", required=True, help="login of an administrator of the person's district")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(pk=options["person"]).first()
        by = User.objects.filter(username=options["by"], is_active=True).first()
        if person is None or by is None:
            raise CommandError("no such person or active user")
        try:
            tombstone = person_purge(person=person, reason=options["reason"], by=by)
        except CaseworkError as error:
            self.stderr.write(json.dumps(error.as_dict(), ensure_ascii=False))
            sys.exit(1)
        summary = {
            "person": tombstone.person_id,
            "purged_at": tombstone.purged_at.isoformat(),
            "ledger_entry": tombstone.ledger_entry_id,
            "basis": tombstone.basis,
            "counts": tombstone.counts,
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
