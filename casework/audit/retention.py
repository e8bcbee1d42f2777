"""Retention: the term each ended case's file is kept, and the purge of a
person's personal data once every case about them has passed it
(docs/retention.md).

- ``retention_archive`` records each ended case's term nightly
  (``CaseRetention``; the rule is in ``retention_terms``).
- ``person_purge`` replaces the person's personal data with tombstones, for
  the district's administrator, once every case about them has ended and
  passed its term; the trail still verifies (the ledger hashes personal
  data only as salted digests).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.audit.retention_models import CaseRetention, PersonPurge
from casework.audit.retention_scrub import files_delete, person_data_replace
from casework.audit.retention_terms import Term, Terms, cases_with_end, ended_cases_condition
from casework.bargaining.models import Seat
from casework.cases.models import Case, CaseType
from casework.cases.services import case_subject
from casework.district.selectors import district_of
from casework.errors import NotAllowed, RuleViolation
from casework.hardship.models import HardshipCase, HouseholdSnapshot
from casework.ledger.services import ledger_append_many, ledger_entry
from casework.ledger.verify import CLEARED, DOCUMENTS_PURGED
from casework.people.models import HouseholdMember, Person
from permissions.access import explain, scope

# Who purges: the district's administrator; asked at the person's district,
# so a street's administrator is refused.
PURGE_ACTION = "records.purge"


# The nightly archive.

TERM_FIELDS = ("state", "ended_on", "years", "retain_until", "ledger_entry", "recorded_at")


@dataclass
class ArchiveResult:
    recorded: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _term_entry(term: Term, existing: CaseRetention | None) -> Any:
    return ledger_entry(
        action="case.retention_recorded",
        subject=case_subject(term.case),
        subject_unit=term.case.unit,
        from_state=term.case.state,
        to_state=term.case.state,
        payload={**term.basis(), "previous": existing.retain_until.isoformat() if existing else None},
    )


def retention_archive(*, today: date | None = None, batch: int = 500) -> ArchiveResult:
    """Record (or correct) the retention term of every ended case, as the
    system: one ``CaseRetention`` row and one ledger entry
    ``case.retention_recorded`` per new or changed term; a hardship record's
    ``retain_until`` follows. A case whose term cannot be computed is left
    without one (it cannot be purged) and listed in ``skipped``. Safe to run
    twice: an unchanged term writes nothing."""
    terms = Terms(today or timezone.localdate())
    result = ArchiveResult()
    pending: list[tuple[Term, CaseRetention | None]] = []
    for case in cases_with_end(Case.objects.filter(ended_cases_condition()).select_related("retention")):
        existing = getattr(case, "retention", None)
        try:
            term = terms.of(case)
        except RuleViolation as error:
            result.skipped.append({"case": case.pk, "code": error.code, "message": str(error.message)})
            continue
        if existing and (existing.state, existing.retain_until, existing.ended_on) == (
            case.state,
            term.retain_until,
            term.ended_on,
        ):
            result.unchanged += 1
            continue
        pending.append((term, existing))
    for start in range(0, len(pending), batch):
        _archive_write(pending[start : start + batch], result)
    return result


def _archive_write(pending: list[tuple[Term, CaseRetention | None]], result: ArchiveResult) -> None:
    with transaction.atomic():
        entries = ledger_append_many([_term_entry(term, existing) for term, existing in pending])
        new, changed = [], []
        for (term, existing), entry in zip(pending, entries, strict=True):
            values = {"state": term.case.state, "ended_on": term.ended_on, "years": term.years}
            values |= {"retain_until": term.retain_until, "ledger_entry": entry, "recorded_at": entry.recorded_at}
            if existing is None:
                new.append(CaseRetention(case=term.case, **values))
            else:
                for name, value in values.items():
                    setattr(existing, name, value)
                changed.append(existing)
        CaseRetention.objects.bulk_create(new)
        CaseRetention.objects.bulk_update(changed, TERM_FIELDS)
        by_date: dict[date, list[int]] = {}
        for term, _existing in pending:
            if term.case.case_type == CaseType.HARDSHIP:
                by_date.setdefault(term.retain_until, []).append(term.case.pk)
        for day, ids in by_date.items():
            HardshipCase.objects.filter(pk__in=ids).exclude(retain_until=day).update(retain_until=day)
    result.recorded += len(new)
    result.changed += len(changed)


# Who and what a purge concerns.


def cases_about(person: Person) -> QuerySet[Case]:
    """Every case about ``person``: their own, and those where they sit in
    another's household snapshot or on a bargaining side."""
    listed = HouseholdSnapshot.objects.filter(id_number=person.id_number).values("case_id")
    seated = Seat.objects.filter(Q(person=person) | Q(id_number=person.id_number)).values("case_id")
    return Case.objects.filter(Q(person=person) | Q(pk__in=listed) | Q(pk__in=seated))


