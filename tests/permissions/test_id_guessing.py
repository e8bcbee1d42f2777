"""Guessing ids: every URL that names an object by its id, in pages and API,
answers 404 to a user of the neighbouring street who holds every street role
there. The list of URLs is read from the URL configuration, so a new
endpoint with an id fails here until it is added below."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from casework.bargaining.campaign_services import campaign_start
from casework.bargaining.services import bargaining_case_open
from casework.cases.delegation import delegation_give
from casework.cases.documents import DocumentKind
from casework.cases.services import case_document_attach
from casework.cases.tasks import task_complete
from casework.hardship.batches import BatchLine, payment_batch_request
from casework.hardship.payments import payment_request
from casework.honours.models import HonourType, Revocation, VettingRequest
from casework.honours.services import honours_campaign_open, honours_nominate, honours_objection_record
from casework.ledger.models import LedgerEntry
from casework.legalaid.services import legalaid_apply
from casework.org.models import Membership
from casework.outreach.services import outreach_event_record, outreach_photos_attach
from notifications.models import OutboxMessage
from tests.cases.conftest import PNG, upload
from tests.hardship.conftest import open_task

# route → (the object it names, the method that reaches the lookup)
ROUTES = {
    "api/v1/units/<int:pk>/": ("unit", "get"),
    "api/v1/people/<int:pk>/": ("person", "get"),
    "api/v1/people/<int:pk>/reveal/": ("person", "post"),
    "api/v1/memberships/<int:pk>/": ("membership", "get"),
    "api/v1/memberships/<int:pk>/end/": ("membership", "post"),
    "api/v1/tasks/<int:pk>/": ("task", "get"),
    "api/v1/tasks/<int:pk>/claim/": ("task", "post"),
    "api/v1/tasks/<int:pk>/complete/": ("task", "post"),
    "api/v1/tasks/<int:pk>/pause/": ("task", "post"),
    "api/v1/tasks/<int:pk>/resume/": ("task", "post"),
    "api/v1/tasks/<int:pk>/reassign/": ("task", "post"),
    "api/v1/hardship/cases/<int:pk>/": ("case", "get"),
    "audit/cases/<int:pk>/": ("case", "get"),
    "audit/retention/people/<int:pk>/": ("person", "post"),
    "audit/cases/<int:pk>/pack.pdf": ("case", "get"),
    "audit/cases/<int:pk>/pack.json": ("case", "get"),
    "audit/cases/<int:pk>/pack.xlsx": ("case", "get"),
    "api/v1/bargaining/cases/<int:pk>/": ("bargaining", "get"),
    "api/v1/bargaining/cases/<int:pk>/sides/<str:side>/": ("bargaining", "put"),
    "api/v1/bargaining/cases/<int:pk>/rounds/": ("bargaining", "post"),
    "api/v1/bargaining/campaigns/<int:pk>/": ("campaign", "get"),
    "api/v1/legalaid/cases/<int:pk>/": ("legalaid", "get"),
    "api/v1/legalaid/cases/<int:pk>/events/": ("legalaid", "post"),
    "api/v1/legalaid/cases/<int:pk>/reassign/": ("legalaid", "post"),
    "legalaid/<int:pk>/events/": ("legalaid", "post"),
    "api/v1/outreach/events/<int:pk>/": ("outreach", "get"),
    "api/v1/outreach/events/<int:pk>/withdraw/": ("outreach", "post"),
    "outreach/<int:pk>/": ("outreach", "get"),
    "outreach/<int:pk>/edit/": ("outreach", "post"),
    "outreach/<int:pk>/withdraw/": ("outreach", "post"),
    "outreach/<int:pk>/photos/<int:photo_pk>/": ("outreach_photo", "get"),
    "legalaid/<int:pk>/reassign/": ("legalaid", "post"),
    "bargaining/campaigns/<int:pk>/": ("campaign", "get"),
    "bargaining/campaigns/<int:pk>/xlsx/": ("campaign", "get"),
    "api/v1/notifications/<int:pk>/read/": ("notification", "post"),
    "api/v1/cases/<str:case_type>/<int:pk>/trail/": ("case", "get"),
    "api/v1/cases/<str:case_type>/<int:pk>/documents/": ("case", "get"),
    "cases/<int:pk>/": ("case", "get"),
    "cases/<int:pk>/act/": ("case", "post"),
    "cases/<int:pk>/documents/": ("case", "post"),
    "cases/<int:pk>/documents/<int:document_pk>/": ("document", "get"),
    "cases/<int:pk>/clock/": ("case", "post"),
    "cases/<int:pk>/reassign/": ("case", "post"),
    "cases/delegations/<int:pk>/revoke/": ("delegation", "post"),
    "hardship/<int:pk>/payments/": ("case", "post"),
    "bargaining/<int:pk>/sides/<str:side>/": ("bargaining", "post"),
    "bargaining/<int:pk>/rounds/": ("bargaining", "post"),
    "notifications/<int:pk>/read/": ("notification", "post"),
    "hardship/payments/<int:pk>/decide/": ("payment", "post"),
    "hardship/batches/<int:pk>/": ("batch", "get"),
    "hardship/batches/<int:pk>/decide/": ("batch", "post"),
    "hardship/batches/<int:pk>/xlsx/": ("batch", "get"),
    "units/<int:pk>/": ("unit", "get"),
    "people/<int:pk>/": ("person", "get"),
    "people/<int:pk>/reveal/": ("person", "post"),
    "honours/campaigns/<int:pk>/": ("honours_campaign", "get"),
    "honours/campaigns/<int:pk>/xlsx/": ("honours_campaign", "get"),
    "honours/campaigns/<int:pk>/approve/": ("honours_campaign", "post"),
    "api/v1/honours/campaigns/<int:pk>/approve/": ("honours_campaign", "post"),
    "honours/campaigns/<int:pk>/pdf/": ("honours_campaign", "get"),
    "honours/vetting/<int:pk>/answer/": ("vetting", "post"),
    "honours/<int:pk>/objections/": ("honours", "post"),
    "honours/<int:pk>/objections/<int:objection_pk>/resolve/": ("honours", "post"),
    "api/v1/honours/campaigns/<int:pk>/": ("honours_campaign", "get"),
    "api/v1/honours/nominations/<int:pk>/": ("honours", "get"),
    "api/v1/honours/vetting/<int:pk>/answer/": ("vetting", "post"),
    "honours/<int:pk>/revocations/": ("honours", "post"),
    "honours/<int:pk>/revocations/<int:revocation_pk>/decide/": ("honours", "post"),
    "api/v1/honours/nominations/<int:pk>/revocations/": ("honours", "post"),
    "api/v1/honours/revocations/<int:pk>/decide/": ("revocation", "post"),
}

NEIGHBOUR_ROLES = ("street_caseworker", "street_approver", "finance_officer", "administrator", "auditor")


def routes_with_ids(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += routes_with_ids(pattern.url_patterns, route)
        elif pattern.pattern.converters and not route.startswith("admin/"):
            found.append(route)
    return found


def test_every_url_with_an_id_is_listed_here():
    assert sorted(routes_with_ids(get_resolver().url_patterns)) == sorted(ROUTES)


@pytest.fixture
def objects(world, staff, money, records, media, user_with):
    case = records[0]
    payment = payment_request(
        case=case, assistance_type="living", amount="100", budget_line=money["street"], by=staff["caseworker"]
    )
    batch = payment_batch_request(
        campaign="送温暖", budget_line=money["street"], lines=[BatchLine(records[1].pk, "100")], by=staff["caseworker"]
    )
    delegation = delegation_give(
        by=staff["caseworker"],
        delegate=user_with("street_caseworker", world.units["S1"]),
        role="street_caseworker",
        unit=world.units["S1"],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        reason="年休假",
    )
    document = case_document_attach(
        case=case, uploaded_file=upload("visit.png", PNG), kind=DocumentKind.OTHER, by=staff["caseworker"]
    )
    found = {
        "unit": world.units["E1"],
        "person": world.people["E1"],
        "membership": world.memberships["E1"],
        "task": open_task(case),
        "case": case,
        "payment": payment,
        "batch": batch,
        "document": document,
        "delegation": delegation,
        "bargaining": bargaining_case_open(unit=world.units["E1"], workers_covered=30, by=staff["chair"]),
    }
    # After the enterprise's own case: the campaign skips E1 and opens E2's.
    found["campaign"] = campaign_start(
        district=world.units["D1"],
        name="集中要约",
        offer_served_on=timezone.localdate(),
        by=user_with("district_caseworker", world.units["D1"]),
    )
    found["legalaid"] = legalaid_apply(
        person=world.people["E1"],
        unit=world.units["D1"],
        opposing_party="某公司",
        dispute="wages",
        facts="拖欠工资",
        aid_form="arbitration",
        channel="written",
        basis="serious_infringement",
        by=user_with("legal_officer", world.units["D1"]),
    )
    recorder = user_with("street_caseworker", world.units["S1"])
    event = outreach_event_record(
        unit=world.units["E1"],
        by=recorder,
        data={"held_on": "2026-11-20", "place": "会议室", "topic": "普法", "form": "lecture", "audience": 30},
    )
    [found["outreach_photo"]] = outreach_photos_attach(event=event, photos=[upload("a.png", PNG)], by=recorder)
    found["outreach"] = event
    found.update(_honours(world, user_with))
    # Someone else's notification: a recipient's own, whatever the reader's roles.
    found["notification"] = OutboxMessage.objects.latest("pk")
    return found


def _honours(world, user_with) -> dict:
    """A campaign at D1, a nomination of E1's in its unit notice with an
    objection, and a vetting request of it (asked here directly: the
    routes only need one to exist)."""
    district = user_with("district_caseworker", world.units["D1"])
    campaign = honours_campaign_open(
        district=world.units["D1"],
        honour_type=HonourType.objects.get(code="model_worker"),
        level="district",
        year=timezone.localdate().year,
        name="劳模评选",
        nominations_close_on=timezone.localdate(),
        quotas={world.units["S1"]: 2},
        by=district,
    )
    chair = user_with("enterprise_chair", world.units["E1"])
    nomination = honours_nominate(
        campaign=campaign,
        unit=world.units["E1"],
        person=world.people["E1"],
        deeds="事迹",
        category="industrial_worker",
        ownership="non_public",
        vote={"vote_body": "congress", "voted_on": "2026-01-05", "vote_total": 9, "vote_present": 9, "vote_yes": 9},
        by=chair,
    )
    today = timezone.localdate().isoformat()
    task_complete(
        task=open_task(nomination),
        action="post_unit_notice",
        by=chair,
        data={"notice_from": today, "notice_until": "2999-01-01"},
    )
    objection = honours_objection_record(case=nomination, objector="某人", content="异议", raised_on=today, by=chair)
    vetting = VettingRequest.objects.create(nomination=nomination, department="tax", asked_on=timezone.localdate())
    # A proposal on it (the route needs one; the rules are the services' tests' business).
    revocation = Revocation.objects.create(nomination=nomination, grounds="理由", proposed_by=district)
    return {
        "honours_campaign": campaign,
        "honours": nomination,
        "honours_objection": objection,
        "vetting": vetting,
        "revocation": revocation,
    }


def url_for(route: str, objects: dict) -> str:
    kind, _method = ROUTES[route]
    case = objects["case"]
    # A document's and a photo's URLs name their owner first.
    owner = {"document": case, "outreach_photo": objects["outreach"]}.get(kind, objects[kind])
    url = route.replace("<str:case_type>", case.case_type).replace("<int:pk>", str(owner.pk))
    url = url.replace("<str:side>", "union").replace("<int:photo_pk>", str(objects["outreach_photo"].pk))
    url = url.replace("<int:objection_pk>", str(objects["honours_objection"].pk))
    url = url.replace("<int:revocation_pk>", str(objects["revocation"].pk))
    return "/" + url.replace("<int:document_pk>", str(objects["document"].pk))


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_neighbouring_street_guessing_an_id_finds_nothing(route, client, world, objects, user_with):
    neighbour = user_with(NEIGHBOUR_ROLES[0], world.units["S2"])
    for role in NEIGHBOUR_ROLES[1:]:
        Membership.objects.create(user=neighbour, unit=world.units["S2"], role=role)
    url = url_for(route, objects)
    before = (LedgerEntry.objects.count(), list(OutboxMessage.objects.values_list("pk", "read_at")))
    method = ROUTES[route][1]
    if route.startswith("api/"):
        api = APIClient()
        api.force_authenticate(neighbour)
        response = getattr(api, method)(url, {"reason": "x", "action": "approve"}, format="json")
    else:
        client.force_login(neighbour)
        response = getattr(client, method)(url, {"reason": "x", "decision": "approve", "change": "pause"})
    assert response.status_code == 404, (url, response.status_code)
    assert (LedgerEntry.objects.count(), list(OutboxMessage.objects.values_list("pk", "read_at"))) == before


# Writes that name no object: the forms and lists that create.
CREATES = [
    "api/v1/hardship/cases/",
    "api/v1/memberships/",
    "api/v1/bargaining/cases/",
    "api/v1/bargaining/campaigns/",
    "api/v1/legalaid/cases/",
    "hardship/new/",
    "hardship/batches/new/",
    "bargaining/new/",
    "bargaining/campaigns/new/",
    "legalaid/new/",
    "api/v1/honours/campaigns/",
    "api/v1/honours/nominations/",
    "honours/campaigns/new/",
    "honours/nominate/",
    "honours/records/",
]


def everything() -> tuple:
    from casework.audit.models import PersonPurge
    from casework.bargaining.campaigns import Campaign
    from casework.bargaining.models import Round, Seat
    from casework.cases.models import Case, CaseDocument
    from casework.deadlines.models import TaskDeadline
    from casework.hardship.assistance import AssistancePayment, PaymentBatch
    from casework.honours.models import Campaign as HonoursCampaign
    from casework.honours.models import Objection, SafetyAccident, WageArrears
    from casework.legalaid.models import LegalAidCase
    from casework.outreach.models import OutreachEvent
    from casework.people.models import Person

    return (
        LedgerEntry.objects.count(),
        list(OutboxMessage.objects.order_by("pk").values_list("pk", "read_at")),
        list(Case.objects.order_by("pk").values_list("pk", "state")),
        list(AssistancePayment.objects.order_by("pk").values_list("pk", "state")),
        list(PaymentBatch.objects.order_by("pk").values_list("pk", "state")),
        CaseDocument.objects.count(),
        list(TaskDeadline.objects.order_by("pk").values_list("pk", "due", "paused_since")),
        list(Membership.objects.order_by("pk").values_list("pk", "valid_until")),
        list(Seat.objects.order_by("pk").values_list("pk", "name")),
        list(LegalAidCase.objects.order_by("pk").values_list("pk", "state", "lawyer")),
        list(OutreachEvent.objects.order_by("pk").values_list("pk", "topic", "audience", "withdrawn_at")),
        Campaign.objects.count(),
        Round.objects.count(),
        HonoursCampaign.objects.count(),
        list(VettingRequest.objects.order_by("pk").values_list("pk", "answer")),
        list(Objection.objects.order_by("pk").values_list("pk", "resolved_at")),
        WageArrears.objects.count() + SafetyAccident.objects.count(),
        list(Revocation.objects.order_by("pk").values_list("pk", "decided_at")),
        list(Person.objects.order_by("pk").values_list("pk", "name", "id_number")),
        PersonPurge.objects.count(),
    )


def test_the_auditor_sees_every_object_and_changes_nothing_anywhere(client, world, objects, user_with):
    auditor = user_with("auditor", world.units["D1"])
    api = APIClient()
    api.force_authenticate(auditor)
    client.force_login(auditor)
    before = everything()
    # Marking a notification read is the recipient's own business, not a
    # write to a case: someone else's answers 404 (the test above).
    writes = [
        (url_for(r, objects), method)
        for r, (kind, method) in ROUTES.items()
        if method in ("post", "put") and kind != "notification"
    ]
    writes += [("/" + r, "post") for r in CREATES]
    filing = {
        "worker": world.people["E1"].pk,
        "category": "deep",
        "cause": "illness",
        "statement": "—",
        "consent": True,
    }
    membership = {"user": auditor.pk, "unit": world.units["S1"].pk, "role": "street_caseworker"}
    for url, method in writes:
        body: dict[str, Any] = {"reason": "抽查", "action": "approve", "decision": "approve", "change": "pause"}
        body |= {"campaign": "x"}
        body |= {"to": auditor.pk}
        body |= filing if "hardship/cases" in url else membership if "memberships/" in url else {}
        if "bargaining/cases/" in url:
            body |= {"unit": world.units["E1"].pk, "workers_covered": 10}
        if "legalaid/cases/" in url:
            body |= {"person": world.people["E1"].pk, "unit": world.units["D1"].pk, "lawyer": auditor.pk}
            body |= {"opposing_party": "某公司", "dispute": "wages", "facts": "x", "aid_form": "advice"}
            body |= {
                "channel": "written",
                "basis": "serious_infringement",
                "kind": "mediation",
                "happened_on": "2026-11-02",
            }
        if "bargaining/campaigns/" in url:
            body |= {"district": world.units["D1"].pk, "name": "集中要约", "offer_served_on": "2026-11-02"}
        sender = getattr(api, method) if url.startswith("/api/") else client.post
        response = sender(url, body, format="json") if url.startswith("/api/") else sender(url, body)
        assert response.status_code == 403, (url, response.status_code)
    # And every object page answers: the auditor reads them all.
    for route, (_kind, method) in ROUTES.items():
        if method == "get":
            url = url_for(route, objects)
            response = api.get(url) if url.startswith("/api/") else client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    assert everything() == before
