"""Opening bargaining cases: what one enterprise's opening
(``services.bargaining_case_open``) and a district's campaign
(``campaign_services.campaign_start``) share, so that a case opened either
way has the same fields, checks, number series, task, due date and ledger
entry. The campaign opens hundreds at once through
``bargaining_cases_open_many`` (a few statements for all of them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.bargaining.choices import FINAL_STATES, State
from casework.bargaining.models import BargainingCase
from casework.cases import data as d
from casework.cases.bulk import cases_start_many
from casework.cases.services import case_numbers_take, case_subject
from casework.district.selectors import district_of
from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.ledger.services import ledger_append_many, ledger_entry
from casework.org.models import Unit
from permissions.roles import GRASS_ROOTS

SERIES = "协"


def grass_roots_check(unit: Unit) -> None:
    if unit.kind not in GRASS_ROOTS:
        raise RuleViolation(
            _("单位：工资集体协商在基层工会所在的企业进行，%(unit)s不是基层单位。") % {"unit": unit.name},
            code="bargaining.unit_not_grass_roots",
            field="unit",
        )


def covered_check(workers_covered: int | str) -> int:
    return d.whole({"workers_covered": workers_covered}, "workers_covered", _l("覆盖职工人数"), minimum=1)


def open_cases_of(unit_ids: Iterable[int]) -> dict[int, BargainingCase]:
    """Each unit's latest bargaining that is open or in force: one query."""
    found: dict[int, BargainingCase] = {}
    wanted = list(unit_ids)
    for case in BargainingCase.objects.filter(unit_id__in=wanted).exclude(state__in=FINAL_STATES).order_by("pk"):
        found[case.unit_id] = case  # the latest wins
    return found


def already_open(unit: Unit, existing: BargainingCase) -> RuleViolation:
    return RuleViolation(
        _("单位：%(unit)s已有进行中的集体协商或在履行的集体合同（%(case)s）。") % {"unit": unit.name, "case": existing},
        code="bargaining.already_open",
        field="unit",
    )


def opened_fields(
    *,
    unit: Unit,
    by: User | None,
    covered: int,
    figures: dict[str, Any],
    previous: BargainingCase | None = None,
    state: str = State.PREPARING,
    **more: Any,
) -> dict[str, Any]:
    """The fields of a new case of ``unit`` (checked already), in ``state``."""
    return {
        "case_type": "bargaining",
        "state": state,
        "unit": unit,
        "unit_path": unit.path,
        "filed_by": by,
        "term": previous.term + 1 if previous is not None else 1,
        "previous": previous,
        "workers_covered": covered,
        **figures,
        **more,
    }


def opened_entry(case: BargainingCase, *, acting: dict[str, Any], figures: dict[str, Any], **more: Any) -> LedgerEntry:
    """The one ledger entry of a new case (not yet appended)."""
    return ledger_entry(
        action="bargaining.opened",
        subject=case_subject(case),
        subject_unit=case.unit,
        from_state="",
        to_state=case.state,
        payload={
            "number": case.number,
            "term": case.term,
            "previous": case.previous_id,
            "workers_covered": case.workers_covered,
            **figures,
            **more,
        },
        **acting,
    )


def bargaining_cases_open_many(
    *,
    openings: Sequence[tuple[Unit, int]],
    by: User | None,
    acting: dict[str, Any],
    today: date,
    state: str,
    payload: dict[str, Any],
    **fields: Any,
) -> list[BargainingCase]:
    """Open a case for each ``(enterprise, workers covered)`` of one
    district in ``state`` with ``fields``: numbers in order from the
    district's series, each case's open task with its due date, and one
    ledger entry each (``payload`` added to it). The caller has checked the
    units and the numbers, locked the units, found none with a case open,
    and asked permission (``acting``, the membership its entries name)."""
    from flows.bargaining import BargainingFlow  # the flow imports this app's models

    if not openings:
        return []
    cases = [
        BargainingCase(**opened_fields(unit=unit, by=by, covered=covered, figures={}, state=state, **fields))
        for unit, covered in openings
    ]
    district = district_of(openings[0][0])
    numbers = case_numbers_take(district=district, series=SERIES, year=today.year, count=len(cases))
    for case, number in zip(cases, numbers, strict=True):
        case.number, case.number_district = number, district
    cases_start_many(flow_class=BargainingFlow, cases=cases)
    ledger_append_many([opened_entry(case, acting=acting, figures={}, **payload) for case in cases])
    return cases
