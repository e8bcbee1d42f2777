"""The audit settings of the demo district (and of the tests' district)."""

from __future__ import annotations

SETTINGS = {
    "audit.retention_years": "10",
    "audit.working_hours_start": "8",
    "audit.working_hours_end": "18",
    "audit.approver_share": "0.8",
    "audit.approver_min_decisions": "5",
}
