"""Replacing one person's personal data with tombstones, everywhere it is
kept (docs/retention.md has the list and why each piece goes or stays).

Called by ``person_purge`` inside its transaction, after every check
passed; each kind of row is changed by a few statements whatever the
number of rows. Files are deleted only after the transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db.models import Model, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from casework.bargaining.models import BargainingCase, Seat
from casework.cases.documents import CaseDocument
from casework.cases.models import Case
from casework.hardship.assistance import AssistancePayment
from casework.hardship.models import AnnualReview, HardshipCase, HouseholdSnapshot, IncomeRecord, RigidExpense
from casework.hardship.models import Objection as HardshipObjection
from casework.honours.models import HonourNomination, Revocation, VettingRequest
from casework.honours.models import Objection as HonoursObjection
from casework.ledger.models import LedgerEntry
from casework.legalaid.models import CaseEvent, LegalAidCase
from casework.people.models import HouseholdMember, Person
from permissions.models import ConflictDeclaration

logger = logging.getLogger(__name__)

# What a purged text becomes: a stored value, the same in every language
# (like a record number), so that pages show that something was there.
PURGED = "[已清除]"
# A birth date is personal; the column is required.
PURGED_BIRTH_DATE = date(1900, 1, 1)

# The free texts of a person's own cases, replaced whole: (model, lookup to
# the case's id, fields). Amounts, dates, states and categories stay: the
# funds audit and the statistics need them, and without a name they say
# nothing about anyone.
CASE_TEXTS: tuple[tuple[type[Model], str, tuple[str, ...]], ...] = (
    (HardshipCase, "pk", ("statement", "help_plan", "home_visit_report")),
    (HardshipObjection, "case", ("objector", "content", "resolution")),
    (AnnualReview, "case", ("notes",)),
    (AssistancePayment, "case", ("note",)),
    (LegalAidCase, "pk", ("facts", "missing_material", "refusal_reasons", "closure_report")),
    (CaseEvent, "case", ("outcome",)),
    (HonourNomination, "pk", ("deeds",)),
    (HonoursObjection, "case", ("objector", "content", "resolution")),
    (VettingRequest, "nomination", ("reason",)),
    (Revocation, "nomination", ("grounds", "decision_reason")),
)

# The admin log names a case by whichever of these its page was.
CASE_MODELS: tuple[type[Model], ...] = (Case, HardshipCase, LegalAidCase, HonourNomination, BargainingCase)


def purged_id_number(person: Person) -> str:
    """The tombstone in the unique ID-number column: 18 characters, never a
    valid ID number (letters), unique by the row's id."""
    return f"PURGED{person.pk:012d}"[-18:]


def _texts_replace(case_ids: Sequence[int]) -> int:
    replaced = 0
    for model, lookup, fields in CASE_TEXTS:
        rows = model._default_manager.filter(**{f"{lookup}__in": case_ids})
        for name in fields:
            replaced += rows.exclude(**{name: ""}).update(**{name: PURGED})
    return replaced


def _ledger_clear(person: Person, case_ids: Sequence[int]) -> list[int]:
    """Clear the personal part of every entry about the person or their own
    cases, and of any other entry whose personal part or reason holds their
    ID number (an import batch, the application of a household they were
    listed in). Names are not unique, so they are not searched for.
    Returns the entries' numbers, which the purge's own entry lists."""
    about = Q(subject_type="people.person", subject_id=str(person.pk)) | Q(
        subject_type="cases.case", subject_id__in=[str(pk) for pk in case_ids]
    )
    mentioning = (
        LedgerEntry.objects.annotate(personal_text=Cast("personal", TextField()))
        .filter(Q(personal_text__contains=person.id_number) | Q(reason__contains=person.id_number))
        .values("seq")
    )
    seqs = list(
        LedgerEntry.objects.filter(about | Q(seq__in=mentioning))
        .filter(~Q(personal_salt="") | ~Q(reason=""))
        .values_list("seq", flat=True)
    )
    # The one UPDATE the ledger's trigger allows (migration 0003): these
    # three to empty, every other column unchanged.
    LedgerEntry.objects.filter(seq__in=seqs).update(reason="", personal={}, personal_salt="")
    return sorted(seqs)


def _documents_mark(case_ids: Sequence[int]) -> tuple[int, list[str], list[int]]:
    documents = CaseDocument.objects.filter(case_id__in=case_ids, purged_at__isnull=True)
    files = list(documents.values_list("pk", "file"))
    documents.update(original_name=PURGED, purged_at=timezone.now())
    return len(files), [name for _pk, name in files], [pk for pk, _name in files]


def _admin_log_clear(objects: dict[type[Model], Sequence[int]]) -> int:
    """Django's admin log repeats an object's ``str`` (a person's name)."""
    condition = Q(pk__in=[])
    for model, ids in objects.items():
        if ids:
            kind = ContentType.objects.get_for_model(model, for_concrete_model=True)
            condition |= Q(content_type=kind, object_id__in=[str(pk) for pk in ids])
    return LogEntry.objects.filter(condition).exclude(object_repr=PURGED).update(object_repr=PURGED)


def person_data_replace(
    *, person: Person, own_cases: Sequence[int], other_cases: Sequence[int]
) -> tuple[dict[str, int], list[str], list[int], list[int]]:
    """Replace ``person``'s personal data: everything of their own cases,
    their rows in others' cases (a household snapshot, a bargaining seat),
    the registry row and household, the trail's personal parts, the admin
    log. Returns the counts, the document files to delete after commit, the
    numbers of the ledger entries whose personal part was cleared and the
    ids of the documents purged (the purge's own entry lists both).
    The caller holds the locks and has checked the retention rule."""
    number = person.id_number
    members = list(person.household.values_list("pk", flat=True))
    cleared = _ledger_clear(person, own_cases)
    counts: dict[str, int] = {"ledger_entries": len(cleared)}
    counts["documents"], files, document_ids = _documents_mark(own_cases)
    counts["case_texts"] = _texts_replace(own_cases)
    counts["household_snapshots"] = HouseholdSnapshot.objects.filter(
        Q(case_id__in=own_cases) | Q(case_id__in=other_cases, id_number=number)
    ).update(name=PURGED, id_number="")
    counts["incomes"], _ = IncomeRecord.objects.filter(case_id__in=own_cases).delete()
    counts["expenses"], _ = RigidExpense.objects.filter(case_id__in=own_cases).delete()
    counts["seats"] = Seat.objects.filter(Q(person=person) | Q(case_id__in=other_cases, id_number=number)).update(
        name=PURGED, id_number=""
    )
    counts["conflict_declarations"] = ConflictDeclaration.objects.filter(person=person).update(reason=PURGED)
    counts["admin_log"] = _admin_log_clear(
        {
            Person: [person.pk],
            HouseholdMember: members,
            CaseDocument: document_ids,
            **dict.fromkeys(CASE_MODELS, own_cases),
        }
    )
    counts["household_members"], _ = HouseholdMember.objects.filter(pk__in=members).delete()
    Person.objects.filter(pk=person.pk).update(
        name=PURGED,
        id_number=purged_id_number(person),
        mobile="",
        gender="",
        birth_date=PURGED_BIRTH_DATE,
        name_initials="",
        id_last4="",
        updated_at=timezone.now(),
    )
    counts["person"] = 1
    return counts, files, cleared, sorted(document_ids)


def files_delete(names: Sequence[str]) -> None:
    """Delete purged documents' files (after commit). One that cannot be
    deleted is logged; its row says it was purged, so it is never served."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("could not delete the purged document file %s", name)
