"""The funds audit (经费审计): where assistance money went, and what is wrong with it.

``funds_audit`` traces every approved payment paid by a unit of a subtree in
a period — single payments and campaign-list lines alike — to its record, its
budget line, its requester and its approver, and names the exceptions found
on it (``EXCEPTIONS``). The record's state at the moment of approval is read
from the trail, never from today's state. A fixed number of queries whatever
the number of payments: the payments with their relations, the trail entries
of their cases, the workers' other payments of the same years (for ceilings
and campaigns), the districts and their ceilings (docs/audit-funds.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.audit.filters import day_start, period_check
from casework.district.models import DistrictSetting
from casework.hardship.assistance import AssistancePayment, PaymentState
from casework.hardship.choices import State
from casework.hardship.payments import PAYABLE_STATES
from casework.ledger.models import LedgerEntry
from casework.org.models import PATH_SEGMENT_WIDTH, Unit, UnitKind
from permissions.access import require, scope

# The report is read from the decision trail: only auditors read it (docs/audit-funds.md).
ACTION = "ledger.view"
APPROVED_ACTION = "hardship.payment_approved"
CHUNK = 500  # ids per IN (...) list, well under SQLite's limit of bound parameters

EXCEPTIONS: dict[str, Promise] = {
    "over_ceiling": _l("超过年度上限"),
    "record_not_filed": _l("审核时档案不在建档状态"),
    "requester_is_approver": _l("申请人与审核人为同一人"),
    "paid_twice_in_campaign": _l("同一活动重复发放"),
    "paid_after_exit": _l("退档后发放"),
    "no_approver": _l("无审核人"),
    "approval_not_in_trail": _l("轨迹中无相符的审核记录"),
    "ceiling_unknown": _l("未设年度上限"),
    "line_out_of_reach": _l("资金来源不属档案所在单位"),
}


@dataclass(frozen=True)
class Finding:
    """One exception on one payment: a stable ``code`` and what was seen."""

    code: str
    detail: str

    @property
    def label(self) -> str:
        return str(EXCEPTIONS[self.code])


@dataclass
class PaymentTrace:
    """A payment with everything it traces to, and its exceptions."""

    payment: AssistancePayment
    paid_on: date  # the paid date, else the day it was approved
    requester: User
    approver: User | None
    state_at_approval: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def campaign(self) -> str:
        return self.payment.batch.campaign if self.payment.batch is not None else ""

    @property
    def state_label(self) -> str:
        if not self.state_at_approval:
            return _("（轨迹中无记录）")
        return str(State(self.state_at_approval).label) if self.state_at_approval in State else self.state_at_approval


@dataclass
class FundsReport:
    unit: Unit
    date_from: date
    date_to: date
    traces: list[PaymentTrace]

    @property
    def exceptions(self) -> list[tuple[PaymentTrace, Finding]]:
        return [(trace, finding) for trace in self.traces for finding in trace.findings]

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(code, label, payments with it) for every kind of exception, in catalogue order."""
        found: dict[str, int] = defaultdict(int)
        for _trace, finding in self.exceptions:
            found[finding.code] += 1
        return [(code, str(label), found[code]) for code, label in EXCEPTIONS.items()]

    @property
    def total(self) -> Decimal:
        return sum((t.payment.amount for t in self.traces), Decimal("0"))


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _paid_between(first: date, last: date) -> Q:
    """Paid in [first, last]; a payment without a paid date counts on the
    day (Asia/Shanghai) it was approved."""
    return Q(paid_on__range=(first, last)) | Q(
        paid_on__isnull=True, decided_at__gte=day_start(first), decided_at__lt=day_start(last + timedelta(days=1))
    )


def _payment_day(paid_on: date | None, decided_at: datetime | None) -> date:
    if paid_on is not None:
        return paid_on
    assert decided_at is not None  # the period filter keeps only payments with one of the two
    return timezone.localdate(decided_at)


def _payments(user: User, unit: Unit, date_from: date, date_to: date) -> list[AssistancePayment]:
    payments = AssistancePayment.objects.filter(
        state=PaymentState.APPROVED, budget_line__unit__path__startswith=unit.path
    ).filter(_paid_between(date_from, date_to))
    related = ("case__person", "case__unit", "budget_line__unit", "requested_by", "decided_by")
    batch = ("batch__requested_by", "batch__decided_by")
    return list(scope(user, payments, ACTION).select_related(*related, *batch).order_by("paid_on", "decided_at", "pk"))


