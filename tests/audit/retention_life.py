"""A worker's whole life in the system, for the retention tests: registered
with a household, revealed, a hardship record filed with a document, paid,
exited and archived, a legal-aid case withdrawn; and a search of every text
column of every model for what a purge must remove."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast

from casework.audit.retention_models import PersonPurge
from casework.cases.documents import Attachment, CaseDocument
from casework.cases.models import Case
from casework.hardship.models import HardshipCase
from casework.hardship.payments import payment_decide, payment_request
from casework.ledger.models import LedgerEntry
from casework.people.models import HouseholdMember, Person
from casework.people.services import household_member_add, person_register, person_reveal
from casework.people.synthetic import SyntheticPeople
from notifications.models import OutboxMessage
from tests.cases.conftest import PDF, upload
from tests.hardship.conftest import past_notice
from tests.hardship.test_flow import step
from tests.hardship.test_paths import filed
from tests.legalaid.conftest import apply
from tests.legalaid.conftest import step as legal_step

LONG_AGO = date(2014, 3, 2)  # ended then: a ten-year term passed in 2024


@dataclass
class Life:
    person: Person
    spouse: HouseholdMember
    child: HouseholdMember
    hardship: HardshipCase
    legalaid: Case

    def secrets(self) -> list[str]:
        """What must be nowhere after the purge."""
        p, s, c = self.person, self.spouse, self.child
        return [p.name, p.id_number, p.mobile, s.name, s.id_number, c.name, c.id_number]


def unused_name(synthetic: SyntheticPeople) -> str:
    """A made-up name no other row of the world contains (so a hit is ours)."""
    while True:
        name = synthetic.name()
        if len(name) >= 3 and not Person.objects.filter(name__contains=name).exists():
            return name


def exit_and_archive(case, staff, *, reason: str) -> None:
    step(case, "propose_exit", staff["caseworker"], reason=reason, exit_reason="recovered", **past_notice())
    step(case, "end_notice", staff["caseworker"])
    step(case, "approve_exit", staff["district_approver"])
    step(case, "archive", staff["caseworker"])


@pytest.fixture(name="aid_officer")
def aid_officer_fixture(world, user_with, district):
    """The district's legal-aid officer, who records and withdraws the application."""
    return user_with("legal_officer", world.units["D1"])


def a_full_life(world, staff, money, aid_officer, *, ended_on: date | None = LONG_AGO) -> Life:
    """A worker with a household, a reveal, a hardship record filed with a
    document, paid, exited and archived, and a withdrawn legal-aid case; with
    ``ended_on``, both cases ended on that day."""
    synthetic = SyntheticPeople(2024)
    made = synthetic.person(today=date.today())
    name = unused_name(synthetic)
    person = person_register(
        by=None, name=name, id_number=made.id_number, mobile=made.mobile, employer=world.units["E1"], is_member=True
    )
    spouse = household_member_add(
        person=person, by=None, name=unused_name(synthetic), relation="spouse", id_number=synthetic.id_number()
    )
    child = household_member_add(
        person=person, by=None, name=unused_name(synthetic), relation="child", id_number=synthetic.id_number()
    )
    person_reveal(person=person, by=staff["caseworker"], reason="入户前核对联系方式")
    case = filed(
        world,
        staff,
        worker=person,
        statement=f"{name}患病，配偶{spouse.name}失业",
        household=[{"name": spouse.name, "relation": "spouse", "id_number": spouse.id_number}],
        documents=[Attachment(upload(f"{name}身份证.pdf", PDF), "id_card")],
    )
    payment = payment_request(
        case=case,
        assistance_type="living",
        amount="1500",
        budget_line=money["street"],
        by=staff["caseworker"],
        note=f"{name}生活救助",
    )
    payment_decide(payment=payment, approve=True, by=money["finance"])
    exit_and_archive(case, staff, reason=f"{name}收入已连续高于标准")
    aid = apply(world, {"officer": aid_officer}, person=person, facts=f"{name}被拖欠三个月工资")
    legal_step(aid, "withdraw", aid_officer, reason="申请人要求撤回")
    if ended_on is not None:
        HardshipCase.objects.filter(pk=case.pk).update(exited_on=ended_on)
        moment = datetime(ended_on.year, ended_on.month, ended_on.day, 2, tzinfo=UTC)
        Case.objects.filter(pk__in=[case.pk, aid.pk]).update(closed_at=moment)
    return Life(person, spouse, child, HardshipCase.objects.get(pk=case.pk), Case.objects.get(pk=aid.pk))


def text_columns() -> list[tuple[type[models.Model], models.Field]]:
    """Every text-like column of every model of the project."""
    kinds = (models.CharField, models.TextField, models.JSONField, models.FileField)
    return [
        (model, field)
        for model in apps.get_models()
        if not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, kinds) and field.model is model  # an inherited column once, on its own table
    ]


def hits(values: list[str]) -> dict[str, list[str]]:
    """Where each value is still stored: ``{value: ["app.Model.column", …]}``.
    JSON is read as text, also in the ASCII-escaped form SQLite stores."""
    found: dict[str, list[str]] = {}
    for model, field in text_columns():
        rows = model._base_manager.all()
        column = field.attname
        if isinstance(field, models.JSONField):
            rows = rows.annotate(_text=Cast(column, models.TextField()))
            column = "_text"
        forms = {v: {v, json.dumps(v)[1:-1]} for v in values}
        condition = Q(pk__in=[])
        for form in set().union(*forms.values()):
            condition |= Q(**{f"{column}__contains": form})
        texts = list(rows.filter(condition).values_list(column, flat=True))
        for value in values:
            if any(form in str(text) for text in texts for form in forms[value]):
                found.setdefault(value, []).append(f"{model._meta.label}.{field.name}")
    return found


def state(life: Life) -> tuple:
    """What a refused purge must leave unchanged."""
    person = Person.objects.get(pk=life.person.pk)
    return (
        (person.name, person.id_number, person.mobile),
        HardshipCase.objects.filter(pk=life.hardship.pk).values_list("statement", flat=True).get(),
        HouseholdMember.objects.filter(person=person).count(),
        list(LedgerEntry.objects.filter(personal_salt="").values_list("seq", flat=True)),
        LedgerEntry.objects.count(),
        OutboxMessage.objects.count(),
        PersonPurge.objects.count(),
        CaseDocument.objects.filter(purged_at__isnull=False).count(),
    )
