"""Writes to the people registry. Each change is one ledger entry in the same
transaction; a broken rule raises ``RuleViolation`` and changes nothing.

Personal data (names, ID numbers, phones, gender, birth dates, incomes) goes
to the ledger's ``personal=`` part only; the payload holds what is not
personal (flags, categories, unit codes, the names of changed fields).
The bulk import lives in ``casework.people.imports``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casework.accounts.models import User
from casework.errors import RuleViolation
from casework.ledger.services import ledger_append
from casework.org.models import Unit
from casework.people.models import HouseholdMember, Person
from casework.people.rules import PERSON_INPUT_FIELDS, household_member_clean, person_clean

# Fields of a person whose values are personal data (the ledger keeps them
# in ``personal=``); every other stored field may go in the payload.
PERSONAL_FIELDS = frozenset({"name", "id_number", "mobile", "gender", "birth_date"})
# Stored fields a change may touch, in a stable order.
STORED_FIELDS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "mobile",
    "employer",
    "is_member",
    "member_since",
    "is_migrant_worker",
    "new_form_category",
    "name_initials",
    "id_last4",
)
# Derived, for search only: not worth a line in the trail.
_SEARCH_FIELDS = frozenset({"name_initials", "id_last4"})


def _check_input_names(fields: dict[str, Any]) -> None:
    unknown = set(fields) - PERSON_INPUT_FIELDS
    if unknown:
        raise TypeError(f"unknown person fields: {', '.join(sorted(unknown))}")


def _duplicate_id(number: str) -> RuleViolation:
    return RuleViolation(
        _("身份证号：该号码已登记，同一身份证号只能登记一人。"),
        code="people.duplicate_id_number",
        field="id_number",
    )


def _ledger_value(field: str, value: Any) -> Any:
    if isinstance(value, Unit):
        return value.code
    if isinstance(value, date):
        return value.isoformat()
    return value


def person_register(*, by: User | None, role: str = "", unit: Unit | None = None, **fields: Any) -> Person:
    """Register a person in the registry and return it.

    ``fields``: ``name`` and ``id_number`` (required), ``mobile``,
    ``employer`` (an ``org.Unit``), ``is_member``, ``member_since``,
    ``is_migrant_worker``, ``new_form_category``, and optionally ``gender``,
    which is only checked against the ID number. Gender, birth date, pinyin
    initials and the ID's last four are derived. An ID number already
    registered raises ``RuleViolation`` ``people.duplicate_id_number``;
    every other broken rule raises its own code (see ``rules.person_clean``).
    Writes one ledger entry ``person.registered``.
    """
    _check_input_names(fields)
    values, errors = person_clean(fields)
    if errors:
        raise errors[0].as_violation()
    if Person.objects.filter(id_number=values["id_number"]).exists():
        raise _duplicate_id(values["id_number"])
    person = Person(**values, registered_unit=unit)
    try:
        with transaction.atomic():
            person.save(force_insert=True)
            ledger_append(
                action="person.registered",
                subject=person,
                by=by,
                role=role,
                unit=unit,
                subject_unit=person.employer,
                to_state="registered",
                payload={
                    f: _ledger_value(f, values[f]) for f in STORED_FIELDS if f not in PERSONAL_FIELDS | _SEARCH_FIELDS
                },
                personal={f: _ledger_value(f, values[f]) for f in sorted(PERSONAL_FIELDS)},
            )
    except IntegrityError:
        # Someone registered the same number between the check and the insert.
        if Person.objects.filter(id_number=values["id_number"]).exists():
            raise _duplicate_id(values["id_number"]) from None
        raise
    return person


def person_update(
    *, person: Person, by: User | None, role: str = "", unit: Unit | None = None, **changes: Any
) -> Person:
    """Change a registered person's fields and return the fresh record.

    ``changes`` takes the same names as ``person_register``; fields not given
    keep their values. A corrected ID number re-derives gender, birth date and
    the last four. The row is locked while it changes. Writes one ledger entry
    ``person.updated`` listing the changed fields (old and new personal values
    in ``personal=``); when nothing would change, writes nothing.
    """
    _check_input_names(changes)
    with transaction.atomic():
        current = Person.objects.select_for_update(of=("self",)).select_related("employer").get(pk=person.pk)
        before = {f: getattr(current, f) for f in STORED_FIELDS}
        # Gender is derived, never an input of its own here: only a stated one is checked.
        merged = {f: before[f] for f in PERSON_INPUT_FIELDS - {"gender"} if f in before} | changes
        employer_changed = "employer" in changes and changes["employer"] != current.employer
        values, errors = person_clean(merged, check_employer_open=employer_changed)
        if errors:
            raise errors[0].as_violation()
        changed = [f for f in STORED_FIELDS if values[f] != before[f]]
        if not changed:
            return current
        if (
            "id_number" in changed
            and Person.objects.filter(id_number=values["id_number"]).exclude(pk=current.pk).exists()
        ):
            raise _duplicate_id(values["id_number"])
        for field in changed:
            setattr(current, field, values[field])
        try:
            with transaction.atomic():
                current.save(update_fields=[*changed, "updated_at"])
        except IntegrityError:
            raise _duplicate_id(values["id_number"]) from None
        shown = [f for f in changed if f not in _SEARCH_FIELDS]
        ledger_append(
            action="person.updated",
            subject=current,
            by=by,
            role=role,
            unit=unit,
            subject_unit=current.employer,
            payload={
                "changed": shown,
                "before": {f: _ledger_value(f, before[f]) for f in shown if f not in PERSONAL_FIELDS},
                "after": {f: _ledger_value(f, values[f]) for f in shown if f not in PERSONAL_FIELDS},
            },
            personal={
                "before": {f: _ledger_value(f, before[f]) for f in shown if f in PERSONAL_FIELDS},
                "after": {f: _ledger_value(f, values[f]) for f in shown if f in PERSONAL_FIELDS},
            },
        )
    return current


def household_member_add(
    *,
    person: Person,
    by: User | None,
    role: str = "",
    unit: Unit | None = None,
    name: str,
    relation: str,
    id_number: str = "",
    monthly_income: Decimal | int | str = Decimal("0"),
) -> HouseholdMember:
    """Add a member to a person's household and return it.

    ``relation`` is a ``Relation`` value; ``id_number`` is optional but
    validated when given, and may appear once per household and never be the
    person's own; ``monthly_income`` is yuan, fen-exact, not negative (a
    float is refused). Writes one ledger entry ``household_member.added``
    about the person, with the member's name, ID number and income in
    ``personal=``.
    """
    values, errors = household_member_clean(
        {"name": name, "relation": relation, "id_number": id_number, "monthly_income": monthly_income}
    )
    if errors:
        raise errors[0].as_violation()
    number = values["id_number"]
    with transaction.atomic():
        # Lock the person so two clerks adding the same member queue up.
        owner = Person.objects.select_for_update().get(pk=person.pk)
        if number and number == owner.id_number:
            raise RuleViolation(
                _("身份证号：家庭成员不能是本人。"), code="people.household_member_is_self", field="id_number"
            )
        if number and owner.household.filter(id_number=number).exists():
            raise RuleViolation(
                _("身份证号：该家庭成员已登记。"), code="people.household_member_duplicate", field="id_number"
            )
        member = HouseholdMember.objects.create(person=owner, **values)
        ledger_append(
            action="household_member.added",
            subject=owner,
            by=by,
            role=role,
            unit=unit,
            subject_unit=owner.employer,
            payload={"household_member": member.pk, "relation": member.relation},
            personal={
                "name": member.name,
                "id_number": member.id_number,
                "monthly_income": str(member.monthly_income),
            },
        )
    return member


REVEALABLE_FIELDS = ("id_number", "mobile")


def person_reveal(*, person: Person, by: User, reason: str) -> dict[str, str]:
    """Return ``person``'s unmasked ID number and mobile to ``by``, who must
    be allowed ``person.reveal`` on them, and record who saw them, when and
    why: one ledger entry ``person.revealed`` (the auditors' reveal log).
    Pages and the API show these masked otherwise."""
    from permissions.access import acting_as  # permissions builds on this app's models

    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("理由：查看完整信息必须说明理由。"), code="people.reveal_reason_required", field="reason")
    acting = acting_as(by, "person.reveal", person)
    with transaction.atomic():
        ledger_append(
            action="person.revealed",
            subject=person,
            subject_unit=person.employer or person.registered_unit,
            reason=reason,
            payload={"fields": list(REVEALABLE_FIELDS)},
            **acting,
        )
    return {field: getattr(person, field) for field in REVEALABLE_FIELDS}
