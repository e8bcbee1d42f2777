"""Print the state of notification delivery as JSON (for monitoring)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from notifications.selectors import delivery_status


class Command(BaseCommand):
    help = "Pending and failed notifications, paused webhook subscribers, deliveries in the last 24 hours (JSON)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(delivery_status(), indent=2, sort_keys=True))
