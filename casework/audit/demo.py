"""The audit settings of the demo district (and of the tests' district)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import transaction

from casework.accounts.models import User
from casework.audit.integrity import integrity_check_run
from casework.audit.models import IntegrityCheck
from casework.audit.retention import retention_archive
from casework.district.services import district_settings_enter_missing
from casework.org.models import Unit

SETTINGS = {
    "audit.retention_years": "10",
    "audit.working_hours_start": "8",
    "audit.working_hours_end": "18",
    "audit.approver_share": "0.8",
    "audit.approver_min_decisions": "5",
}


def seed_audit(*, district: Unit, today: date, users: dict[str, User]) -> Counter[str]:
    """The district's audit settings, the retention terms of the cases that
    ended (as the nightly archive would record them), and a first integrity
    check on record."""
    created: Counter[str] = Counter()
    with transaction.atomic():
        created["district_settings"] += district_settings_enter_missing(
            district=district,
            values=SETTINGS,
            effective_from=date(today.year - 1, 1, 1),
            reason="区总工会经费审查委员会工作规则（演示数据）",
            by=users["admin"],
        )
    created["retention_terms"] += retention_archive(today=today).recorded
    if not IntegrityCheck.objects.exists():
        integrity_check_run(trigger=IntegrityCheck.Trigger.COMMAND)
        created["integrity_checks"] += 1
    return created
