"""What every case type's services share: the row lock, the number series,
taking one step of a transition table, and attaching documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.cases.documents import (
    Attachment,
    CaseDocument,
    CheckedFile,
    atomic_with_files,
    documents_check,
    documents_evidence,
    documents_link,
    documents_personal,
    documents_store,
)
from casework.cases.models import Case, CaseNumberCounter
from casework.cases.transitions import Table, Transition
from casework.district.selectors import district_of
from casework.errors import Conflict, NotAllowed, RuleViolation
from casework.ledger.models import LedgerEntry
from casework.ledger.services import ledger_append, ledger_appends_last, ledger_later
from casework.org.models import Membership, Unit, unit_path_ancestors
from notifications.services import outbox_queue
from permissions.access import acting_as, can
from permissions.roles import ROLES, Reach

C = TypeVar("C", bound=Case)


def case_subject(case: Case) -> tuple[str, str]:
    """Every ledger entry about a case names the base row, whatever its
    type, so one query finds a case's whole trail."""
    return ("cases.case", str(case.pk))


# The case a caller has just locked and is handing down (``case_held``).
_held: ContextVar[Case | None] = ContextVar("case_held", default=None)


@contextmanager
def case_held(case: Case) -> Iterator[None]:
    """Within this block ``case_lock(case)`` returns ``case`` as it is: the
    caller locked it in this transaction and hands it to a service that
    locks again (``task_complete`` to a case type's decide service). Only
    that very instance counts; any other is locked and read afresh."""
    token = _held.set(case)
    try:
        yield
    finally:
        _held.reset(token)


def case_lock(case: C) -> C:
    """Lock the case for the rest of the transaction and return it fresh,
    with its unit, person and filer (what a step reads).

    Always the base row first (``cases_case``), then the type's own row, so
    two flows taking locks never wait on each other in opposite orders.
    Must run inside ``transaction.atomic``."""
    if _held.get() is case:
        return case
    return cases_lock(type(case), [case.pk])[case.pk]


def _lock_of(model: type[Case]) -> tuple[str, ...]:
    """``select_for_update(of=…)`` for a case type's row and its parents'
    rows (case, viewflow's process), not the rows joined to them: a lock
    on the unit or the person would hold up every other case of theirs."""
    names, prefix = ["self"], ""
    current: Any = model._meta
    while parents := [link for link in current.parents.values() if link is not None]:
        prefix = f"{prefix}__{parents[0].name}" if prefix else parents[0].name
        names.append(prefix)
        current = parents[0].related_model._meta
    return tuple(names)


def cases_lock(model: type[C], ids: Iterable[int]) -> dict[int, C]:
    """``case_lock`` for many cases of one type at once: base rows first, in
    id order, then the type's rows; returns them fresh by id."""
    wanted = sorted(set(ids))
    list(Case.objects.select_for_update().filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))
    locked = (
        model.objects.select_for_update(of=_lock_of(model))
        .filter(pk__in=wanted)
        .select_related("unit", "person", "filed_by")
    )
    return {case.pk: case for case in locked.order_by("pk")}