def _trails(case_ids: Iterable[int]) -> dict[str, list[dict[str, Any]]]:
    """The trail of each case, in sequence order (one query per 500 cases)."""
    trails: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ids in _chunks(str(pk) for pk in case_ids):
        rows = (
            LedgerEntry.objects.filter(subject_type="cases.case", subject_id__in=ids)
            .order_by("seq")
            .values("subject_id", "seq", "recorded_at", "to_state", "action", "payload", "actor_id")
        )
        for row in rows:
            trails[row["subject_id"]].append(dict(row))
    return trails


def _state_at(trail: list[dict[str, Any]], moment: datetime) -> str:
    """The state the latest entry recorded at or before ``moment`` left the case in."""
    before = [
        (e["recorded_at"], e["seq"], e["to_state"]) for e in trail if e["recorded_at"] <= moment and e["to_state"]
    ]
    return max(before)[2] if before else ""


def _worker(payment: AssistancePayment) -> str:
    person_id = payment.case.person_id
    return f"person:{person_id}" if person_id is not None else f"case:{payment.case_id}"


def _year_payments(workers: set[str], years: set[int]) -> list[dict[str, Any]]:
    """Every approved payment to these workers in these years, wherever paid:
    the year's total and a campaign's earlier lines count them all."""
    if not years:
        return []
    persons = [int(w.split(":")[1]) for w in workers if w.startswith("person:")]
    cases = [int(w.split(":")[1]) for w in workers if w.startswith("case:")]
    # From the year before: a winter campaign's earlier line may have been paid in December.
    period = _paid_between(date(min(years) - 1, 1, 1), date(max(years), 12, 31))
    fields = ("pk", "case_id", "case__person_id", "assistance_type", "amount", "paid_on", "decided_at")
    rows: list[dict[str, Any]] = []
    for key, ids in [("case__person_id__in", chunk) for chunk in _chunks(persons)] + [
        ("case_id__in", chunk) for chunk in _chunks(cases)
    ]:
        found = AssistancePayment.objects.filter(period, state=PaymentState.APPROVED, **{key: ids})
        rows.extend(found.values(*fields, "batch__campaign", "batch__budget_line__year"))
    unique = {row["pk"]: row for row in rows}
    for row in unique.values():
        row["day"] = _payment_day(row["paid_on"], row["decided_at"])
        row["worker"] = (
            f"person:{row['case__person_id']}" if row["case__person_id"] is not None else f"case:{row['case_id']}"
        )
    return sorted(unique.values(), key=lambda r: (r["day"], r["decided_at"] or day_start(r["day"]), r["pk"]))


class _Ceilings:
    """``setting_value``'s rule (the row with the latest effective date not
    after the day, of two the later entered) for many payments, from one
    read of the units above them and one of their districts' ceilings."""

    def __init__(self, case_paths: Iterable[str], types: Iterable[str]) -> None:
        width = PATH_SEGMENT_WIDTH + 1
        prefixes = {p[: 1 + width * n] for p in case_paths for n in range(1, p.count("/"))}
        self.units = {u.path: u for u in Unit.objects.filter(path__in=prefixes).only("pk", "kind", "path")}
        self.districts: dict[str, int | None] = {}
        districts = {self.district_of(path) for path in case_paths} - {None}
        rows = DistrictSetting.objects.filter(
            district_id__in=districts, key__in=[f"hardship.ceiling.{t}" for t in types]
        ).order_by("effective_from", "entered_at", "pk")
        self.rows: dict[tuple[int, str], list[DistrictSetting]] = defaultdict(list)
        for row in rows:
            self.rows[(row.district_id, row.key)].append(row)

    def district_of(self, case_path: str) -> int | None:
        """The nearest district at or above the case's unit, else the top (``district_of``)."""
        if case_path not in self.districts:
            above = sorted((u for p, u in self.units.items() if case_path.startswith(p)), key=lambda u: -len(u.path))
            districts = [u.pk for u in above if u.kind == UnitKind.DISTRICT]
            self.districts[case_path] = districts[0] if districts else (above[-1].pk if above else None)
        return self.districts[case_path]

    def on(self, case_path: str, assistance_type: str, day: date) -> Decimal | None:
        district = self.district_of(case_path)
        applying = [
            r for r in self.rows[(district or 0, f"hardship.ceiling.{assistance_type}")] if r.effective_from <= day
        ]
        return applying[-1].value if applying else None


