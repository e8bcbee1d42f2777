"""Retention: terms of ended cases, and the purge of a person's personal data
once every case about them has passed its term (docs/retention.md)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from casework.audit.retention import person_purge, retention_archive
from casework.audit.retention_models import CaseRetention
from casework.audit.retention_scrub import PURGED
from casework.cases.documents import CaseDocument
from casework.district.models import DistrictSetting
from casework.errors import CaseworkError, NotAllowed, RuleViolation
from casework.hardship.models import HardshipCase
from casework.ledger.models import LedgerEntry
from casework.ledger.verify import ledger_verify
from casework.people.models import Person
from casework.people.services import person_register
from casework.people.synthetic import SyntheticPeople
from notifications.models import OutboxMessage
from tests.audit.retention_life import (
    LONG_AGO,
    a_full_life,
    aid_officer_fixture,  # noqa: F401  (the fixture "aid_officer")
    exit_and_archive,
    hits,
    state,
    unused_name,
)
from tests.hardship.test_paths import filed
from tests.services import require_postgres


@pytest.fixture
def admin(world, user_with):
    return user_with("administrator", world.units["D1"])


def test_a_purge_after_retention_leaves_no_personal_data_and_the_chain_verifies(
    world,
    staff,
    money,
    aid_officer,
    admin,
    media,
    django_capture_on_commit_callbacks,
):
    life = a_full_life(world, staff, money, aid_officer)
    document = CaseDocument.objects.get(case=life.hardship)
    assert (media / document.file.name).exists()
    secrets = life.secrets()
    assert set(hits(secrets)) == set(secrets)  # the search finds each of them before
    entries_before = LedgerEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        tombstone = person_purge(person=life.person, reason="档案保管期满，依规清除", by=admin)

    assert hits(secrets) == {}
    assert ledger_verify().ok
    call_command("ledger_verify")  # exits 1 (SystemExit) when the chain is broken
    assert not (media / document.file.name).exists()
    purged = CaseDocument.objects.get(pk=document.pk)
    assert purged.purged_at is not None and purged.sha256 == document.sha256
    assert LedgerEntry.objects.count() == entries_before + 1
    last = LedgerEntry.objects.latest("seq")
    assert (last.action, last.subject_id, last.actor, last.actor_role) == (
        "person.purged",
        str(life.person.pk),
        admin,
        "administrator",
    )
    assert tombstone.ledger_entry == last and tombstone.purged_by == admin
    assert sorted(item["case"] for item in tombstone.basis) == sorted([life.hardship.pk, life.legalaid.pk])
    assert {item["retain_until"] for item in tombstone.basis} == {"2024-03-02"}
    assert tombstone.counts["documents"] == 1 and tombstone.counts["household_members"] == 2
    person = Person.objects.get(pk=life.person.pk)
    assert (person.name, person.mobile, person.birth_date) == (PURGED, "", date(1900, 1, 1))
    assert person.id_number.startswith("PURGED") and len(person.id_number) == 18
    # What the funds audit needs stays: the payment, its amount and its case.
    assert life.hardship.payments.get().amount == Decimal("1500.00")


def test_a_purge_before_the_term_has_passed_is_refused_and_changes_nothing(
    world,
    staff,
    money,
    aid_officer,
    admin,
):
    life = a_full_life(world, staff, money, aid_officer, ended_on=None)  # exited today
    before = state(life)
    with pytest.raises(RuleViolation) as error:
        person_purge(person=life.person, reason="档案保管期满，依规清除", by=admin)
    exited = life.hardship.exited_on
    assert exited is not None
    earliest = exited.replace(year=exited.year + 10) + timedelta(days=1)
    assert (error.value.code, error.value.field) == ("retention.not_expired", "person")
    assert earliest.isoformat() in str(error.value.message)
    assert state(life) == before


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("auditor", "retention.purge_not_allowed"),
        ("street_administrator", "retention.purge_not_allowed"),
        ("reason_naming_the_person", "retention.reason_personal"),
        ("reason_naming_the_spouse", "retention.reason_personal"),
        ("no_reason", "reason_required"),
    ],
)
def test_only_the_districts_administrator_purges_with_a_reason_that_names_no_one(
    world, staff, money, aid_officer, admin, user_with, who, code
):
    life = a_full_life(world, staff, money, aid_officer)
    by, reason = admin, "保管期满"
    if who == "auditor":
        by = user_with("auditor", world.units["D1"])
    elif who == "street_administrator":
        by = user_with("administrator", world.units["S1"])
    elif who == "reason_naming_the_person":
        reason = f"{life.person.name}保管期满"
    elif who == "reason_naming_the_spouse":
        reason = f"保管期满（{life.spouse.id_number}）"
    else:
        reason = "  "
    before = state(life)
    with pytest.raises(CaseworkError) as error:
        person_purge(person=life.person, reason=reason, by=by)
    assert error.value.code == code
    assert isinstance(error.value, NotAllowed) == (code == "retention.purge_not_allowed")
    assert state(life) == before


def test_a_person_listed_in_anothers_record_loses_only_their_own_rows_there(world, staff, admin):
    synthetic = SyntheticPeople(77)
    made = synthetic.person(today=date.today())
    listed = person_register(by=None, name=unused_name(synthetic), id_number=made.id_number, employer=None)
    worker = world.people["E1"]
    case = filed(world, staff, household=[{"name": listed.name, "relation": "spouse", "id_number": listed.id_number}])
    exit_and_archive(case, staff, reason="收入已连续高于标准")
    HardshipCase.objects.filter(pk=case.pk).update(exited_on=LONG_AGO)
    statement = HardshipCase.objects.get(pk=case.pk).statement
    assert set(hits([listed.name, listed.id_number])) == {listed.name, listed.id_number}

    person_purge(person=listed, reason="档案保管期满", by=admin)

    assert hits([listed.name, listed.id_number]) == {}
    kept = HardshipCase.objects.get(pk=case.pk)
    assert kept.statement == statement and kept.household.get(is_worker=True).name == worker.name
    assert worker.name in hits([worker.name])
    assert ledger_verify().ok


def test_a_case_still_open_forbids_the_purge(world, staff, admin):
    case = filed(world, staff)
    before = (LedgerEntry.objects.count(), OutboxMessage.objects.count(), Person.objects.get(pk=case.person_id).name)
    with pytest.raises(RuleViolation) as error:
        person_purge(person=case.person, reason="保管期满", by=admin)
    assert error.value.code == "retention.case_open"
    assert (LedgerEntry.objects.count(), OutboxMessage.objects.count(), case.person.name) == before


def test_the_archive_records_each_ended_cases_term_once_with_the_longer_setting(
    world,
    staff,
    money,
    aid_officer,
):
    life = a_full_life(world, staff, money, aid_officer)
    DistrictSetting.objects.create(
        district=world.units["D1"], key="audit.retention_years", value=15, effective_from=date(2013, 1, 1)
    )
    first = retention_archive()
    assert (first.recorded, first.changed) == (2, 0)
    kept = CaseRetention.objects.get(case_id=life.hardship.pk)
    # 15 years in force the day it ended beat today's 10.
    assert (kept.ended_on, kept.years, kept.retain_until) == (LONG_AGO, 15, date(2029, 3, 2))
    assert HardshipCase.objects.get(pk=life.hardship.pk).retain_until == date(2029, 3, 2)
    assert kept.ledger_entry.action == "case.retention_recorded" and kept.ledger_entry.actor is None
    entries = LedgerEntry.objects.count()
    again = retention_archive()
    assert (again.recorded, again.changed, again.unchanged) == (0, 0, 2)
    assert LedgerEntry.objects.count() == entries
    # Raised today: the terms of cases that ended long ago grow too.
    DistrictSetting.objects.create(
        district=world.units["D1"], key="audit.retention_years", value=20, effective_from=date.today()
    )
    longer = retention_archive()
    assert (longer.recorded, longer.changed) == (0, 2)
    kept.refresh_from_db()
    assert (kept.years, kept.retain_until) == (20, date(2034, 3, 2))
    assert kept.ledger_entry.payload["previous"] == "2029-03-02"
    assert ledger_verify().ok


def test_postgres_allows_only_the_purge_of_the_personal_part(world):
    require_postgres()
    entry = world.entries["E1"]
    attempts: list[dict[str, Any]] = [
        {"reason": "改过"},
        {"reason": "", "personal": {}},  # the salt left
        {"reason": "", "personal": {}, "personal_salt": "", "action": "forged"},  # and another column
        {"reason": "", "personal": {}, "personal_salt": "", "payload": {"x": 1}},
    ]
    for values in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            LedgerEntry.objects.filter(seq=entry.seq).update(**values)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(seq=entry.seq).delete()
    assert LedgerEntry.objects.filter(seq=entry.seq, personal_salt=entry.personal_salt).exists()
    assert LedgerEntry.objects.filter(seq=entry.seq).update(reason="", personal={}, personal_salt="") == 1
    # The trigger let it through, but no purge's entry lists it: the check says so.
    result = ledger_verify()
    assert (result.ok, result.first_bad, result.problem) == (False, entry.seq, "personal_cleared")