def case_numbers_take(*, district: Unit, series: str, year: int, count: int) -> list[str]:
    """The next ``count`` numbers of ``district``'s ``series`` for ``year``
    (``困2026-000123``), in order, under the counter's row lock. Runs in the
    caller's transaction: if that rolls back, so does the counter."""
    try:
        with transaction.atomic():
            CaseNumberCounter.objects.get_or_create(district=district, series=series, year=year)
    except IntegrityError:
        pass  # created by a concurrent filing: the row exists now
    counter = CaseNumberCounter.objects.select_for_update().get(district=district, series=series, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{series}{year}-{n:06d}" for n in range(first, counter.last + 1)]


def case_number_issue(*, case: Case, series: str, year: int) -> str:
    """Give ``case`` the next number of its district's ``series`` for
    ``year`` and return it (``case_numbers_take``)."""
    district = district_of(case.unit)
    [case.number] = case_numbers_take(district=district, series=series, year=year, count=1)
    case.number_district = district
    case.save(update_fields=["number", "number_district", "updated_at"])
    return case.number


def case_opened(
    *,
    case: Case,
    table: Table,
    series: str,
    year: int,
    action: str,
    by: User,
    acting: dict[str, Any],
    payload: dict[str, Any],
    personal: dict[str, Any],
    checked: Sequence[CheckedFile],
) -> None:
    """Record a case just started by its flow, inside the caller's
    ``atomic_with_files`` block: its number from the district's ``series``
    for ``year``, the documents it came with, one ledger entry ``action``
    (from no state) with them as its evidence, and the notice to whoever
    takes its first step."""
    case_number_issue(case=case, series=series, year=year)
    stored = documents_store(case=case, checked=checked, by=by)
    entry = ledger_append(
        action=action,
        subject=case_subject(case),
        subject_unit=case.unit,
        from_state="",
        to_state=case.state,
        payload={"number": case.number, **payload},
        personal={**personal, **documents_personal(stored)},
        evidence=documents_evidence(stored),
        **acting,
    )
    documents_link(stored, entry)
    outbox_queue(
        event=action,
        subject=case_subject(case),
        recipients=next_actors(case, table),
        payload={"to_state": case.state, "number": case.number},
    )


def case_step(
    *,
    case: C,
    table: Table,
    action: str,
    by: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    expected_state: str | None = None,
    evidence: list[dict[str, Any]] | None = None,
    payload: dict[str, Any] | None = None,
    personal: dict[str, Any] | None = None,
    documents: Sequence[Attachment] = (),
) -> tuple[C, Transition]:
    """Take ``action`` on ``case`` by ``table``: lock the case, find the
    transition from its current state (``NotAllowed`` otherwise), ask
    permission for it (scope, role, four-eyes), check its rules, move the
    state and append one ledger entry. Returns the locked, updated case and
    the transition; the caller makes its own changes to the case inside the
    same transaction, before or after. ``expected_state`` (the state the
    user saw) turns a lost race into a ``Conflict``. ``documents`` uploaded
    with the step are checked with its rules, stored, and listed as the
    evidence of its one ledger entry; the caller's transaction must be an
    ``atomic_with_files`` block then."""
    data = data or {}
    fresh = case_lock(case)
    if expected_state is not None and fresh.state != expected_state:
        raise Conflict(
            _("案件：已被他人处理，请刷新后再试。"), code="case.state_changed", params={"state": fresh.state}
        )
    transition = table.get(fresh.state, action)
    acting = acting_as(by, transition.permission, fresh, roles=transition.role_filter)
    transition.check(fresh, by=by, reason=reason, data=data)
    checked = documents_check(documents)
    earlier = evidence_since_step(fresh) if transition.needs_evidence else []
    if transition.needs_evidence and not checked and not earlier:
        raise RuleViolation(
            _("材料：此步骤登记对方的书面行为，须上传其文件（如书面回应、审查意见书）作为依据。"),
            code="case.evidence_required",
            field="documents",
        )
    before = fresh.state
    fresh.state = transition.target_state(fresh)
    fresh.save(update_fields=["state", "updated_at"])
    stored = documents_store(case=fresh, checked=checked, by=by)
    after, number = fresh.state, fresh.number  # as they are now, not at the end of the transaction
    recipients = [u for u in (*next_actors(fresh, table), *filer(fresh)) if by is None or u.pk != by.pk]

    def record() -> LedgerEntry:
        entry = ledger_append(
            action=f"{fresh.case_type}.{action}",
            subject=case_subject(fresh),
            subject_unit=fresh.unit,
            from_state=before,
            to_state=after,
            reason=reason,
            payload={"number": number, **(payload or {})},
            personal={**(personal or {}), **documents_personal(stored)},
            evidence=[*(evidence or []), *documents_evidence([*earlier, *stored])],
            **acting,
        )
        documents_link(stored, entry)
        outbox_queue(
            event=f"{fresh.case_type}.{action}",
            subject=case_subject(fresh),
            recipients=recipients,
            payload={"number": number, "from_state": before, "to_state": after, "ledger_seq": entry.seq},
        )
        return entry

    # Last in the transaction when the caller allows it (``ledger_appends_last``).
    ledger_later(record)
    return fresh, transition


def case_decide(
    *,
    case: C,
    table: Table,
    action: str,
    by: User | None,
    reason: str,
    data: dict[str, Any],
    documents: Sequence[Attachment],
    personal_keys: frozenset[str],
    apply: Callable[[C], list[str]],
) -> C:
    """What every case type's decide service does: take the step
    (``case_step``: lock, permission, rules, state, one ledger entry with
    ``data`` as its payload but ``personal_keys`` in its purgeable part,
    documents as evidence, notifications), then let ``apply`` record what the
    step established on the locked case and save the fields it names, all in
    one transaction that also removes stored files if it rolls back."""
    with ledger_appends_last(atomic_with_files()):
        fresh, _transition = case_step(
            case=case,
            table=table,
            action=action,
            by=by,
            reason=reason,
            data=data,
            payload={k: v for k, v in data.items() if k not in personal_keys},
            personal={k: v for k, v in data.items() if k in personal_keys},
            documents=documents,
        )
        changed = apply(fresh)
        if changed:
            fresh.save(update_fields=[*changed, "updated_at"])
    return fresh


def evidence_since_step(case: Case) -> list[CaseDocument]:
    """Documents attached to ``case`` on their own since its open step
    began (the letter uploaded before the step that records it is taken);
    not those that were the evidence of something else meanwhile (a
    delegation letter is no proof of service)."""
    from viewflow.workflow.models import Task

    from casework.cases.tasks import OPEN  # the task service imports this module

    task = Task.objects.filter(process_id=case.pk, status__in=OPEN).order_by("-pk").first()
    if task is None:
        return []
    return list(
        CaseDocument.objects.filter(
            case_id=case.pk, uploaded_at__gte=task.created, ledger_entry__action="case.document_attached"
        ).order_by("pk")
    )


def filer(case: Case) -> list[User]:
    return [case.filed_by] if case.filed_by is not None else []


def next_memberships(case: Case, table: Table) -> list[Membership]:
    """The current memberships that may take a step from the case's state
    now, by role and reach: at the case's unit or, for roles that reach
    down, at a unit above it. One query."""
    wanted = {t.permission: t.roles for t in table.from_state(case.state) if t.notifies}
    roles = {
        code
        for permission, only in wanted.items()
        for code, role in ROLES.items()
        if permission in role.actions and (not only or code in only) and role.reach is not Reach.GRANTED
    }
    if not roles:
        return []
    memberships = (
        Membership.objects.current()
        .filter(role__in=roles, unit__path__in=unit_path_ancestors(case.unit_path))
        .select_related("user", "unit")
    )
    return [m for m in memberships if m.unit.path == case.unit_path or ROLES[m.role].reach is Reach.SUBTREE]


def next_actors(case: Case, table: Table) -> list[User]:
    """Who may take a step from the case's state now (``next_memberships``)."""
    return [m.user for m in next_memberships(case, table)]


def held_step(case: Case, user: User) -> Transition | None:
    """The case's current step, if ``user`` holds it: the first transition
    from its state that notifies its takers (the expected next step, not an
    option always open such as a withdrawal) and that ``user`` may take.
    Whoever holds it may attach documents on their own and stop or restart
    the step's clock."""
    from casework.cases.selectors import TABLES  # the registry imports the task service, which imports this

    table = TABLES.get(case.case_type)
    steps = [t for t in table.from_state(case.state) if t.notifies] if table is not None else []
    return next((t for t in steps if can(user, t.permission, case, roles=t.role_filter)), None)


def case_document_attach(
    *, case: Case, uploaded_file: File | None, kind: str, by: User, reason: str = ""
) -> CaseDocument:
    """Attach one document to ``case`` on its own, not with a step: allowed
    to whoever holds the case's current step (``held_step``). Checks the
    file (type by its first bytes, extension, size, not empty), stores it and
    writes one ledger entry ``case.document_attached`` listing it as
    evidence. A refusal stores nothing."""
    with atomic_with_files():
        fresh = case_lock(case.coerced)
        step = held_step(fresh, by)
        if step is None:
            raise NotAllowed(
                _("附件：此案件当前不在您的办理环节，不能上传材料。"),
                code="case.document_not_your_step",
                field="documents",
            )
        acting = acting_as(by, step.permission, fresh, roles=step.role_filter)
        if uploaded_file is None:
            raise RuleViolation(_("附件：请选择要上传的文件。"), code="field_required", field="documents")
        checked = documents_check([Attachment(uploaded_file, kind)])
        [document] = documents_store(case=fresh, checked=checked, by=by)
        entry = ledger_append(
            action="case.document_attached",
            subject=case_subject(fresh),
            subject_unit=fresh.unit,
            from_state=fresh.state,
            to_state=fresh.state,
            reason=reason,
            payload={"number": fresh.number, "document": document.pk, "kind": document.kind, "size": document.size},
            personal=documents_personal([document]),
            evidence=documents_evidence([document]),
            **acting,
        )
        documents_link([document], entry)
    return document
