"""Units and people as pages: scoped lists, absent outside scope, masked by
default, a logged reveal; the auditor reads and changes nothing."""

from __future__ import annotations

from casework.ledger.models import LedgerEntry


def test_a_street_sees_its_own_units_and_people_only(client, world, user_with):
    client.force_login(user_with("street_caseworker", world.units["S1"]))
    units = client.get("/units/").content.decode()
    assert "一街道工会" in units and "一厂工会" in units and "二街道工会" not in units
    people = client.get("/people/").content.decode()
    assert world.people["E1"].name in people and world.people["E2"].name not in people
    nav = client.get("/").content.decode()
    assert 'href="/units/"' in nav and 'href="/people/"' in nav and 'href="/cases/inbox/"' in nav


def test_every_unit_and_person_outside_scope_is_absent(client, world, user_with):
    client.force_login(user_with("street_caseworker", world.units["S1"]))
    before = LedgerEntry.objects.count()
    for code in ("D1", "D2", "S2", "S3", "E2"):
        assert client.get(f"/units/{world.units[code].pk}/").status_code == 404
        assert client.get(f"/people/{world.people[code].pk}/").status_code == 404
        assert client.post(f"/people/{world.people[code].pk}/reveal/", {"reason": "核实"}).status_code == 404
    assert LedgerEntry.objects.count() == before


def test_masked_by_default_and_a_reveal_is_logged(client, world, user_with):
    user = user_with("street_caseworker", world.units["S1"])
    client.force_login(user)
    person = world.people["E1"]
    assert person.id_number not in client.get("/people/").content.decode()
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert person.id_number not in page and person.id_number[-4:] in page and 'name="reason"' in page
    revealed = client.post(f"/people/{person.pk}/reveal/", {"reason": "发放前核对身份"}).content.decode()
    assert person.id_number in revealed
    entry = LedgerEntry.objects.latest("seq")
    assert (entry.action, entry.actor, entry.reason) == ("person.revealed", user, "发放前核对身份")
    # The next page view is masked again.
    assert person.id_number not in client.get(f"/people/{person.pk}/").content.decode()


def test_an_empty_reason_shows_on_its_field_and_logs_nothing(client, world, user_with):
    client.force_login(user_with("street_caseworker", world.units["S1"]))
    before = LedgerEntry.objects.count()
    response = client.post(f"/people/{world.people['E1'].pk}/reveal/", {"reason": "  "})
    assert response.status_code == 400 and "理由：查看完整信息必须说明理由。" in response.content.decode()
    assert LedgerEntry.objects.count() == before


def test_the_auditor_reads_but_cannot_reveal(client, world, user_with):
    client.force_login(user_with("auditor", world.units["D1"]))
    person = world.people["E2"]
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert person.name in page and 'name="reason"' not in page
    before = LedgerEntry.objects.count()
    response = client.post(f"/people/{person.pk}/reveal/", {"reason": "抽查"})
    assert response.status_code == 403 and "您的角色不能进行此操作。" in response.content.decode()
    assert LedgerEntry.objects.count() == before


def test_the_403_page_speaks_english_when_asked(client, world, user_with):
    client.force_login(user_with("auditor", world.units["D1"]))
    response = client.post(f"/people/{world.people['E2'].pk}/reveal/", {"reason": "audit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403 and "Your role cannot do this." in response.content.decode()
