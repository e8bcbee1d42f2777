"""Synthetic data at a preset's size, reproducible from a seed (issue 12).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cw_gen DEBUG=1 \\
        .venv/bin/python bench/generate.py --preset small --seed 1

Migrates first, then writes the unit tree (a city when there are several
districts, districts, streets and parks, grass-roots unions), staff users
with memberships (per street a caseworker and an approver, per district an
approver and an auditor; password ``casework-bench``), people with valid ID
numbers, hardship cases in every state with their histories, the open
viewflow task of each open case and its due date, and the ledger entries of
all of it, hash-chained after the current head so ``ledger_verify`` passes.
Prints one JSON object: rows and rows/s per table and in total.

Rows are written in bulk, never one ``save()`` each: PostgreSQL ``COPY``
(psycopg 3) and ``executemany`` on SQLite, one transaction per chunk, ids
taken from the sequences in bulk (``nextval``) because the case tables are
multi-table (viewflow ``Process`` -> ``Case`` -> ``HardshipCase``).

Ledger entries are hashed with ``casework.ledger.chain`` exactly as
``ledger_append_many`` does; salts come from the seed too, so a seed gives
the same rows (times are relative to the day the generator runs). Within a
chunk entries are in time order; across chunks of cases (5,000 cases each)
a later chunk's histories may start before the previous chunk's ended.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

import django
from django.apps import apps

if not apps.ready:
    django.setup()

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from casework.accounts.models import User
from casework.audit.demo import SETTINGS as AUDIT_SETTINGS
from casework.bargaining.demo import SETTINGS as BARGAINING_SETTINGS
from casework.cases.models import Case, CaseNumberCounter
from casework.deadlines.models import TaskDeadline
from casework.district.services import district_settings_enter_missing
from casework.hardship.choices import Category, Cause, ExitReason, ReviewOutcome, State
from casework.hardship.demo import SETTINGS as HARDSHIP_SETTINGS
from casework.hardship.models import HardshipCase
from casework.hardship.transitions import PERIODS
from casework.honours.demo import SETTINGS as HONOURS_SETTINGS
from casework.ledger import chain
from casework.ledger.models import LedgerEntry
from casework.ledger.services import _lock_chain
from casework.legalaid.demo import SETTINGS as LEGALAID_SETTINGS
from casework.org.models import Membership, Unit, UnitKind
from casework.people.models import Person
from casework.people.names import name_initials
from casework.people.synthetic import SyntheticPeople
from flows.hardship import HardshipFlow
from permissions.roles import AUDITOR, DISTRICT_APPROVER, STREET_APPROVER, STREET_CASEWORKER


# The sizes, in one table. ``ledger`` is the target number of trail entries:
# one ``person.registered`` per member, the rest spread over the cases'
# histories (the generator lands within a few percent of it). ``years`` is
# how far back the histories reach.
@dataclass(frozen=True)
class Preset:
    name: str
    districts: int
    streets: int  # streets and parks, in all
    units: int  # grass-roots unions (enterprises and institutions), in all
    members: int
    cases: int  # hardship cases
    ledger: int  # trail entries, about
    years: int = 10
    chunk_people: int = 20_000  # rows per transaction
    chunk_cases: int = 5_000


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        #      name     districts streets  units   members    cases      ledger
        Preset("tiny", 1, 3, 30, 300, 150, 3_000),
        Preset("small", 1, 10, 500, 10_000, 5_000, 100_000),
        Preset("city", 20, 300, 30_000, 1_000_000, 1_000_000, 10_000_000),
    )
}


PASSWORD = "casework-bench"  # noqa: S105 (synthetic staff of a benchmark database)
SERIES = "困"  # casework.hardship.services.RECORD_SERIES
RETENTION_YEARS = 10
STANDARD = Decimal("1420.00")  # a minimum-living standard, yuan a month
CW, SA, DA = STREET_CASEWORKER, STREET_APPROVER, DISTRICT_APPROVER

# Final states and how often each occurs (every one occurs at least once).
STATE_WEIGHTS: dict[str, int] = {
    State.HOME_VISIT: 6,
    State.UNIT_EVALUATION: 5,
    State.UNIT_NOTICE: 4,
    State.STREET_REVIEW: 5,
    State.DISTRICT_APPROVAL: 4,
    State.RETURNED: 3,
    State.REJECTED: 4,
    State.WITHDRAWN: 3,
    State.FILED: 30,
    State.ANNUAL_REVIEW: 6,
    State.EXIT_NOTICE: 3,
    State.EXIT_APPROVAL: 3,
    State.EXITED: 4,
    State.ARCHIVED: 20,
}
STATES = list(STATE_WEIGHTS)
CLOSED = frozenset({State.REJECTED, State.WITHDRAWN, State.ARCHIVED})
# The filing steps in order: (from, action, to, role).
FILING = (
    (State.HOME_VISIT, "record_home_visit", State.UNIT_EVALUATION, CW),
    (State.UNIT_EVALUATION, "record_evaluation", State.UNIT_NOTICE, CW),
    (State.UNIT_NOTICE, "end_notice", State.STREET_REVIEW, CW),
    (State.STREET_REVIEW, "approve", State.DISTRICT_APPROVAL, SA),
    (State.DISTRICT_APPROVAL, "approve", State.FILED, DA),
)
FILING_AT: dict[str, int] = {step[0]: i for i, step in enumerate(FILING)}
RETURNERS: dict[str, str] = {State.HOME_VISIT: CW, State.STREET_REVIEW: SA, State.DISTRICT_APPROVAL: DA}
POST_FILING = frozenset(STATES) - CLOSED - set(FILING_AT) - {State.RETURNED}
MAX_REVIEWS = 9
REASONS = (
    "材料不全，请补充近三个月收入证明",
    "家庭收入核算有误",
    "本人申请撤回",
    "经复核不符合建档条件",
    "公示期间有异议待核实",
)
STATEMENTS = (
    "本人患病住院，家庭收入明显下降",
    "子女上学费用负担重",
    "企业停产失业，家庭无稳定收入",
    "配偶残疾需长期护理",
)


@dataclass(slots=True)
class Actor:
    user_id: int
    username: str
    role: str
    unit_id: int
    unit_code: str
    unit_path: str


@dataclass(slots=True)
class UnitRow:
    id: int
    code: str
    path: str
    street: int  # index into the streets (-1 for districts and the city)
    district: int


class Writer:
    """Bulk rows into tables: COPY on PostgreSQL, executemany elsewhere;
    counts rows and the seconds spent writing per table."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"
        self.rows: Counter[str] = Counter()
        self.seconds: dict[str, float] = {}
        self._next: dict[str, int] = {}

    def ids(self, model: type[models.Model], n: int) -> list[int]:
        """``n`` new primary keys of ``model``'s table."""
        if n == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.pg:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
                )
                return sorted(row[0] for row in cursor.fetchall())
            cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
            first = max(cursor.fetchone()[0] + 1, self._next.get(table, 1))
        self._next[table] = first + n
        return list(range(first, first + n))

    def write(self, model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        started = time.perf_counter()
        table = model._meta.db_table
        names = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            if self.pg:
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                by_column = {f.column: f for f in model._meta.local_concrete_fields}
                # JSON arrives as text, viewflow's references as their stored strings.
                fields = [
                    None
                    if isinstance(by_column[c], models.JSONField)
                    or type(by_column[c]).__module__.startswith("viewflow")
                    else by_column[c]
                    for c in columns
                ]
                prepared = [
                    [
                        v if f is None or v is None else f.get_db_prep_save(v, connection)
                        for f, v in zip(fields, row, strict=True)
                    ]
                    for row in rows
                ]
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', prepared)
        self.rows[table] += len(rows)
        self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - started


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


LEDGER_COLUMNS = (
    "seq",
    "recorded_at",
    "actor_id",
    "actor_name",
    "actor_role",
    "actor_unit_id",
    "actor_unit_code",
    "actor_unit_path",
    "subject_type",
    "subject_id",
    "subject_unit_id",
    "action",
    "from_state",
    "to_state",
    "payload",
    "evidence",
    "reason",
    "personal",
    "personal_salt",
    "personal_digests",
    "prev_hash",
    "hash",
)


class Chain:
    """Ledger rows chained after the head, as ``ledger_append_many`` chains them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seq, self.prev = 0, chain.GENESIS_HASH

    def lock_and_read_head(self) -> None:
        _lock_chain()
        head = LedgerEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        self.seq, self.prev = (head[0], head[1]) if head else (0, chain.GENESIS_HASH)

    def row(
        self,
        *,
        when: datetime,
        actor: Actor,
        subject: tuple[str, int],
        subject_unit: int | None,
        action: str,
        from_state: str = "",
        to_state: str = "",
        reason: str = "",
        payload: dict[str, Any],
        personal: dict[str, Any],
    ) -> tuple[Any, ...]:
        self.seq += 1
        salt = f"{self.rng.getrandbits(128):032x}"
        digests = {k: chain.personal_digest(salt, k, v) for k, v in {**personal, "reason": reason}.items()}
        form = {
            "seq": self.seq,
            "recorded_at": chain.timestamp(when),
            "actor_id": actor.user_id,
            "actor_name": actor.username,
            "actor_role": actor.role,
            "actor_unit_id": actor.unit_id,
            "actor_unit_code": actor.unit_code,
            "actor_unit_path": actor.unit_path,
            "subject_type": subject[0],
            "subject_id": str(subject[1]),
            "subject_unit_id": subject_unit,
            "action": action,
            "from_state": from_state,
            "to_state": to_state,
            "payload": payload,
            "evidence": [],
            "personal_digests": digests,
        }
        prev, self.prev = self.prev, chain.hash_of(self.prev, form)
        return (
            *(form[c] if c != "recorded_at" else when for c in LEDGER_COLUMNS[:14]),
            dumps(payload),
            "[]",
            reason,
            dumps(personal),
            salt,
            dumps(digests),
            prev,
            self.prev,
        )


@dataclass
class Event:
    gap: float  # days after the previous event
    action: str
    from_state: str
    to_state: str
    role: str
    reason: bool = False


@dataclass
class Plan:
    state: str
    events: list[Event] = field(default_factory=list)


def plan_case(rng: random.Random, state: str, pairs: int) -> Plan:
    """The steps that lead a new case to ``state``, with ``pairs`` extra
    round trips (a return and resubmission while filing, an annual review
    once filed)."""
    plan = Plan(state)
    add = plan.events.append
    add(Event(0, "submitted", "", State.HOME_VISIT, CW))
    stop, end = len(FILING), None
    if state in FILING_AT:
        stop = FILING_AT[state]
    elif state == State.RETURNED:
        at = rng.choice(list(RETURNERS))
        stop, end = FILING_AT[at], Event(rng.uniform(2, 15), "return", at, State.RETURNED, RETURNERS[at], True)
    elif state == State.REJECTED:
        at = rng.choice((State.STREET_REVIEW, State.DISTRICT_APPROVAL))
        stop, end = FILING_AT[at], Event(rng.uniform(2, 15), "reject", at, State.REJECTED, RETURNERS[at], True)
    elif state == State.WITHDRAWN:
        at = rng.choice(list(FILING_AT))
        stop, end = FILING_AT[at], Event(rng.uniform(1, 20), "withdraw", at, State.WITHDRAWN, CW, True)
    reviews = min(pairs, MAX_REVIEWS) if state in POST_FILING else 0
    loops = pairs - reviews
    returnable = [s for s in RETURNERS if FILING_AT[s] <= stop]
    at_state = Counter(rng.choice(returnable) for _ in range(loops))
    for i in range(stop + 1):
        here = FILING[i][0] if i < len(FILING) else State.FILED
        for _ in range(at_state.get(here, 0)):
            add(Event(rng.uniform(2, 12), "return", here, State.RETURNED, RETURNERS[here], True))
            add(Event(rng.uniform(3, 20), "resubmit", State.RETURNED, here, CW))
        if i < stop:
            frm, action, to, role = FILING[i]
            gap = rng.uniform(7, 12) if frm == State.UNIT_NOTICE else rng.uniform(2, 15)
            add(Event(gap, action, frm, to, role))
    if end is not None:
        add(end)
    if state not in POST_FILING:
        return plan
    for _ in range(reviews):
        add(Event(rng.uniform(330, 360), "start_review", State.FILED, State.ANNUAL_REVIEW, CW))
        add(Event(rng.uniform(5, 25), "complete_review", State.ANNUAL_REVIEW, State.FILED, CW))
    tail: dict[str, list[tuple[str, str, str, bool]]] = {
        State.ANNUAL_REVIEW: [("start_review", State.ANNUAL_REVIEW, CW, False)],
        State.EXIT_NOTICE: [("propose_exit", State.EXIT_NOTICE, CW, True)],
        State.EXIT_APPROVAL: [
            ("propose_exit", State.EXIT_NOTICE, CW, True),
            ("end_notice", State.EXIT_APPROVAL, CW, False),
        ],
    }
    steps: list[tuple[str, str, str, bool]] = list(tail.get(state, []))
    if state in (State.EXITED, State.ARCHIVED):
        steps = [*tail[State.EXIT_APPROVAL], ("approve_exit", State.EXITED, DA, False)]
        if state == State.ARCHIVED:
            steps.append(("archive", State.ARCHIVED, CW, False))
    current: str = State.FILED
    for name, target, by, needs_reason in steps:
        gap = rng.uniform(20, 200) if current == State.FILED else rng.uniform(7, 20)
        add(Event(gap, name, current, target, by, needs_reason))
        current = target
    return plan


def min_entries(state: str) -> float:
    """About how many entries a case ending in ``state`` has without extras."""
    if state in FILING_AT:
        return FILING_AT[state] + 1
    others: dict[str, float] = {
        State.RETURNED: 4.7,
        State.REJECTED: 5.5,
        State.WITHDRAWN: 4.0,
        State.FILED: 6,
        State.ANNUAL_REVIEW: 7,
        State.EXIT_NOTICE: 7,
        State.EXIT_APPROVAL: 8,
        State.EXITED: 9,
        State.ARCHIVED: 10,
    }
    return others[state]


def years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Generator:
    def __init__(self, preset: Preset, seed: int, *, prefix: str | None = None) -> None:
        self.p = preset
        self.seed = seed
        self.rng = random.Random(seed)
        self.prefix = prefix if prefix is not None else f"B{seed}-"
        self.w = Writer()
        self.chain = Chain(random.Random(seed + 1))
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.start = self.now - timedelta(days=365 * preset.years)
        self.digest = hashlib.sha256()
        self.states: Counter[str] = Counter()
        self.numbers: dict[tuple[int, int], int] = {}
        self.entries = 0

    # -- the unit tree and the staff ---------------------------------------

    def units(self) -> None:
        p, w, now = self.p, self.w, self.now
        rows: list[tuple[Any, ...]] = []
        city_path = ""
        self.districts: list[UnitRow] = []
        self.streets: list[UnitRow] = []
        self.grassroots: list[UnitRow] = []

        def unit(pk: int, code: str, name: str, kind: str, parent: int | None, path: str) -> None:
            rows.append((pk, code, name, kind, parent, path, path.count("/") - 2, None, None, now, now))

        if p.districts > 1:
            [city] = w.ids(Unit, 1)
            city_path = "/" + Unit.segment(city)
            unit(city, f"{self.prefix}C", f"基准市{self.prefix}总工会", UnitKind.CITY, None, city_path)
        parent_of_district = city if p.districts > 1 else None
        for i, pk in enumerate(w.ids(Unit, p.districts)):
            path = (city_path or "/") + Unit.segment(pk)
            code = f"{self.prefix}D{i + 1:02d}"
            unit(pk, code, f"基准第{i + 1}区总工会", UnitKind.DISTRICT, parent_of_district, path)
            self.districts.append(UnitRow(pk, code, path, -1, i))
        for i, pk in enumerate(w.ids(Unit, p.streets)):
            d = self.districts[i % p.districts]
            kind = UnitKind.PARK if i % 5 == 4 else UnitKind.STREET
            code = f"{d.code}S{i + 1:03d}"
            name = f"基准{i + 1}号{'园区' if kind == UnitKind.PARK else '街道'}工会"
            unit(pk, code, name, kind, d.id, d.path + Unit.segment(pk))
            self.streets.append(UnitRow(pk, code, d.path + Unit.segment(pk), i, d.district))
        for i, pk in enumerate(w.ids(Unit, p.units)):
            s = self.streets[i % p.streets]
            kind = UnitKind.INSTITUTION if i % 7 == 6 else UnitKind.ENTERPRISE
            code = f"{s.code}E{i + 1:05d}"
            unit(pk, code, f"基准企业{i + 1}工会", kind, s.id, s.path + Unit.segment(pk))
            self.grassroots.append(UnitRow(pk, code, s.path + Unit.segment(pk), s.street, s.district))
        w.write(
            Unit,
            (
                "id",
                "code",
                "name",
                "kind",
                "parent_id",
                "path",
                "depth",
                "closed_on",
                "merged_into_id",
                "created_at",
                "updated_at",
            ),
            rows,
        )

    def staff(self) -> None:
        """Per street a caseworker and an approver; per district an approver
        and an auditor. ``self.actors[(unit id, role)]``."""
        w = self.w
        wanted = [(s, CW) for s in self.streets] + [(s, SA) for s in self.streets]
        wanted += [(d, DA) for d in self.districts] + [(d, AUDITOR) for d in self.districts]
        password = make_password(PASSWORD)
        users, memberships = [], []
        self.actors: dict[tuple[int, str], Actor] = {}
        for pk, (u, role), member in zip(w.ids(User, len(wanted)), wanted, w.ids(Membership, len(wanted)), strict=True):
            username = f"{u.code.lower()}-{role}"
            users.append(
                (pk, password, None, False, username, "", "", "", False, True, self.start, f"{role}@{u.code}", None)
            )
            memberships.append((member, pk, u.id, role, self.start, None, None, self.start))
            self.actors[(u.id, role)] = Actor(pk, username, role, u.id, u.code, u.path)
        w.write(
            User,
            (
                "id",
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "display_name",
                "person_id",
            ),
            users,
        )
        w.write(
            Membership,
            ("id", "user_id", "unit_id", "role", "valid_from", "valid_until", "granted_by_id", "created_at"),
            memberships,
        )

    def actor(self, unit: UnitRow, role: str) -> Actor:
        if role in (DA, AUDITOR):
            return self.actors[(self.districts[unit.district].id, role)]
        return self.actors[(self.streets[unit.street].id, role)]

    # -- people ------------------------------------------------------------

    def people(self) -> None:
        p, w = self.p, self.w
        synthetic = SyntheticPeople(self.seed)
        today = timezone.localdate(self.now)
        self.person_ids: list[int] = []
        self.person_unit: list[int] = []  # index into grassroots
        self.person_number: list[str] = []
        step = timedelta(days=365) / max(p.members, 1)
        columns = [f.column for f in Person._meta.local_concrete_fields]
        for first in range(0, p.members, p.chunk_people):
            n = min(p.chunk_people, p.members - first)
            with transaction.atomic():
                self.chain.lock_and_read_head()
                rows, entries = [], []
                for i, pk in enumerate(w.ids(Person, n), start=first):
                    s = synthetic.person(today=today)
                    u = self.rng.randrange(p.units)
                    unit = self.grassroots[u]
                    gender = "male" if int(s.id_number[16]) % 2 else "female"
                    when = self.start - (p.members - i) * step
                    values = {
                        "id": pk,
                        "name": s.name,
                        "id_number": s.id_number,
                        "gender": gender,
                        "birth_date": s.birth_date,
                        "mobile": s.mobile,
                        "employer_id": unit.id,
                        "registered_unit_id": None,
                        "is_member": s.member_since is not None,
                        "member_since": s.member_since,
                        "is_migrant_worker": s.is_migrant_worker,
                        "new_form_category": str(s.new_form_category),
                        "name_initials": name_initials(s.name),
                        "id_last4": s.id_number[-4:],
                        "created_at": when,
                        "updated_at": when,
                    }
                    rows.append([values[c] for c in columns])
                    self.person_ids.append(pk)
                    self.person_unit.append(u)
                    self.person_number.append(s.id_number)
                    self.digest.update(f"{s.name}|{s.id_number}|{unit.code}\n".encode())
                    entries.append(
                        self.chain.row(
                            when=when,
                            actor=self.actor(unit, CW),
                            subject=("people.person", pk),
                            subject_unit=unit.id,
                            action="person.registered",
                            to_state="registered",
                            payload={
                                "employer": unit.id,
                                "is_member": values["is_member"],
                                "member_since": s.member_since.isoformat() if s.member_since else None,
                                "is_migrant_worker": s.is_migrant_worker,
                                "new_form_category": values["new_form_category"],
                            },
                            personal={
                                "birth_date": s.birth_date.isoformat(),
                                "gender": gender,
                                "id_number": s.id_number,
                                "mobile": s.mobile,
                                "name": s.name,
                            },
                        )
                    )
                w.write(Person, columns, rows)
                w.write(LedgerEntry, LEDGER_COLUMNS, entries)
                self.entries += len(entries)

    # -- hardship cases ----------------------------------------------------

    def final_state(self, i: int) -> str:
        if i < len(STATES):
            return STATES[i]  # every state at least once
        return self.rng.choices(STATES, weights=list(STATE_WEIGHTS.values()))[0]

    def cases(self) -> None:
        p = self.p
        budget = max(p.ledger - p.members, p.cases)  # entries the cases' histories should hold
        stride = next(k for k in range(max(1, p.members // 2 + 1), 10 * p.members + 2) if math.gcd(k, p.members) == 1)
        written = 0
        for first in range(0, p.cases, p.chunk_cases):
            n = min(p.chunk_cases, p.cases - first)
            plans = []
            for i in range(first, first + n):
                state = self.final_state(i)
                # What is left over the cases left, but never more than ten
                # times the average: the last cases of a run that fell behind
                # would otherwise take thousands of entries each.
                wanted = min((budget - written) / (p.cases - i), 10 * budget / p.cases)
                spare = max(0.0, wanted - min_entries(state))
                if state in POST_FILING:
                    pairs = round(self.rng.uniform(0, 2) * spare / 2)
                else:
                    pairs = self.rng.choice((0, 0, 0, 1)) if spare >= 2 else 0
                plan = plan_case(self.rng, state, pairs)
                written += len(plan.events)
                plans.append((i, plan))
            with transaction.atomic():
                self.chain.lock_and_read_head()
                self.case_chunk(plans, stride)

    def case_chunk(self, plans: list[tuple[int, Plan]], stride: int) -> None:
        p, w, rng = self.p, self.w, self.rng
        span = (self.now - self.start).total_seconds() / 86400
        ids = w.ids(Process, len(plans))
        flow_class = Process._meta.get_field("flow_class").get_prep_value(HardshipFlow)
        task_field = Task._meta.get_field("flow_task")
        token = Task._meta.get_field("token").get_prep_value(Token("start"))
        processes, cases, hardship, events = [], [], [], []
        open_tasks = []
        for (i, plan), pk in zip(plans, ids, strict=True):
            person = (i * stride) % p.members
            unit = self.grassroots[self.person_unit[person]]
            district = self.districts[unit.district]
            offsets, total = [], 0.0
            for e in plan.events:
                total += e.gap
                offsets.append(total)
            if plan.state in CLOSED:
                slack = rng.uniform(0, max(0.0, span - total - 30))
            elif plan.state == State.FILED:
                slack = rng.uniform(0, 300)
            else:
                slack = rng.uniform(0, 20)
            opened = self.now - timedelta(days=slack + total + 1 / 24 + rng.uniform(0, 1))
            times = [opened + timedelta(days=o, seconds=rng.uniform(0, 3600)) for o in offsets]
            for k in range(1, len(times)):  # the same instant twice would tie the order
                if times[k] <= times[k - 1]:
                    times[k] = times[k - 1] + timedelta(microseconds=1)
            f = self.case_fields(plan, times, district.id, unit)
            f["personal"][0]["worker_id_number"] = self.person_number[person]
            self.states[plan.state] += 1
            self.digest.update(f"{self.person_number[person]}|{plan.state}|{f['number']}\n".encode())
            closed_at = times[-1] if plan.state in CLOSED else None
            processes.append((pk, flow_class, PROCESS.DONE if closed_at else PROCESS.NEW, opened, closed_at, "{}"))
            cases.append(
                (
                    pk, "hardship", f["number"], district.id if f["number"] else None, plan.state, unit.id, unit.path,
                    self.person_ids[person], self.actor(unit, CW).user_id, times[0], closed_at, times[-1],
                )
            )  # fmt: skip
            hardship.append((pk, *(f[c] for c in HARDSHIP_COLUMNS)))
            for k, (e, when) in enumerate(zip(plan.events, times, strict=True)):
                events.append((when, pk, k, e, f["payloads"][k], f["personal"][k], unit))
            if closed_at is None:
                open_tasks.append((pk, plan.state, times[-1], f, unit.path))
        w.write(Process, ("id", "flow_class", "status", "created", "finished", "data"), processes)
        w.write(
            Case,
            ("process_ptr_id", "case_type", "number", "number_district_id", "state", "unit_id", "unit_path",
             "person_id", "filed_by_id", "opened_at", "closed_at", "updated_at"),
            cases,
        )  # fmt: skip
        w.write(HardshipCase, ("case_ptr_id", *HARDSHIP_COLUMNS), hardship)
        task_ids = w.ids(Task, len(open_tasks))
        tasks, deadlines = [], []
        for task_id, (pk, state, created, f, path) in zip(task_ids, open_tasks, strict=True):
            node = getattr(HardshipFlow, state)
            tasks.append(
                (task_id, task_field.get_prep_value(node), node.task_type, STATUS.NEW, created, token, pk, "{}")
            )
            began = timezone.localdate(created)
            if state == State.FILED:
                due = f["next_review_due"]
            elif state in (State.UNIT_NOTICE, State.EXIT_NOTICE):
                due = f["notice_until"] + timedelta(days=rng.randrange(2, 6))
            else:
                due = began + timedelta(days=rng.randrange(7, 28))
            deadlines.append((task_id, pk, PERIODS[state].setting, began, due, False, 0, 0, True, path))
        w.write(Task, ("id", "flow_task", "flow_task_type", "status", "created", "token", "process_id", "data"), tasks)
        w.write(
            TaskDeadline,
            (
                "task_id",
                "case_id",
                "setting",
                "began_on",
                "due",
                "provisional",
                "paused_working_days",
                "escalation_level",
                "open",  # the copies (the task is open, its case's path), as the triggers would write them
                "unit_path",
            ),
            deadlines,
        )
        events.sort(key=lambda item: (item[0], item[1], item[2]))
        entries = []
        for when, pk, _k, e, payload, personal, unit in events:
            entries.append(
                self.chain.row(
                    when=when,
                    actor=self.actor(unit, e.role),
                    subject=("cases.case", pk),
                    subject_unit=unit.id,
                    action=f"hardship.{e.action}",
                    from_state=e.from_state,
                    to_state=e.to_state,
                    reason=personal.pop("reason", ""),
                    payload=payload,
                    personal=personal,
                )
            )
        w.write(LedgerEntry, LEDGER_COLUMNS, entries)
        self.entries += len(entries)

    def case_fields(self, plan: Plan, times: list[datetime], district: int, unit: UnitRow) -> dict[str, Any]:
        """The case's columns after its history, and each entry's payload and
        personal part (with its ``reason``), as the services would write them."""
        rng = self.rng
        size = rng.randint(1, 5)
        income = Decimal(rng.randrange(6_000, 80_000 * size)).quantize(Decimal("0.01"))
        expenses = Decimal(rng.randrange(0, 30_000)).quantize(Decimal("0.01"))
        per_capita = max(Decimal(0), (income - expenses) / 12 / size).quantize(Decimal("0.01"))
        f: dict[str, Any] = dict.fromkeys(HARDSHIP_COLUMNS)
        category = rng.choice(list(Category.values))
        f |= {
            "category": category,
            "cause": rng.choice(list(Cause.values)),
            "statement": rng.choice(STATEMENTS),
            "help_plan": "",
            "consent_recorded": True,
            "household_size": size,
            "income_total": income,
            "expenses_total": expenses,
            "per_capita_monthly": per_capita,
            "standard_applied": STANDARD,
            "means_tested_on": timezone.localdate(times[0]),
            "home_visit_report": "",
            "returned_from": "",
            "exit_reason": "",
            "number": "",
        }
        payloads, personals = [], []
        for e, when in zip(plan.events, times, strict=True):
            day = timezone.localdate(when)
            payload: dict[str, Any] = {"number": f["number"]}
            personal: dict[str, Any] = {}
            if e.reason:
                personal["reason"] = rng.choice(REASONS)
            a = e.action
            if a == "submitted":
                payload = {
                    "category": category,
                    "cause": f["cause"],
                    "household_size": size,
                    "per_capita_monthly": str(per_capita),
                    "standard_applied": str(STANDARD),
                    "member_of_another_active_household": False,
                }
                personal = {
                    "worker_id_number": "",  # filled below: the person is known to the caller
                    "statement": f["statement"],
                    "income_total": str(income),
                    "expenses_total": str(expenses),
                }
            elif a == "record_home_visit":
                f["home_visit_on"], f["home_visit_report"] = day, "已入户核实家庭收入和支出情况"
                payload["visited_on"] = day.isoformat()
                personal["report"] = f["home_visit_report"]
            elif a in ("record_evaluation", "propose_exit"):
                until = day + timedelta(days=7)
                f["notice_from"], f["notice_until"] = day, until
                payload |= {"notice_from": day.isoformat(), "notice_until": until.isoformat()}
                if a == "record_evaluation":
                    present = rng.randint(7, 30)
                    yes = rng.randint(present // 2 + 1, present)
                    f["evaluation_on"], f["evaluation_present"], f["evaluation_in_favour"] = day, present, yes
                    payload |= {"evaluated_on": day.isoformat(), "present": present, "in_favour": yes}
                else:
                    f["exit_reason"], f["exit_proposed_on"] = rng.choice(list(ExitReason.values)), day
                    payload["exit_reason"] = f["exit_reason"]
            elif a == "return":
                f["returned_from"] = e.from_state
            elif a == "resubmit":
                f["returned_from"] = ""
            elif a == "approve" and e.to_state == State.FILED:
                f["help_plan"] = "定期走访，按季度发放生活救助"
                payload["help_plan"] = f["help_plan"]
                year = day.year
                last = self.numbers.get((district, year), 0) + 1
                self.numbers[(district, year)] = last
                f["number"], f["filed_on"] = f"{SERIES}{year}-{last:06d}", day
                f["next_review_due"] = years_later(day, 1)
            elif a == "complete_review":
                payload |= {"outcome": str(ReviewOutcome.CONTINUE), "notes": "家庭情况无明显变化，继续保留档案"}
                f["next_review_due"] = years_later(day, 1)
            elif a == "approve_exit":
                f["exited_on"], f["retain_until"] = day, years_later(day, RETENTION_YEARS)
            payloads.append(payload)
            personals.append(personal)
        f["payloads"], f["personal"] = payloads, personals
        return f

    def counters(self) -> None:
        """The districts are new, so each series starts at 1: the counters
        record where they stand, so the next real filing continues them."""
        CaseNumberCounter.objects.bulk_create(
            CaseNumberCounter(district_id=district, series=SERIES, year=year, last=last)
            for (district, year), last in sorted(self.numbers.items())
        )

    def district_settings(self) -> None:
        """Each district's settings as the demo enters them (periods, ceilings,
        audit rules), in force since the histories begin: the steps the
        benchmark takes read them. Entered through the service, so each is a
        ledger entry after the cases'."""
        values = {**HARDSHIP_SETTINGS, **BARGAINING_SETTINGS, **LEGALAID_SETTINGS, **HONOURS_SETTINGS, **AUDIT_SETTINGS}
        for row in self.districts:
            district = Unit.objects.get(pk=row.id)
            self.entries += district_settings_enter_missing(
                district=district,
                values=values,
                # Before every generated history (the earliest cases reach back before ``start``).
                effective_from=date(self.now.year - 40, 1, 1),
                reason="基准测试数据：区级参数",
                by=None,
            )

    def run(self) -> dict[str, Any]:
        started = time.perf_counter()
        with transaction.atomic():
            self.units()
            self.staff()
        self.people()
        self.cases()
        with transaction.atomic():
            self.counters()
            self.district_settings()
        seconds = time.perf_counter() - started
        w = self.w
        total = sum(w.rows.values())
        return {
            "preset": self.p.name,
            "seed": self.seed,
            "database": connection.vendor,
            "seconds": round(seconds, 2),
            "rows": dict(w.rows),
            "rows_per_s": {t: round(w.rows[t] / w.seconds[t]) if w.seconds.get(t) else None for t in w.rows},
            "total_rows": total,
            "total_rows_per_s": round(total / seconds),
            "ledger_entries": self.entries,
            "ledger_head": LedgerEntry.objects.order_by("-seq").values_list("seq", flat=True).first(),
            "states": {s: self.states[s] for s in STATES},
            "digest": self.digest.hexdigest()[:16],
        }


HARDSHIP_COLUMNS = (
    "category",
    "cause",
    "statement",
    "help_plan",
    "consent_recorded",
    "household_size",
    "income_total",
    "expenses_total",
    "per_capita_monthly",
    "standard_applied",
    "means_tested_on",
    "home_visit_on",
    "home_visit_report",
    "evaluation_on",
    "evaluation_present",
    "evaluation_in_favour",
    "notice_from",
    "notice_until",
    "returned_from",
    "filed_on",
    "next_review_due",
    "exit_reason",
    "exit_proposed_on",
    "exited_on",
    "funds_to_recover",
    "retain_until",
)


def generate(preset: str | Preset, seed: int, *, prefix: str | None = None) -> dict[str, Any]:
    """Write ``preset``'s data from ``seed`` and return the report."""
    chosen = PRESETS[preset] if isinstance(preset, str) else preset
    return Generator(chosen, seed, prefix=prefix).run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prefix", default=None, help="unit codes and usernames start with it (default B<seed>-)")
    args = parser.parse_args()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(generate(args.preset, args.seed, prefix=args.prefix), ensure_ascii=False))


if __name__ == "__main__":
    main()
