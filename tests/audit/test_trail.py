"""The trail search, a case's timeline and the reveal log: filters, scope
(a street's auditor never reads a neighbour's trail), bad input, the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.audit.trail import TrailQuery, case_timeline, reveal_log, trail_query_parse, trail_search
from casework.errors import NotAllowed, RuleViolation
from casework.ledger.models import LedgerEntry
from casework.org.models import Membership
from casework.people.services import person_reveal
from tests.api.helpers import as_user
from tests.hardship.test_flow import submit


@pytest.fixture
def two_streets(world, staff, evidenced_case):
    """The evidenced case at E1 (street S1) and a submitted one at E2 (street S2)."""
    neighbour = submit(world, {**staff, "chair": staff["neighbour_chair"]}, worker=world.people["E2"])
    return evidenced_case, neighbour


def seqs(entries) -> list[int]:
    return [e.seq for e in entries]


def about(case) -> list[int]:
    return sorted(
        LedgerEntry.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).values_list("seq", flat=True)
    )


def test_a_street_auditor_reads_its_own_streets_trail_only(two_streets, auditors):
    mine, theirs = two_streets
    found = seqs(trail_search(auditors["street"], TrailQuery()))
    assert set(about(mine)) <= set(found)
    assert not set(about(theirs)) & set(found)
    district = seqs(trail_search(auditors["district"], TrailQuery()))
    assert set(about(mine)) | set(about(theirs)) <= set(district)


def test_a_neighbours_case_or_unit_answers_404_not_an_empty_list(two_streets, auditors, world, client):
    _mine, theirs = two_streets
    client.force_login(auditors["street"])
    assert client.get(reverse("audit:trail"), {"case": theirs.pk}).status_code == 404
    assert client.get(reverse("audit:trail"), {"unit": world.units["S2"].pk}).status_code == 404
    assert client.get(reverse("audit:case", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("audit:case", args=[999999])).status_code == 404


def test_a_case_seen_as_a_caseworker_but_not_as_an_auditor_answers_404(two_streets, auditors, world, api, client):
    _mine, theirs = two_streets
    both = auditors["street"]
    Membership.objects.create(user=both, unit=world.units["S2"], role="street_caseworker")
    client.force_login(both)
    assert client.get(reverse("audit:case", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("audit:case-json", args=[theirs.pk])).status_code == 404
    assert as_user(api, both).get("/api/v1/trail/", {"case": theirs.pk}).status_code == 404


def test_an_empty_result_says_so(two_streets, auditors, client):
    client.force_login(auditors["district"])
    html = client.get(reverse("audit:trail"), {"actor": "nobody-here"}).content.decode()
    assert "找到0条记录。" in html and "没有找到。" in html


def test_the_actor_filter_finds_the_system(two_streets, auditors):
    user = auditors["district"]
    found = list(trail_search(user, trail_query_parse(user, {"actor": "system"})))
    assert found and all(e.actor_id is None for e in found)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
        ({"unit": "abc"}, "unit"),
    ],
)
def test_bad_input_names_the_field(params, field, two_streets, auditors, client, api):
    with pytest.raises(RuleViolation) as refused:
        trail_query_parse(auditors["district"], params)
    assert refused.value.field == field
    client.force_login(auditors["district"])
    page = client.get(reverse("audit:trail"), params)
    assert page.status_code == 400 and str(refused.value.message) in page.content.decode()
    answer = as_user(api, auditors["district"]).get("/api/v1/trail/", params)
    assert answer.status_code == 400 and field in str(answer.json())


def test_odd_but_well_formed_values_match_nothing_or_everything_never_fail(two_streets, auditors, api):
    user = auditors["district"]
    every = [e.seq for e in trail_search(user, TrailQuery())]
    wide = trail_query_parse(user, {"from": "0001-01-01", "to": "9999-12-31"})
    assert [e.seq for e in trail_search(user, wide)] == every
    assert list(trail_search(user, trail_query_parse(user, {"action": "审批", "state": "x" * 500}))) == []
    answer = as_user(api, user).get("/api/v1/trail/", {"unit": "-5"})
    assert answer.status_code == 404


def test_filters_by_case_actor_action_state_and_period(two_streets, auditors, staff):
    mine, _theirs = two_streets
    user = auditors["district"]

    def search(**params: str) -> list[int]:
        return seqs(trail_search(user, trail_query_parse(user, params)))

    assert search(case=mine.number) == search(case=str(mine.pk)) == about(mine)
    approvals = search(actor=staff["district_approver"].username)
    assert approvals and all(
        LedgerEntry.objects.get(seq=s).actor_id == staff["district_approver"].pk for s in approvals
    )
    assert search(action="hardship.approve", case=str(mine.pk)) == [
        s for s in about(mine) if LedgerEntry.objects.get(seq=s).action == "hardship.approve"
    ]
    street_review = search(state="street_review")
    assert street_review and all(
        "street_review" in (LedgerEntry.objects.get(seq=s).from_state, LedgerEntry.objects.get(seq=s).to_state)
        for s in street_review
    )
    today = timezone.localdate()
    assert search(**{"from": today.isoformat(), "to": today.isoformat()}) == search()
    assert search(**{"to": (today - timedelta(days=1)).isoformat()}) == []
    assert search(**{"from": (today + timedelta(days=1)).isoformat()}) == []


def test_the_timeline_gives_each_step_its_task_and_due_date(evidenced_case, auditors):
    steps = case_timeline(auditors["street"], evidenced_case)
    assert [s.entry.seq for s in steps] == about(evidenced_case)
    opened, visit = steps[0], steps[1]
    assert opened.task is None  # the application came before any task
    assert visit.task is not None and visit.task.flow_task.name == "home_visit"
    assert visit.due is not None and visit.due >= timezone.localdate() and not visit.late
    page_rows = visit.entry.evidence
    assert page_rows and page_rows[0]["sha256"]


def test_the_timeline_page_shows_states_reasons_files_and_due_dates(evidenced_case, auditors, client):
    client.force_login(auditors["street"])
    html = client.get(reverse("audit:case", args=[evidenced_case.pk])).content.decode()
    document = evidenced_case.documents.get()
    assert "待入户调查 → 待民主评议" in html
    assert document.sha256[:12] in html
    due = case_timeline(auditors["street"], evidenced_case)[1].due
    assert due is not None
    assert due.isoformat() in html


def test_a_caseworker_is_refused_the_timeline_of_a_case_they_see(evidenced_case, staff, client):
    with pytest.raises(NotAllowed):
        case_timeline(staff["caseworker"], evidenced_case)
    client.force_login(staff["caseworker"])
    assert client.get(reverse("audit:case", args=[evidenced_case.pk])).status_code == 403
    assert client.get(reverse("audit:trail")).status_code == 403


def test_the_reveal_log_says_who_saw_whom_when_and_why(world, staff, auditors, user_with, client):
    caseworker, neighbour = staff["caseworker"], user_with("street_caseworker", world.units["S2"])
    person_reveal(person=world.people["E1"], by=caseworker, reason="入户核实身份")
    person_reveal(person=world.people["E2"], by=neighbour, reason="电话回访")
    mine = list(reveal_log(auditors["street"], TrailQuery()))
    assert [(e.actor_id, e.reason) for e in mine] == [(caseworker.pk, "入户核实身份")]
    assert len(reveal_log(auditors["district"], TrailQuery())) == 2
    client.force_login(auditors["street"])
    html = client.get(reverse("audit:reveals")).content.decode()
    assert "入户核实身份" in html and "电话回访" not in html


def test_the_api_searches_the_trail_in_scope(two_streets, auditors, api):
    mine, theirs = two_streets
    answer = as_user(api, auditors["street"]).get("/api/v1/trail/", {"case": mine.pk, "page_size": 200})
    assert answer.status_code == 200
    body = answer.json()
    assert [row["seq"] for row in body["results"]] == about(mine)
    first = body["results"][0]
    assert first["hash"] == LedgerEntry.objects.get(seq=first["seq"]).hash and first["subject_type"] == "cases.case"
    assert as_user(api, auditors["street"]).get("/api/v1/trail/", {"case": theirs.pk}).status_code == 404


def test_the_api_refuses_someone_who_does_not_read_the_trail(two_streets, staff, api):
    assert as_user(api, staff["caseworker"]).get("/api/v1/trail/").status_code == 403
    assert as_user(api, staff["caseworker"]).get("/api/v1/trail/checks/").status_code == 403
