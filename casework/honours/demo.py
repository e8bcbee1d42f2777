"""Demo data of honours (filled in below)."""

from __future__ import annotations

SETTINGS = {
    "honours.notice_working_days": "5",
    "honours.notice_close_working_days": "2",
    "honours.street_review_working_days": "10",
    "honours.inspection_working_days": "15",
    "honours.vetting_working_days": "10",
    "honours.follow_up_working_days": "5",
    "honours.committee_working_days": "10",
    "honours.approval_working_days": "10",
    "honours.repeat_years": "5",
    "honours.accident_years": "3",
    "honours.home_reinspection_months": "12",
    "honours.committee_quorum": "0.67",
    "honours.home_unionisation": "0.98",
    "honours.home_unionisation_non_public": "0.80",
    "honours.home_satisfaction": "0.85",
}