def purge_terms(person: Person, *, today: date | None = None) -> list[Term]:
    """The terms a purge of ``person`` rests on, or ``RuleViolation`` naming
    the rule that forbids it (with the earliest day allowed, when there is
    one). Writes nothing."""
    if PersonPurge.objects.filter(person=person).exists():
        raise RuleViolation(_("人员：此人的个人信息已清除。"), code="retention.already_purged", field="person")
    if HouseholdMember.objects.filter(id_number=person.id_number).exclude(person=person).exists():
        raise RuleViolation(
            _("人员：此人仍登记为其他人员的家庭成员，须先从该家庭中移除，才能清除其个人信息。"),
            code="retention.listed_in_household",
            field="person",
        )
    cases = list(cases_with_end(cases_about(person)))
    if not cases:
        raise RuleViolation(
            _("保管期限：此人没有已结束的案件，不属于档案保管期满清除的范围。"),
            code="retention.no_cases",
            field="person",
        )
    calculator = Terms(today or timezone.localdate())
    terms = [calculator.of(case) for case in cases]
    latest = max(terms, key=lambda term: term.retain_until)
    if latest.retain_until >= calculator.today:
        raise RuleViolation(
            _("保管期限：案件%(case)s保管至%(until)s，期满前不能清除个人信息；最早可于%(earliest)s清除。")
            % {
                "case": latest.case,
                "until": latest.retain_until.isoformat(),
                "earliest": (latest.retain_until + timedelta(days=1)).isoformat(),
            },
            code="retention.not_expired",
            field="person",
        )
    return terms


def purge_place(person: Person) -> Any:
    """Where the permission to purge is asked: the person's district (their
    employer's, or the registering unit's); the person for one placed nowhere."""
    unit = person.employer or person.registered_unit
    return district_of(unit) if unit is not None else person


def may_purge(user: Any, person: Person) -> bool:
    return explain(user, PURGE_ACTION, purge_place(person)).allowed


def _identifiers(person: Person) -> Iterable[str]:
    """The values a purge's reason must not contain: the person's and their household's."""
    values = [person.name, person.id_number, person.mobile]
    for name, number in person.household.values_list("name", "id_number"):
        values += [name, number]
    return [value for value in values if len(value) >= 2]


def person_purge(*, person: Person, reason: str, by: User) -> PersonPurge:
    """Replace ``person``'s personal data everywhere with tombstones, once
    every case about them has ended and passed its retention term; by the
    administrator of their district, with a reason that names no one.
    Writes the tombstone (``PersonPurge``) and one ledger entry
    ``person.purged``; the files of their documents are deleted after
    commit. A refusal changes nothing."""
    decision = explain(by, PURGE_ACTION, purge_place(person))
    if not decision.allowed or decision.membership is None:
        raise NotAllowed(
            _("清除个人信息：只有当事人所在区的区总工会系统管理员可以执行。"), code="retention.purge_not_allowed"
        )
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("理由：清除个人信息必须说明理由。"), code="reason_required", field="reason")
    with transaction.atomic():
        # Lock order as everywhere: case rows first, then the person.
        ids = list(cases_about(person).values_list("pk", flat=True))
        list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if any(value in reason for value in _identifiers(locked)):
            raise RuleViolation(
                _("理由：不能写入当事人或其家庭成员的姓名、身份证号或手机号。"),
                code="retention.reason_personal",
                field="reason",
            )
        terms = purge_terms(locked)
        own = [t.case.pk for t in terms if t.case.person_id == locked.pk]
        others = [t.case.pk for t in terms if t.case.person_id != locked.pk]
        counts, files, cleared, documents = person_data_replace(person=locked, own_cases=own, other_cases=others)
        basis = [term.basis() for term in terms]
        membership = decision.membership
        [entry] = ledger_append_many(
            [
                ledger_entry(
                    action="person.purged",
                    subject=locked,
                    by=by,
                    role=membership.role,
                    unit=membership.unit,
                    subject_unit=locked.employer or locked.registered_unit,
                    to_state="purged",
                    reason=reason,
                    # What was cleared and deleted, in the chain itself:
                    # ledger_verify finds any other entry cleared or file
                    # gone (docs/retention.md).
                    payload={"basis": basis, "counts": counts, CLEARED: cleared, DOCUMENTS_PURGED: documents},
                )
            ]
        )
        tombstone = PersonPurge.objects.create(
            person=locked,
            purged_at=entry.recorded_at,
            purged_by=by,
            role=membership.role,
            unit=membership.unit,
            reason=reason,
            basis=basis,
            counts=counts,
            ledger_entry=entry,
        )
        transaction.on_commit(lambda: files_delete(files))
    return tombstone


# Selectors.


def retention_people(user: Any, *, due_only: bool = True, today: date | None = None) -> QuerySet[Person]:
    """People in ``user``'s scope whose own cases have all ended with a
    recorded term (for the current state), not yet purged; ``due_only``:
    every term has passed. Annotated with ``cases_total`` and ``kept_until``.
    The purge itself checks more (cases where they are a household member
    or a representative)."""
    today = today or timezone.localdate()
    kept = Q(cases__retention__isnull=False, cases__retention__state=F("cases__state"))
    people = (
        scope(user, Person.objects.all())
        .filter(purge__isnull=True)
        .annotate(
            cases_total=Count("cases", distinct=True),
            cases_kept=Count("cases", filter=kept, distinct=True),
            kept_until=Max("cases__retention__retain_until"),
        )
        .filter(cases_total__gt=0, cases_kept=F("cases_total"))
        .select_related("employer")
        .order_by("kept_until", "pk")
    )
    return people.filter(kept_until__lt=today) if due_only else people


def purges_seen(user: Any) -> QuerySet[PersonPurge]:
    """Tombstones of people in ``user``'s scope, newest first."""
    return PersonPurge.objects.filter(person__in=scope(user, Person.objects.all())).select_related(
        "person", "purged_by", "unit"
    )
