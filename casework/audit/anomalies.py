"""Anomaly rules: patterns in the trail an auditor should look at.

Each rule is declared once (``AnomalyRule``): its code, what it flags and
why an auditor cares, the district settings that tune it, and a function
computing its findings for a unit subtree and a period. ``anomalies_find``
runs them for a user, who sees only entries and cases in their scope.
Thresholds are read for each case's district, as in force on the period's
last day (today at the latest), one lookup per district and setting; each
rule reads the trail with a fixed number of queries (docs/audit-anomalies.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from viewflow.workflow.status import STATUS

from casework.accounts.models import User
from casework.audit.filters import period_check
from casework.calendar import add_working_days, is_working_day
from casework.cases.models import Case
from casework.cases.notices import notice_end, notice_rules
from casework.cases.selectors import STATE_LABELS, TABLES
from casework.deadlines.models import TaskDeadline
from casework.deadlines.selectors import OPEN_STATUSES
from casework.district.selectors import setting_value
from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry
from casework.org.models import Unit, UnitKind, unit_path_ancestors
from permissions.access import require, scope
from permissions.roles import ACTIONS, ROLES

DECIDE_PERMISSIONS = frozenset(code for code in ACTIONS if code.endswith(".decide"))
# Decisions taken outside a transition table: a payment approved or refused, a revocation decided.
OTHER_DECISIONS = ("hardship.payment_approved", "hardship.payment_refused", "honours.revocation_decided")
# The rule every "the notice is over" step checks, whatever the case type.
NOTICE_OVER = notice_rules("hardship.notice_working_days")[1].__qualname__


@dataclass(frozen=True)
class Finding:
    rule: str
    case_id: int | None
    case_number: str
    seq: int | None  # the ledger entry, where there is one
    actor: str
    when: datetime | None
    explanation: str
    unit: str = ""
    case_label: str = ""  # the number, or the type and id before one is issued


class Thresholds:
    """District settings for units under ``unit``: each unit's district
    (the nearest district above it, else the top of the tree), the value in
    force ``on`` that day, read once per district and key."""

    def __init__(self, unit: Unit, on: date) -> None:
        self.on = on
        near = Q(path__in=unit_path_ancestors(unit.path)) | Q(path__startswith=unit.path, kind=UnitKind.DISTRICT)
        units = list(Unit.objects.filter(near).order_by("-depth"))
        self._districts = [u for u in units if u.kind == UnitKind.DISTRICT]
        self._top = units[-1]
        self._values: dict[tuple[int, str], Decimal] = {}

    def value(self, path: str, key: str) -> Decimal:
        district = next((u for u in self._districts if path.startswith(u.path)), self._top)
        if (district.pk, key) not in self._values:
            self._values[district.pk, key] = setting_value(district, key, on=self.on)
        return self._values[district.pk, key]


@dataclass(frozen=True)
class Window:
    """What every rule computes over: the user's scope under ``unit``, the period's days and its bounds in UTC."""

    user: User
    unit: Unit
    date_from: date
    date_to: date
    today: date
    thresholds: Thresholds

    def entries(self) -> QuerySet[LedgerEntry]:
        """Trail entries about cases under the unit, recorded in the period, that the user may read."""
        tz = timezone.get_default_timezone()
        start = datetime.combine(self.date_from, time.min, tzinfo=tz)
        end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz)
        entries = LedgerEntry.objects.filter(
            subject_type="cases.case",
            subject_unit__path__startswith=self.unit.path,
            recorded_at__gte=start,
            recorded_at__lt=end,
        )
        return scope(self.user, entries, "ledger.view")


@dataclass(frozen=True)
class AnomalyRule:
    code: str
    label: Promise
    description: Promise
    settings: tuple[str, ...]
    find: Callable[[Window], list[Finding]]


def decision_steps() -> dict[str, set[str]]:
    """Each ledger action of a decision step and the states it is taken
    from: table steps whose permission is a decide permission, taken by a person."""
    steps: dict[str, set[str]] = defaultdict(set)
    for case_type, table in TABLES.items():
        for t in table.transitions:
            if t.permission in DECIDE_PERMISSIONS and not t.by_system:
                steps[f"{case_type}.{t.action}"].add(t.state)
    return steps


def decisions() -> Q:
    """Entries of a person taking a decision: a decision step (by the state it left) or ``OTHER_DECISIONS``."""
    q = Q(action__in=OTHER_DECISIONS)
    for action, states in decision_steps().items():
        q |= Q(action=action, from_state__in=sorted(states))
    return q & Q(actor__isnull=False)


def _actor(entry: LedgerEntry) -> str:
    return str(entry.actor) if entry.actor is not None else entry.actor_name


def _hour(value: Decimal) -> str:
    minutes = int(value * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _finding(rule: str, entry: LedgerEntry, explanation: str) -> Finding:
    case_id = int(entry.subject_id) if entry.subject_id.isdigit() else None
    return Finding(rule, case_id, "", entry.seq, _actor(entry), entry.recorded_at, explanation)


def outside_working_hours(w: Window) -> list[Finding]:
    found = []
    for entry in w.entries().filter(decisions()).select_related("actor", "subject_unit").order_by("seq"):
        path = entry.subject_unit.path if entry.subject_unit else w.unit.path
        start = w.thresholds.value(path, "audit.working_hours_start")
        end = w.thresholds.value(path, "audit.working_hours_end")
        local = timezone.localtime(entry.recorded_at, timezone.get_default_timezone())
        hour = Decimal(local.hour) + Decimal(local.minute * 60 + local.second) / 3600
        figures = {"when": f"{local:%Y-%m-%d %H:%M}", "start": _hour(start), "end": _hour(end)}
        if not is_working_day(local.date()):
            text = _("决定作出于%(when)s，当天不是工作日。") % figures
        elif not start <= hour < end:
            text = _("决定作出于%(when)s，在工作时间%(start)s至%(end)s之外。") % figures
        else:
            continue
        found.append(_finding("outside_working_hours", entry, text))
    return found


def notice_ends() -> tuple[set[tuple[str, str]], set[str]]:
    """The steps ending a notice as over (action, notice state: they check
    ``NOTICE_OVER``), and every notice state (its period runs from the notice's end)."""
    ends, states = set(), set()
    for case_type, table in TABLES.items():
        noticed = {s for s, period in table.periods.items() if period.after is notice_end}
        states |= noticed
        for t in table.transitions:
            if t.state in noticed and any(getattr(r, "__qualname__", "") == NOTICE_OVER for r in t.rules):
                ends.add((f"{case_type}.{t.action}", t.state))
    return ends, states


def notice_completed_early(w: Window) -> list[Finding]:
    steps, states = notice_ends()
    ending = reduce(or_, (Q(action=action, from_state=state) for action, state in steps), Q(pk__in=[]))
    ends = list(w.entries().filter(ending).select_related("actor").order_by("seq"))
    # Each notice's dates are in the entry that began it, whenever that was.
    began = (
        LedgerEntry.objects.filter(subject_type="cases.case", subject_id__in={e.subject_id for e in ends})
        .filter(to_state__in=states)
        .exclude(from_state=F("to_state"))
        .order_by("seq")
        .values_list("subject_id", "to_state", "seq", "payload")
    )
    notices: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for subject, state, seq, payload in began:
        notices[subject, state].append((seq, str(payload.get("notice_until", ""))))
    found = []
    for entry in ends:
        until = next((u for seq, u in reversed(notices[entry.subject_id, entry.from_state]) if seq < entry.seq), "")
        ended = timezone.localtime(entry.recorded_at, timezone.get_default_timezone()).date()
        if until and ended.isoformat() <= until:
            text = _("公示截止于%(until)s，却在%(ended)s即告结束（公示期满后才能结束）。") % {
                "until": until,
                "ended": ended.isoformat(),
            }
            found.append(_finding("notice_completed_early", entry, text))
    return found


def dominant_approver(w: Window) -> list[Finding]:
    rows = list(
        w.entries()
        .filter(decisions())
        .values("subject_unit", "subject_unit__path", "subject_unit__name", "actor_role", "actor", "actor_name")
        .annotate(display=Max("actor__display_name"))
        .annotate(n=Count("seq"), last=Max("seq"), when=Max("recorded_at"))
        .order_by("subject_unit__path", "actor_role", "-n", "actor")
    )
    totals: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        totals[row["subject_unit"], row["actor_role"]] += row["n"]
    found = []
    for row in rows:
        total, path = totals[row["subject_unit"], row["actor_role"]], row["subject_unit__path"] or w.unit.path
        share = w.thresholds.value(path, "audit.approver_share")
        least = w.thresholds.value(path, "audit.approver_min_decisions")
        if total < least or row["n"] <= share * total:
            continue
        role = ROLES[row["actor_role"]].label if row["actor_role"] in ROLES else row["actor_role"]
        text = _(
            "%(unit)s的案件在此期间以“%(role)s”身份作出的%(total)d项决定中，%(n)d项（%(percent)s%%）"
            "由同一人作出，超过%(share)s%%。"
        ) % {
            "unit": row["subject_unit__name"],
            "role": role,
            "total": total,
            "n": row["n"],
            "percent": f"{Decimal(row['n'] * 100) / total:.0f}",
            "share": f"{share * 100:.0f}",
        }
        actor = row["display"] or row["actor_name"]  # as User.__str__ says it
        found.append(
            Finding("dominant_approver", None, "", row["last"], actor, row["when"], text, row["subject_unit__name"])
        )
    return found


def _working_days_after(first: date, last: date) -> int:
    """Working days after ``first`` up to and including ``last``."""
    return sum(is_working_day(first + timedelta(days=i)) for i in range(1, (last - first).days + 1))


def overdue_without_escalation(w: Window) -> list[Finding]:
    cases = scope(w.user, Case.objects.filter(unit_path__startswith=w.unit.path))
    rows = (
        TaskDeadline.objects.filter(case__in=cases, due__gte=w.date_from, due__lte=w.date_to, paused_since=None)
        .select_related("task__owner", "case")
        .order_by("due", "task_id")
    )
    late = []
    for deadline in rows:
        case, task = deadline.case, deadline.task
        step = task.flow_task.name if task.flow_task else ""
        steps = TABLES[case.case_type].from_state(step) if case.case_type in TABLES else []
        if steps and all(t.on_expiry for t in steps):
            continue  # only the scan itself takes this step: nobody to escalate to
        if task.status == STATUS.CANCELED or (task.status not in OPEN_STATUSES and task.finished is None):
            continue  # cancelled (viewflow stamps a cancelled task finished too)
        done = timezone.localtime(task.finished).date() if task.status not in OPEN_STATUSES else None
        days = int(w.thresholds.value(case.unit_path, "deadlines.escalation_working_days"))
        reference = done or w.today
        # Past the day the scan escalates: a step done on that day may have been done before the scan ran.
        if reference > add_working_days(deadline.due, days).date:
            late.append((deadline, reference, days, done))
    escalated = {
        payload.get("task")
        for payload in LedgerEntry.objects.filter(
            subject_type="cases.case",
            subject_id__in={str(d.case_id) for d, *_rest in late},
            action="case.deadline_escalated",
        ).values_list("payload", flat=True)
    }
    found = []
    for deadline, reference, days, done in late:
        if deadline.task_id in escalated:
            continue
        case, task = deadline.case, deadline.task
        step = task.flow_task.name if task.flow_task else ""
        figures = {
            "step": STATE_LABELS.get(case.case_type, {}).get(step, step),
            "due": deadline.due.isoformat(),
            "late": _working_days_after(deadline.due, reference),
            "days": days,
            "done": reference.isoformat(),
        }
        if done:
            text = _(
                "“%(step)s”应于%(due)s前办结，%(done)s才办结，超期%(late)d个工作日；"
                "超期%(days)d个工作日应报上一级，轨迹中没有上报记录。"
            )
        else:
            text = _(
                "“%(step)s”应于%(due)s前办结，至今未办结，已超期%(late)d个工作日；"
                "超期%(days)d个工作日应报上一级，轨迹中没有上报记录。"
            )
        owner = str(task.owner) if task.owner else ""
        found.append(Finding("overdue_without_escalation", case.pk, "", None, owner, task.finished, text % figures))
    return found


RULES: dict[str, AnomalyRule] = {
    rule.code: rule
    for rule in (
        AnomalyRule(
            "outside_working_hours",
            _l("工作时间以外作出的决定"),
            _l(
                "审批、付款等决定记录在工作时间以外或非工作日。"
                "可能是补录、代签或账号被他人使用，应核实当时由谁、在何处作出。"
            ),
            ("audit.working_hours_start", "audit.working_hours_end"),
            outside_working_hours,
        ),
        AnomalyRule(
            "notice_completed_early",
            _l("公示提前结束"),
            _l("公示在截止日当天或之前就结束（公示期满后才能结束）。群众可能来不及提出异议，公示程序的效力存疑。"),
            (),
            notice_completed_early,
        ),
        AnomalyRule(
            "dominant_approver",
            _l("同一审批人集中决定某单位的案件"),
            _l(
                "某单位在此期间以同一身份作出的决定中，同一人作出的比例超过上限（决定数达到下限的单位才计算）。"
                "长期由一人把关可能削弱回避和相互监督。"
            ),
            ("audit.approver_share", "audit.approver_min_decisions"),
            dominant_approver,
        ),
        AnomalyRule(
            "overdue_without_escalation",
            _l("超期未上报"),
            _l(
                "办理期限已过且超期工作日数超过上报标准，轨迹中却没有报上一级的记录。"
                "督办机制可能失灵，当事人的事项被搁置。"
            ),
            ("deadlines.escalation_working_days",),
            overdue_without_escalation,
        ),
    )
}


def _visible(user: User, findings: Iterable[Finding]) -> list[Finding]:
    """Findings about cases the user may see (with their numbers); unit-wide ones as they are."""
    findings = list(findings)
    ids = {f.case_id for f in findings if f.case_id is not None}
    cases = {c.pk: c for c in scope(user, Case.objects.filter(pk__in=ids)).only("pk", "case_type", "number")}
    return [
        replace(f, case_number=cases[f.case_id].number, case_label=str(cases[f.case_id])) if f.case_id else f
        for f in findings
        if f.case_id is None or f.case_id in cases
    ]


def anomalies_find(
    *, user: User, unit: Unit, date_from: date, date_to: date, rules: Iterable[str] | None = None
) -> list[Finding]:
    """The findings of ``rules`` (all by default, in ``RULES`` order) about
    cases under ``unit`` in the period ``date_from``–``date_to`` (both
    included), only those ``user`` may see. Refused (``NotAllowed``) to a
    user who may not read the unit's trail; an unknown rule or a period
    that ends before it begins is a ``RuleViolation`` naming the field."""
    require(user, "ledger.view", unit)
    chosen = list(RULES) if rules is None else list(rules)
    unknown = [code for code in chosen if code not in RULES]
    if unknown:
        raise RuleViolation(
            _("规则：没有“%(rule)s”这条规则。") % {"rule": unknown[0]}, code="audit.rule_unknown", field="rules"
        )
    period_check(date_from, date_to, field="date_to")
    today = timezone.localdate()
    window = Window(user, unit, date_from, date_to, today, Thresholds(unit, min(date_to, today)))
    return _visible(user, [f for code in RULES if code in chosen for f in RULES[code].find(window)])
