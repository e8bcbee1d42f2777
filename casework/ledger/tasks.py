"""Celery tasks of the ledger: take ids or nothing, safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from casework.ledger.verify import ledger_verify


@shared_task(name="casework.ledger.tasks.ledger_verify_task")
def ledger_verify_task() -> dict[str, Any]:
    """Walk the chain (nightly from beat; the auditors' issue keeps the results)."""
    return ledger_verify().as_dict()