def _year_findings(traces: list[PaymentTrace], ceilings: _Ceilings) -> None:
    """Over the year's ceiling and paid twice in one campaign, counting the
    workers' payments outside the report too, in the order they were paid."""
    ours = {t.payment.pk: t for t in traces}
    workers = {_worker(t.payment) for t in traces}
    used: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    campaigns: set[tuple[str, str, int]] = set()
    for row in _year_payments(workers, {t.paid_on.year for t in traces}):
        year = row["day"].year
        total_key = (row["worker"], row["assistance_type"], year)
        used[total_key] += row["amount"]
        trace = ours.get(row["pk"])
        # A campaign is its name in its budget year: 送温暖 runs December to February.
        campaign = (row["batch__campaign"] or "").strip()
        campaign_key = (row["worker"], campaign, row["batch__budget_line__year"] or year)
        repeated = bool(campaign) and campaign_key in campaigns
        if campaign:
            campaigns.add(campaign_key)
        if trace is None:
            continue
        if repeated:
            trace.findings.append(
                Finding("paid_twice_in_campaign", _("“%(c)s”本年度已向该职工发放过") % {"c": campaign})
            )
        ceiling = ceilings.on(trace.payment.case.unit_path, row["assistance_type"], row["day"])
        if ceiling is None:
            trace.findings.append(Finding("ceiling_unknown", _("所属区未设该类帮扶的年度上限")))
        elif used[total_key] > ceiling:
            trace.findings.append(
                Finding(
                    "over_ceiling",
                    _("本年度累计%(used)s元，上限%(ceiling)s元") % {"used": used[total_key], "ceiling": ceiling},
                )
            )


def _trace_findings(trace: PaymentTrace, trail: list[dict[str, Any]]) -> None:
    payment, case = trace.payment, trace.payment.case
    # Not filed when approved, or no longer filed on the day it was paid
    # (unless it had exited by then: that is ``paid_after_exit``).
    at_payment = _state_at(trail, day_start(payment.paid_on + timedelta(days=1))) if payment.paid_on else ""
    if trace.state_at_approval not in PAYABLE_STATES:
        trace.findings.append(Finding("record_not_filed", _("审核时状态：%(state)s") % {"state": trace.state_label}))
    elif at_payment and at_payment not in (*PAYABLE_STATES, State.EXITED, State.ARCHIVED):
        label = str(State(at_payment).label) if at_payment in State else at_payment
        trace.findings.append(Finding("record_not_filed", _("发放时状态：%(state)s") % {"state": label}))
    if trace.approver is None:
        trace.findings.append(Finding("no_approver", _("已批准但未记载审核人")))
    elif trace.approver.pk == trace.requester.pk:
        trace.findings.append(Finding("requester_is_approver", trace.approver.get_username()))
    approvals = [
        e for e in trail if e["action"] == APPROVED_ACTION and (e["payload"] or {}).get("payment") == payment.pk
    ]
    if not approvals:
        trace.findings.append(Finding("approval_not_in_trail", _("轨迹中没有批准该笔发放的记录")))
    elif trace.approver is not None and all(e["actor_id"] != trace.approver.pk for e in approvals):
        trace.findings.append(Finding("approval_not_in_trail", _("轨迹记载的审核人与发放记录不符")))
    exited_on = case.exited_on
    approved_on = timezone.localdate(payment.decided_at) if payment.decided_at else None
    if exited_on is not None and max(trace.paid_on, approved_on or trace.paid_on) > exited_on:
        trace.findings.append(Finding("paid_after_exit", _("退档日期：%(day)s") % {"day": exited_on.isoformat()}))
    if not case.unit_path.startswith(payment.budget_line.unit.path):
        trace.findings.append(Finding("line_out_of_reach", str(payment.budget_line.unit.name)))


def funds_audit(*, user: User, unit: Unit, date_from: date, date_to: date) -> FundsReport:
    """The approved payments paid by ``unit`` or a unit under it between
    ``date_from`` and ``date_to`` (inclusive; by paid date, else approval
    date), each traced and with its exceptions. ``user`` must read the trail
    at ``unit`` (``NotAllowed`` otherwise) and sees only records in scope."""
    require(user, ACTION, unit)
    period_check(date_from, date_to, field="date_to")
    payments = _payments(user, unit, date_from, date_to)
    trails = _trails(p.case_id for p in payments)
    traces = []
    for payment in payments:
        batch = payment.batch
        # A list's line is requested and approved with the list: its people are the list's.
        requester = batch.requested_by if batch is not None else payment.requested_by
        approver = batch.decided_by if batch is not None else payment.decided_by
        decided_at = payment.decided_at or (batch.decided_at if batch is not None else None)
        day = _payment_day(payment.paid_on, decided_at)
        moment = decided_at or day_start(day + timedelta(days=1)) - timedelta(microseconds=1)
        trail = trails.get(str(payment.case_id), [])
        trace = PaymentTrace(payment, day, requester, approver, _state_at(trail, moment))
        _trace_findings(trace, trail)
        traces.append(trace)
    ceilings = _Ceilings({p.case.unit_path for p in payments}, {p.assistance_type for p in payments})
    _year_findings(traces, ceilings)
    return FundsReport(unit, date_from, date_to, traces)
