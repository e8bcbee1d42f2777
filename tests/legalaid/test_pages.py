"""The legal-aid pages: recording an application (a refusal keeps what was
typed and writes nothing), the list, the case page's hardship record,
lawyer choice, events and reassignment; a lawyer sees only their cases."""

from __future__ import annotations

from casework.hardship.models import HardshipCase
from casework.legalaid.models import LegalAidCase
from tests.legalaid.conftest import EMPLOYER_CODE, apply, fresh, state_of, step, to_assignment, to_in_progress

FORM = {
    "opposing_party": "某某精密机械有限公司",
    "opposing_code": EMPLOYER_CODE,
    "dispute": "wages",
    "facts": "拖欠三个月工资",
    "amount_claimed": "18000",
    "aid_form": "arbitration",
    "channel": "written",
    "basis": "serious_infringement",
}


def test_recording_an_application_from_the_page(client, world, legal):
    client.force_login(legal["officer"])
    body = {**FORM, "unit": world.units["D1"].pk, "id_number": world.people["E1"].id_number}
    response = client.post("/legalaid/new/", {**body, "opposing_code": "91350100M000100Y40"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "校验码" in html and 'value="某某精密机械有限公司"' in html
    assert LegalAidCase.objects.count() == 0
    response = client.post("/legalaid/new/", body)
    case = LegalAidCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.person == world.people["E1"] and case.state == "applied"
    assert case.number in client.get("/legalaid/").content.decode()


def test_the_hardship_record_of_the_applicant_is_shown(client, world, legal, staff):
    case = apply(world, legal)
    client.force_login(legal["officer"])
    assert "在档困难职工 <a" not in client.get(f"/cases/{case.pk}/").content.decode()
    from tests.hardship.test_paths import filed

    record = filed(world, staff)
    assert HardshipCase.objects.get(pk=record.pk).state == "filed"
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert record.number in html


def test_the_assignment_offers_the_districts_lawyers_by_name(client, world, legal):
    case = to_assignment(world, legal)
    client.force_login(legal["officer"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'<option value="{legal["lawyer"].pk}">' in html and f'<option value="{legal["lawyer2"].pk}">' in html
    response = client.post(f"/cases/{case.pk}/act/", {"action": "assign", "data.lawyer": legal["lawyer"].pk})
    assert response.status_code == 302 and fresh(case).lawyer == legal["lawyer"]


def test_the_lawyer_records_events_and_the_officer_reassigns(client, world, legal):
    case = to_in_progress(world, legal)
    client.force_login(legal["lawyer"])
    assert "登记办案事项" in client.get(f"/cases/{case.pk}/").content.decode()
    before = state_of(case)
    response = client.post(f"/legalaid/{case.pk}/events/", {"kind": "judgment", "happened_on": "2026-11-20"})
    assert response.status_code == 400 and "结果：必填" in response.content.decode()
    assert state_of(case) == before
    response = client.post(
        f"/legalaid/{case.pk}/events/", {"kind": "mediation", "happened_on": "2026-11-20", "outcome": "未达成"}
    )
    assert response.status_code == 302 and fresh(case).events.count() == 1
    client.force_login(legal["officer"])
    response = client.post(f"/legalaid/{case.pk}/reassign/", {"lawyer": legal["lawyer2"].pk, "reason": "回避"})
    assert response.status_code == 302 and fresh(case).lawyer == legal["lawyer2"]
    client.force_login(legal["lawyer"])
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/legalaid/{case.pk}/events/", {"kind": "mediation"}).status_code == 404


def test_a_lawyer_lists_only_their_own_cases(client, world, legal):
    mine = to_in_progress(world, legal)
    other = apply(world, legal, person=world.people["S1"])
    step(other, "accept", legal["officer"])
    client.force_login(legal["lawyer"])
    html = client.get("/legalaid/").content.decode()
    assert mine.number in html and other.number not in html
