"""The integrity check as the auditors see it: ``ledger_verify`` run nightly,
on demand or from the command line, its result kept (``IntegrityCheck``),
and a failure told to the district's auditors and administrators.

Besides the chain and the evidence files, a check compares the chain with
the head the last good check saw: removing the newest entries leaves a
shorter chain that verifies, and only a head recorded earlier reveals it.
"""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from casework.accounts.models import User
from casework.audit.models import IntegrityCheck
from casework.ledger import chain
from casework.ledger.models import LedgerEntry
from casework.ledger.verify import VerifyResult, ledger_verify
from casework.org.models import Membership
from notifications.services import outbox_queue
from permissions import roles

FAILED_EVENT = "ledger.integrity_failed"
PURGED_ACTION = "person.purged"


def _head_lost(result: VerifyResult) -> dict[str, object]:
    """The last good check's head, if this chain no longer holds it."""
    earlier = IntegrityCheck.objects.filter(ok=True, head_seq__isnull=False).order_by("-started_at", "-pk").first()
    if earlier is None or earlier.head_seq is None:
        return {}
    found = LedgerEntry.objects.filter(seq=earlier.head_seq).values_list("hash", flat=True).first()
    if found == earlier.head:
        return {}
    return {"check": earlier.pk, "seq": earlier.head_seq, "hash": earlier.head, "found": found or ""}


def _cleared_without_purge() -> list[int]:
    """Entries whose personal part is empty (no salt: ``ledger_entry``
    always gives one) that no ``person.purged`` entry lists as cleared. The
    ledger's trigger lets exactly this UPDATE through for the purge; this
    finds it done by anyone else."""
    cleared = set(LedgerEntry.objects.filter(personal_salt="").values_list("seq", flat=True))
    if not cleared:
        return []
    for payload in LedgerEntry.objects.filter(action=PURGED_ACTION).values_list("payload", flat=True):
        cleared -= set(payload.get("cleared", []))
    return sorted(cleared)


def _failure_recipients() -> QuerySet[User]:
    """Auditors and administrators of districts (and of a city above them)."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.current()
        .filter(role__in=[roles.AUDITOR, roles.ADMINISTRATOR], unit__kind__in=roles.UPPER)
        .values("user_id"),
    )


def integrity_check_run(*, trigger: str, by: User | None = None) -> IntegrityCheck:
    """Verify the whole chain and the evidence files it names, compare with
    the last good check's head, keep the result and, when anything is
    wrong, queue ``ledger.integrity_failed`` to the districts' auditors and
    administrators. ``by`` is whoever asked (None for the nightly run); the
    caller has checked they read the trail."""
    started = timezone.now()
    result = ledger_verify()
    lost = _head_lost(result) if result.ok else {}
    stray = _cleared_without_purge() if result.ok and not lost else []
    ok = result.ok and not lost and not stray
    first_bad, problem = result.first_bad, result.problem
    if lost:
        first_bad, problem = int(str(lost["seq"])), "head_lost"
    elif stray:
        first_bad, problem = stray[0], "personal_cleared"
    with transaction.atomic():
        check = IntegrityCheck.objects.create(
            trigger=trigger,
            requested_by=by,
            started_at=started,
            finished_at=timezone.now(),
            entries=result.entries,
            ok=ok,
            first_bad=first_bad,
            problem=problem,
            head_seq=result.entries or None if result.ok else None,
            head=result.head if result.entries else chain.GENESIS_HASH,
            files_checked=result.files_checked,
            files_bad=result.files_bad,
            head_lost=lost,
        )
        if not ok:
            outbox_queue(
                event=FAILED_EVENT,
                subject=("audit.integritycheck", str(check.pk)),
                recipients=_failure_recipients(),
                payload={"first_bad": check.first_bad, "problem": check.problem, "entries": check.entries},
            )
    return check


def integrity_checks() -> QuerySet[IntegrityCheck]:
    """The kept results, newest first."""
    return IntegrityCheck.objects.select_related("requested_by").order_by("-started_at", "-pk")


@shared_task(name="casework.audit.integrity_check_nightly")
def integrity_check_nightly() -> dict[str, object]:
    """Celery beat's nightly run (takes nothing; running it twice keeps two results)."""
    check = integrity_check_run(trigger=IntegrityCheck.Trigger.NIGHTLY)
    return {"check": check.pk, "ok": check.ok, "entries": check.entries, "head": check.head}
