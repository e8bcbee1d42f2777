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
from casework.ledger.verify import ledger_verify
from casework.org.models import Membership
from notifications.services import outbox_queue
from permissions import roles

FAILED_EVENT = "ledger.integrity_failed"


def _head_lost() -> dict[str, object]:
    """The last good check's head, if this chain no longer holds it."""
    earlier = IntegrityCheck.objects.filter(ok=True, head_seq__isnull=False).order_by("-started_at", "-pk").first()
    if earlier is None or earlier.head_seq is None:
        return {}
    found = LedgerEntry.objects.filter(seq=earlier.head_seq).values_list("hash", flat=True).first()
    if found == earlier.head:
        return {}
    return {"check": earlier.pk, "seq": earlier.head_seq, "hash": earlier.head, "found": found or ""}


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
    lost = _head_lost() if result.ok else {}
    ok = result.ok and not lost
    first_bad, problem = result.first_bad, result.problem
    if lost:
        first_bad, problem = int(str(lost["seq"])), "head_lost"
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


@shared_task(name="casework.audit.integrity_check_requested")
def integrity_check_requested(user_id: int) -> dict[str, object]:
    """A check an auditor asked for on the page: run by a worker, not in the request."""
    check = integrity_check_run(trigger=IntegrityCheck.Trigger.ON_DEMAND, by=User.objects.get(pk=user_id))
    return {"check": check.pk, "ok": check.ok, "entries": check.entries, "head": check.head}


@shared_task(name="casework.audit.integrity_check_nightly")
def integrity_check_nightly() -> dict[str, object]:
    """Celery beat's nightly run (takes nothing; running it twice keeps two results)."""
    check = integrity_check_run(trigger=IntegrityCheck.Trigger.NIGHTLY)
    return {"check": check.pk, "ok": check.ok, "entries": check.entries, "head": check.head}
