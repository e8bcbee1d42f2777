"""Retention pages and commands: who reads them, who purges, and what a
refused post leaves unchanged."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.retention import retention_archive
from casework.audit.retention_models import PersonPurge
from casework.cases.models import Case
from casework.people.models import Person
from casework.people.services import person_register
from casework.people.synthetic import SyntheticPeople
from tests.audit.test_retention import (
    a_full_life,
    aid_officer_fixture,  # noqa: F401  (the fixture "aid_officer")
    state,
)
from tests.legalaid.conftest import apply
from tests.legalaid.conftest import step as legal_step

LIST = reverse("audit:retention")


def person_page(person: Person) -> str:
    return reverse("audit:retention-person", args=[person.pk])


@pytest.fixture
def life(world, staff, money, aid_officer):
    made = a_full_life(world, staff, money, aid_officer)
    retention_archive()
    return made


@pytest.fixture
def admin(world, user_with):
    return user_with("administrator", world.units["D1"])


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_auditor_reads_the_list_and_the_person_without_a_form(client, life, world, user_with):
    auditor = signed_in(client, user_with("auditor", world.units["D1"]))
    page = auditor.get(LIST)
    assert page.status_code == 200
    assert life.person.name in page.content.decode()
    page = auditor.get(person_page(life.person))
    assert page.status_code == 200 and 'name="reason"' not in page.content.decode()


def test_the_auditor_posting_the_purge_gets_403_and_nothing_changes(client, life, world, user_with):
    auditor = signed_in(client, user_with("auditor", world.units["D1"]))
    before = state(life)
    response = auditor.post(person_page(life.person), {"reason": "保管期满", "confirm": "1"})
    assert response.status_code == 403
    assert state(life) == before


def test_someone_without_the_trail_or_the_purge_gets_403(client, life, staff):
    chair = signed_in(client, staff["chair"])
    assert chair.get(LIST).status_code == 403
    assert chair.get(person_page(life.person)).status_code == 403


def test_a_neighbouring_districts_auditor_gets_404_for_the_person(client, life, world, user_with):
    neighbour = signed_in(client, user_with("auditor", world.units["D2"]))
    assert life.person.name not in neighbour.get(LIST).content.decode()
    assert neighbour.get(person_page(life.person)).status_code == 404


def test_the_administrator_purges_after_confirming(client, life, admin):
    browser = signed_in(client, admin)
    page = browser.get(person_page(life.person))
    assert 'name="reason"' in page.content.decode()
    before = state(life)
    refused = browser.post(person_page(life.person), {"reason": "档案保管期满"})
    assert refused.status_code == 400 and "确认" in refused.content.decode()
    assert state(life) == before
    done = browser.post(person_page(life.person), {"reason": "档案保管期满", "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == LIST
    assert PersonPurge.objects.filter(person=life.person).exists()
    after = browser.get(person_page(life.person)).content.decode()
    assert life.person.name not in after and "档案保管期满" in after


def _ended_applicant(world, aid_officer, synthetic):
    made = synthetic.person(today=datetime.now(UTC).date())
    person = person_register(by=None, name=made.name, id_number=made.id_number, employer=world.units["E1"])
    case = apply(world, {"officer": aid_officer}, person=person)
    legal_step(case, "withdraw", aid_officer, reason="申请人要求撤回")
    Case.objects.filter(pk=case.pk).update(closed_at=datetime(2012, 5, 1, tzinfo=UTC))


def test_the_list_reads_the_same_number_of_queries_for_one_person_and_for_several(client, world, aid_officer, admin):
    synthetic = SyntheticPeople(99)
    browser = signed_in(client, admin)
    counts = []
    for extra in (1, 3):
        for _ in range(extra):
            _ended_applicant(world, aid_officer, synthetic)
        retention_archive()
        browser.get(LIST)  # the session's first reads are not the list's
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(LIST).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert browser.get(LIST).content.decode().count("retention/people/") == 4


def test_the_commands_archive_and_purge(life, admin):
    out = StringIO()
    call_command("retention_archive", stdout=out)
    assert json.loads(out.getvalue()) == {"recorded": 0, "changed": 0, "unchanged": 2, "skipped": []}
    err = StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("retention_purge", person=life.person.pk, reason=life.person.name, by=admin.username, stderr=err)
    assert exit_code.value.code == 1 and json.loads(err.getvalue())["code"] == "retention.reason_personal"
    out = StringIO()
    call_command("retention_purge", person=life.person.pk, reason="档案保管期满", by=admin.username, stdout=out)
    assert json.loads(out.getvalue())["person"] == life.person.pk
    assert Person.objects.get(pk=life.person.pk).name != life.person.name
