"""Admin pages: masked lists, search through person_search, saves through the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from casework.accounts.models import User
from casework.ledger.models import LedgerEntry
from casework.org.models import Unit
from casework.people.models import HouseholdMember, Person
from casework.people.services import household_member_add, person_register
from tests.people.conftest import STANDARD_EXAMPLE, id_number

pytestmark = pytest.mark.django_db

CHILD = id_number(born=date(1975, 5, 5), seq=22)
# The read-only household inline still posts its (empty) management form.
INLINE = {"household-TOTAL_FORMS": "0", "household-INITIAL_FORMS": "0"}


@pytest.fixture
def root(client: Client) -> Client:
    client.force_login(User.objects.create_superuser(username="root", password=None))
    return client


@pytest.fixture
def zhang() -> Person:
    person = person_register(by=None, name="张三", id_number=STANDARD_EXAMPLE, mobile="13812345678")
    household_member_add(person=person, by=None, name="张小三", relation="child", id_number=CHILD)
    return person


def test_list_shows_masked_values_only(root: Client, zhang: Person) -> None:
    page = root.get(reverse("admin:people_person_changelist")).content.decode()
    assert "110105********002X" in page and "138****5678" in page
    assert STANDARD_EXAMPLE not in page and "13812345678" not in page


def test_change_page_does_not_show_the_full_number(root: Client, zhang: Person) -> None:
    page = root.get(reverse("admin:people_person_change", args=[zhang.pk])).content.decode()
    assert "110105********002X" in page and "张小三" in page
    for secret in (STANDARD_EXAMPLE, "13812345678", CHILD, "1949-12-31", "1949年12月31日"):
        assert secret not in page, secret


def test_household_pages_are_masked(root: Client, zhang: Person) -> None:
    member = HouseholdMember.objects.get()
    for url in (
        reverse("admin:people_householdmember_changelist"),
        reverse("admin:people_householdmember_change", args=[member.pk]),
    ):
        page = root.get(url).content.decode()
        assert "张小三" in page and CHILD not in page and STANDARD_EXAMPLE not in page


@pytest.mark.parametrize(("q", "found"), [("zs", True), ("002x", True), ("张", True), ("ls", False)])
def test_admin_search_uses_the_selector(root: Client, zhang: Person, q: str, found: bool) -> None:
    page = root.get(reverse("admin:people_person_changelist"), {"q": q}).content.decode()
    assert ("110105********002X" in page) is found


def test_add_goes_through_the_service(root: Client) -> None:
    data = {
        "name": "李四",
        "id_number": "11010519491231002x",
        "mobile": "",
        "employer": "",
        "new_form_category": "none",
        **INLINE,
    }
    response = root.post(reverse("admin:people_person_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get()
    assert (person.id_number, person.name_initials, person.gender) == (STANDARD_EXAMPLE, "ls", "female")
    assert LedgerEntry.objects.get().action == "person.registered"


def test_add_form_shows_the_rule(root: Client) -> None:
    data = {"name": "李四", "id_number": "440524800101001", "new_form_category": "none", **INLINE}
    response = root.post(reverse("admin:people_person_add"), data)
    assert response.status_code == 200
    assert "18位" in response.content.decode()
    assert Person.objects.count() == 0 and LedgerEntry.objects.count() == 0


def test_change_goes_through_the_service(root: Client, zhang: Person) -> None:
    unit = Unit.objects.create(code="E9", name="单位", kind="enterprise", path="/00000099/")
    data = {
        "name": "张叁",
        "employer": str(unit.pk),
        "is_member": "on",
        "member_since": "2020-01-01",
        "new_form_category": "courier",
        "new_mobile": "139 0000 1111",
        "new_id_number": "",
    }
    # What the browser posts for the read-only inline of the one household member.
    member = HouseholdMember.objects.get()
    data |= {
        "household-TOTAL_FORMS": "1",
        "household-INITIAL_FORMS": "1",
        "household-MIN_NUM_FORMS": "0",
        "household-MAX_NUM_FORMS": "0",
        "household-0-id": str(member.pk),
        "household-0-person": str(zhang.pk),
    }
    entries = LedgerEntry.objects.count()
    response = root.post(reverse("admin:people_person_change", args=[zhang.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    zhang.refresh_from_db()
    assert (zhang.name, zhang.mobile, zhang.id_number, zhang.employer) == (
        "张叁",
        "13900001111",
        STANDARD_EXAMPLE,
        unit,
    )
    assert LedgerEntry.objects.count() == entries + 1
    assert LedgerEntry.objects.order_by("-seq").first().action == "person.updated"  # type: ignore[union-attr]
    assert HouseholdMember.objects.get().name == "张小三"


def test_change_to_a_registered_number_is_shown_as_an_error(root: Client, zhang: Person) -> None:
    other = person_register(by=None, name="李四", id_number=id_number(seq=3))
    data = {"name": "李四", "new_form_category": "none", "new_id_number": STANDARD_EXAMPLE.lower(), **INLINE}
    response = root.post(reverse("admin:people_person_change", args=[other.pk]), data)
    assert response.status_code == 200 and "已登记" in response.content.decode()
    other.refresh_from_db()
    assert other.id_number == id_number(seq=3)


def test_household_add_goes_through_the_service(root: Client, zhang: Person) -> None:
    data = {"person": str(zhang.pk), "name": "王五", "relation": "spouse", "id_number": "", "monthly_income": "3000.50"}
    response = root.post(reverse("admin:people_householdmember_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert zhang.household.get(name="王五").monthly_income == 3000.50
    assert LedgerEntry.objects.order_by("-seq").first().action == "household_member.added"  # type: ignore[union-attr]


def test_nothing_can_be_deleted_in_admin(root: Client, zhang: Person) -> None:
    response = root.get(reverse("admin:people_person_delete", args=[zhang.pk]))
    assert response.status_code == 403
