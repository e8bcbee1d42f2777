"""Honours in the API: open a campaign, nominate, read a nomination with
its checks and vetting, answer a vetting request with its letter (the join
in the same request), and the steps by the generic task API; a refused
nomination changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from casework.honours.choices import State
from casework.honours.models import Campaign, HonourNomination
from tests.api.helpers import as_user, is_error
from tests.cases.conftest import PDF, upload
from tests.honours.conftest import VOTE, fresh, state_of, step, to_street_review


def test_open_a_campaign_and_read_it(api, world, honours):
    as_user(api, honours["district"])
    body = {
        "district": world.units["D1"].pk,
        "honour_type": "may_day_medal",
        "level": "city",
        "year": timezone.localdate().year,
        "name": "市五一劳动奖章推荐",
        "nominations_close_on": (timezone.localdate() + timedelta(days=9)).isoformat(),
        "quotas": {str(world.units["S1"].pk): 1, str(world.units["S2"].pk): 1},
        "composition": {"migrant_worker": 10},
    }
    response = api.post("/api/v1/honours/campaigns/", body, format="json")
    assert response.status_code == 201, response.content
    campaign = Campaign.objects.get()
    detail = api.get(f"/api/v1/honours/campaigns/{campaign.pk}/").json()
    assert [q["places"] for q in detail["quotas"]] == [1, 1]
    assert detail["composition_shares"] == [
        {
            "group": "migrant_worker",
            "minimum": 10,
            "count": 0,
            "total": 0,
            "met": True,
        }  # an empty list breaks nothing yet
    ]


def test_nominate_read_and_answer_the_vetting(api, world, honours, campaign):
    as_user(api, honours["chair"])
    body = {
        "campaign": campaign.pk,
        "unit": world.units["E1"].pk,
        "person": world.people["E1"].pk,
        "deeds": "技术能手",
        "category": "frontline_technical",
        "ownership": "state_owned",
        "vote": {**VOTE, "vote_yes": 10},
    }
    before = state_of()
    response = api.post("/api/v1/honours/nominations/", body, format="json")
    assert response.status_code == 400 and is_error(response.json(), "honours.vote_not_carried")
    assert "vote_yes" in response.json()["fields"]
    assert state_of() == before
    response = api.post("/api/v1/honours/nominations/", {**body, "vote": VOTE}, format="json")
    assert response.status_code == 201, response.content
    case = HonourNomination.objects.get()
    assert [c["finding"] for c in response.json()["checks"]] == [None] * 5
    chair = honours["chair"]
    step(case, "post_unit_notice", chair, notice_from="2026-01-05", notice_until="2026-01-20")
    step(case, "end_unit_notice", chair)
    step(case, "street_recommend", honours["street_approver"])
    as_user(api, honours["district"])
    detail = api.get(f"/api/v1/honours/nominations/{case.pk}/").json()
    assert len(detail["vetting"]) == 7  # a state-owned unit: discipline and audit too
    for request in detail["vetting"]:
        response = api.post(
            f"/api/v1/honours/vetting/{request['id']}/answer/",
            {"answer": "clear", "answered_on": timezone.localdate().isoformat(), "file": upload("回函.pdf", PDF)},
            format="multipart",
        )
        assert response.status_code == 200, response.content
    assert response.json()["state"] == State.COMMITTEE
    assert response.json()["tally"] == {"members": 3, "voted": 0, "yes": 0, "no": 0, "abstain": 0}
    # A committee member votes through the task API.
    member = honours["committee"][0]
    as_user(api, member)
    task = api.get("/api/v1/tasks/").json()["results"][0]
    response = api.post(
        f"/api/v1/tasks/{task['id']}/complete/", {"action": "cast_vote", "data": {"vote": "yes"}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert fresh(case).votes.get().member == member


def test_the_chair_of_another_street_cannot_nominate_for_a_unit_outside_it(api, world, honours, campaign):
    as_user(api, honours["neighbour_chair"])
    before = state_of()
    body = {"campaign": campaign.pk, "unit": world.units["E1"].pk, "person": world.people["E1"].pk}
    body |= {"deeds": "x", "ownership": "non_public", "vote": VOTE}
    assert api.post("/api/v1/honours/nominations/", body, format="json").status_code == 404
    assert state_of() == before
    case = to_street_review(world, honours, campaign)
    assert api.get(f"/api/v1/honours/nominations/{case.pk}/").status_code == 404
