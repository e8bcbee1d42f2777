"""No list costs a query per row (issue 12): every page and API list makes
as many queries for 50 rows as for 1.

Each list below is declared once: how to read it (a page or an API call, as
a user whose scope holds the rows), how to add rows, and how many rows the
answer shows. The test adds one row, reads the list once to warm the
per-process caches (content types, the session), counts the queries of a
second read, adds 49 rows, and counts again: the two numbers must be equal,
and the 49 rows must be on the page. Lists already counted this way
elsewhere are not repeated here: the inbox, the hardship list and their API
(tests/cases/test_case_pages.py), the bargaining list and a campaign's page
(tests/bargaining/), the notifications page (tests/notifications/), the
payment lists (tests/hardship/test_batch_pages.py), the retention list
(tests/audit/test_retention_pages.py), the home page (tests/web/test_home.py),
the anomaly rules and outreach totals (their selectors, tests/audit/ and
tests/outreach/).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from types import SimpleNamespace
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from casework.accounts.models import User
from casework.audit.models import IntegrityCheck
from casework.audit.trail import REVEALED
from casework.bargaining.campaigns import Campaign as BargainingCampaign
from casework.bargaining.models import Round, Seat
from casework.bargaining.services import bargaining_case_open
from casework.cases.delegation import Delegation
from casework.cases.documents import DocumentKind
from casework.cases.services import case_document_attach, case_subject
from casework.hardship.assistance import Allocation, AssistancePayment, PaymentBatch, PaymentState
from casework.hardship.models import HardshipCase
from casework.honours.models import Campaign as HonoursCampaign
from casework.honours.models import HonourHeld, HonourType, SafetyAccident, WageArrears
from casework.ledger import services as ledger_services
from casework.ledger.services import ledger_append
from casework.legalaid.models import CaseEvent, LegalAidCase
from casework.org.models import Membership, Unit, UnitKind
from casework.outreach.models import OutreachEvent, OutreachPhoto
from casework.outreach.services import outreach_event_record
from casework.people.models import HouseholdMember, Person
from casework.people.synthetic import SyntheticPeople
from notifications.services import outbox_queue
from tests.cases.conftest import PDF, upload
from tests.hardship.test_flow import step, submit
from tests.honours.conftest import campaign_open, nominate
from tests.legalaid.conftest import apply
from tests.outreach.conftest import entry
from tests.reports.plant import case_row, hardship_record
from tests.web.helpers import make_unit

SHANGHAI = ZoneInfo("Asia/Shanghai")
CASE_LINK = r'href="/cases/\d+/"'


@dataclass
class Listing:
    """A list: ``read()`` answers it; ``add(n)`` puts n more rows in it;
    ``shown(response)`` is how many rows the answer shows, at most ``cap``
    (a page's length)."""

    read: Callable[[], Any]
    add: Callable[[int], None]
    shown: Callable[[Any], int]
    cap: int | None = None


class Given:
    """What a listing is built from: the world, its staff, users by role, and
    a few helpers to make rows and clients."""

    def __init__(self, world: Any, staff: dict[str, User], user_with: Callable[..., User]) -> None:
        self.world, self.staff, self.user_with = world, staff, user_with
        self.synthetic = SyntheticPeople(1250)
        self.serial = count(1)

    def unit(self, kind: str = UnitKind.ENTERPRISE, parent: str | Unit = "S1") -> Unit:
        """A new unit (under S1 unless told): a place with no rows yet."""
        n = next(self.serial)
        above = self.world.units[parent] if isinstance(parent, str) else parent
        return make_unit(f"N{n:03d}", f"新单位{n}", kind, above)

    def person(self, unit: Unit) -> Person:
        p = self.synthetic.person(today=date(2026, 1, 1))
        return Person.objects.create(
            name=p.name, id_number=p.id_number, gender="male", birth_date=p.birth_date, employer=unit, is_member=True
        )

    def page(self, user: User, url: str | Callable[[], str]) -> Callable[[], Any]:
        client = Client()
        client.force_login(user)
        return lambda: client.get(url() if callable(url) else url)

    def api(self, user: User, url: str | Callable[[], str]) -> Callable[[], Any]:
        client = APIClient()
        client.force_authenticate(user)
        return lambda: client.get(url() if callable(url) else url)


def links(pattern: str) -> Callable[[Any], int]:
    """How many different links match ``pattern`` (a row may link twice)."""
    return lambda response: len(set(re.findall(pattern, response.content.decode())))


def marks(text: str) -> Callable[[Any], int]:
    return lambda response: response.content.decode().count(text)


def api_count(response: Any) -> int:
    return int(response.json()["count"])


def api_rows(response: Any) -> int:
    body = response.json()
    return len(body["results"] if isinstance(body, dict) else body)


LISTS: dict[str, Callable[[Given], Listing]] = {}


def listing(name: str) -> Callable[[Callable[[Given], Listing]], Callable[[Given], Listing]]:
    def register(build: Callable[[Given], Listing]) -> Callable[[Given], Listing]:
        LISTS[name] = build
        return build

    return register


def in_loop(make: Callable[[], object]) -> Callable[[int], None]:
    def add(n: int) -> None:
        for _ in range(n):
            make()

    return add


# -- the registry: people, units, memberships ---------------------------------


def _people(g: Given, read: Callable[[User, str], Callable[[], Any]], shown: Callable[[Any], int]) -> Listing:
    unit = g.unit()
    reader = g.user_with("enterprise_chair", unit)
    return Listing(read(reader, "/people/"), in_loop(lambda: g.person(unit)), shown)


@listing("people page")
def people_page(g: Given) -> Listing:
    return _people(g, g.page, links(r'href="/people/\d+/"'))


@listing("people API")
def people_api(g: Given) -> Listing:
    return _people(g, lambda user, _url: g.api(user, "/api/v1/people/"), api_count)


def _units(g: Given, read: Callable[[User], Callable[[], Any]], shown: Callable[[Any], int], **cap: int) -> Listing:
    street = g.unit(UnitKind.STREET, "D1")
    reader = g.user_with("street_caseworker", street)
    return Listing(read(reader), in_loop(lambda: g.unit(parent=street)), shown, **cap)


@listing("units page")
def units_page(g: Given) -> Listing:
    # The street and its units: 51, on pages of 50.
    return _units(g, lambda user: g.page(user, "/units/"), links(r'href="/units/\d+/"'), cap=50)


@listing("units API")
def units_api(g: Given) -> Listing:
    return _units(g, lambda user: g.api(user, "/api/v1/units/"), api_count)


@listing("unit page: its units")
def unit_page(g: Given) -> Listing:
    street = g.unit(UnitKind.STREET, "D1")
    reader = g.user_with("street_caseworker", street)
    return Listing(
        g.page(reader, f"/units/{street.pk}/"), in_loop(lambda: g.unit(parent=street)), links(r'href="/units/\d+/"')
    )


@listing("person page: household")
def person_page(g: Given) -> Listing:
    person = g.world.people["E1"]
    serial = count(1)

    def member() -> None:
        n = next(serial)
        HouseholdMember.objects.create(person=person, name=f"户员{n:02d}号", relation="child")

    return Listing(g.page(g.staff["caseworker"], f"/people/{person.pk}/"), in_loop(member), marks("号</td>"))


@listing("memberships API")
def memberships_api(g: Given) -> Listing:
    street = g.unit(UnitKind.STREET, "D1")
    admin = g.user_with("administrator", g.world.units["D1"])
    return Listing(
        g.api(admin, "/api/v1/memberships/"),
        in_loop(lambda: g.user_with("street_caseworker", street)),
        api_count,
    )


# -- delegations -------------------------------------------------------------


@listing("delegations page")
def delegations_page(g: Given) -> Listing:
    me = g.staff["caseworker"]
    colleague = g.user_with("street_caseworker", g.world.units["S1"])
    today = timezone.localdate()

    def given() -> None:
        Delegation.objects.create(
            delegator=me,
            delegate=colleague,
            unit=g.world.units["S1"],
            role="street_caseworker",
            starts_on=today,
            ends_on=today + timedelta(days=7),
            reason="出差委托",
        )

    return Listing(g.page(me, "/cases/delegations/"), in_loop(given), marks("出差委托"))


@listing("delegations page: my roles")
def delegations_roles(g: Given) -> Listing:
    me = g.user_with("district_approver", g.world.units["D1"])

    def role() -> None:
        unit = g.unit()
        Membership.objects.create(user=me, unit=unit, role="enterprise_chair")
        g.user_with("enterprise_chair", unit)  # a colleague to delegate to

    def roles_offered(response: Any) -> int:
        offered = re.search(r'<select name="membership">(.*?)</select>', response.content.decode(), re.S)
        return offered.group(1).count("<option") if offered else 0

    return Listing(g.page(me, "/cases/delegations/"), in_loop(role), roles_offered)


# -- a case page and its lists -----------------------------------------------


def _attached(g: Given) -> tuple[HardshipCase, Callable[[int], None]]:
    """A case at the home visit and, per row, a document its caseworker attaches (and its trail entry)."""
    case = submit(g.world, g.staff)
    caseworker = g.staff["caseworker"]

    def attach() -> None:
        case_document_attach(
            case=case, uploaded_file=upload("入户照片.pdf", PDF), kind=DocumentKind.RECORD, reason="", by=caseworker
        )

    return case, in_loop(attach)


@listing("case page: documents and trail")
def case_page(g: Given) -> Listing:
    case, add = _attached(g)
    return Listing(
        g.page(g.staff["caseworker"], f"/cases/{case.pk}/"), add, links(rf'href="/cases/{case.pk}/documents/\d+/"')
    )


@listing("case trail API")
def case_trail_api(g: Given) -> Listing:
    case, add = _attached(g)
    return Listing(g.api(g.staff["caseworker"], f"/api/v1/cases/hardship/{case.pk}/trail/"), add, api_count)


@listing("case documents API")
def case_documents_api(g: Given) -> Listing:
    case, add = _attached(g)
    return Listing(g.api(g.staff["caseworker"], f"/api/v1/cases/hardship/{case.pk}/documents/"), add, api_rows)


# -- legal aid ---------------------------------------------------------------


def _legal(g: Given) -> tuple[User, Callable[[int], None]]:
    d1 = g.world.units["D1"]
    officer = g.user_with("legal_officer", d1)
    lawyer = g.user_with("lawyer", d1)

    def application() -> None:
        case = apply(g.world, {"officer": officer}, person=g.person(g.world.units["E1"]))
        LegalAidCase.objects.filter(pk=case.pk).update(lawyer=lawyer)

    return officer, in_loop(application)


@listing("legal-aid page")
def legalaid_page(g: Given) -> Listing:
    officer, add = _legal(g)
    return Listing(g.page(officer, "/legalaid/"), add, links(CASE_LINK))


@listing("legal-aid API")
def legalaid_api(g: Given) -> Listing:
    officer, add = _legal(g)
    return Listing(g.api(officer, "/api/v1/legalaid/cases/"), add, api_count)


def _legal_events(g: Given) -> tuple[User, LegalAidCase, Callable[[int], None]]:
    """A case in progress and, per row, an event its lawyer records."""
    d1 = g.world.units["D1"]
    officer, lawyer = g.user_with("legal_officer", d1), g.user_with("lawyer", d1)
    case = apply(g.world, {"officer": officer})
    LegalAidCase.objects.filter(pk=case.pk).update(lawyer=lawyer, state="in_progress")
    serial = count(1)

    def event() -> None:
        outcome = f"开庭{next(serial)}次"
        CaseEvent.objects.create(
            case=case, kind="hearing", happened_on=date(2026, 11, 2), outcome=outcome, recorded_by=lawyer
        )

    return officer, case, in_loop(event)


@listing("legal-aid case page: events")
def legalaid_events(g: Given) -> Listing:
    officer, case, add = _legal_events(g)
    return Listing(g.page(officer, f"/cases/{case.pk}/"), add, marks("次</"))


@listing("legal-aid case API: events")
def legalaid_events_api(g: Given) -> Listing:
    officer, case, add = _legal_events(g)
    return Listing(g.api(officer, f"/api/v1/legalaid/cases/{case.pk}/"), add, lambda r: len(r.json()["events"]))


# -- bargaining --------------------------------------------------------------


@listing("bargaining API")
def bargaining_api(g: Given) -> Listing:
    caseworker = g.staff["caseworker"]
    add = in_loop(lambda: bargaining_case_open(unit=g.unit(), workers_covered=50, by=caseworker))
    return Listing(g.api(caseworker, "/api/v1/bargaining/cases/"), add, api_count)


@listing("bargaining case page: rounds")
def bargaining_rounds(g: Given) -> Listing:
    caseworker = g.staff["caseworker"]
    case = bargaining_case_open(unit=g.world.units["E1"], workers_covered=50, by=caseworker)
    seats = [Seat.objects.create(case=case, side="union", role="member", name=f"职工代表{i}") for i in range(3)]
    serial = count(1)

    def meeting() -> None:
        n = next(serial)
        held = Round.objects.create(
            case=case,
            number=n,
            held_on=date(2026, 11, 2),
            recorder=f"记录员{n}号",
            minutes="纪要",
            recorded_by=caseworker,
        )
        held.attendance.set(seats)

    return Listing(g.page(caseworker, f"/cases/{case.pk}/"), in_loop(meeting), marks("号</td>"))


@listing("bargaining: enterprises to open for")
def bargaining_new(g: Given) -> Listing:
    street = g.unit(UnitKind.STREET, "D1")
    caseworker = g.user_with("street_caseworker", street)
    return Listing(g.page(caseworker, "/bargaining/new/"), in_loop(lambda: g.unit(parent=street)), marks("新单位"))


def _bargaining_campaigns(g: Given) -> tuple[User, Callable[[int], None]]:
    district = g.user_with("district_caseworker", g.world.units["D1"])
    serial = count(1)

    def campaign() -> None:
        BargainingCampaign.objects.create(
            district=g.world.units["D1"],
            name=f"集中要约{next(serial)}",
            year=2026,
            offer_served_on=date(2026, 3, 1),
            created_by=district,
        )

    return district, in_loop(campaign)


@listing("bargaining campaigns page")
def bargaining_campaigns_page(g: Given) -> Listing:
    district, add = _bargaining_campaigns(g)
    return Listing(g.page(district, "/bargaining/campaigns/"), add, links(r'href="/bargaining/campaigns/\d+/"'))


@listing("bargaining campaigns API")
def bargaining_campaigns_api(g: Given) -> Listing:
    district, add = _bargaining_campaigns(g)
    return Listing(g.api(district, "/api/v1/bargaining/campaigns/"), add, api_count)


# -- honours -----------------------------------------------------------------


def _honours_staff(g: Given) -> dict[str, Any]:
    return {**g.staff, "district": g.user_with("district_caseworker", g.world.units["D1"])}


def _honours_campaigns(g: Given) -> tuple[User, Callable[[int], None]]:
    honours = _honours_staff(g)
    return honours["district"], in_loop(lambda: campaign_open(g.world, honours))


@listing("honours campaigns page")
def honours_home(g: Given) -> Listing:
    district, add = _honours_campaigns(g)
    return Listing(g.page(district, "/honours/"), add, links(r'href="/honours/campaigns/\d+/"'))


@listing("honours campaigns API")
def honours_campaigns_api(g: Given) -> Listing:
    district, add = _honours_campaigns(g)
    return Listing(g.api(district, "/api/v1/honours/campaigns/"), add, api_count)


def _nominations(g: Given) -> tuple[User, HonoursCampaign, Callable[[int], None]]:
    honours = _honours_staff(g)
    campaign = campaign_open(g.world, honours, places={g.world.units["S1"]: 60})
    add = in_loop(lambda: nominate(g.world, honours, campaign, person=g.person(g.world.units["E1"])))
    return honours["district"], campaign, add


@listing("honours campaign page: nominations")
def honours_campaign_page(g: Given) -> Listing:
    district, campaign, add = _nominations(g)
    return Listing(g.page(district, f"/honours/campaigns/{campaign.pk}/"), add, links(CASE_LINK))


@listing("honours nominations API")
def honours_nominations_api(g: Given) -> Listing:
    district, campaign, add = _nominations(g)
    return Listing(g.api(district, f"/api/v1/honours/nominations/?campaign={campaign.pk}"), add, api_count)


@listing("honours records page")
def honours_records(g: Given) -> Listing:
    district = g.user_with("district_caseworker", g.world.units["D1"])
    unit = g.unit()
    person = g.person(unit)
    kind = HonourType.objects.get(code="model_worker")
    day = date(2025, 5, 1)

    def records() -> None:
        WageArrears.objects.create(
            unit=unit, found_on=day, amount=Decimal("1000"), source="劳动监察记录", recorded_by=district
        )
        SafetyAccident.objects.create(
            unit=unit, occurred_on=day, serious=False, description="轻伤", source="应急管理记录", recorded_by=district
        )
        HonourHeld.objects.create(
            honour_type=kind,
            level="district",
            person=person,
            awarded_on=day,
            source="历年表彰记录",
            recorded_by=district,
        )

    def shown(response: Any) -> int:
        # Each held honour is listed twice (beside its form and under the records).
        page = response.content.decode()
        return min(page.count("劳动监察记录"), page.count("应急管理记录"), page.count("历年表彰记录") // 2)

    return Listing(g.page(district, "/honours/records/"), in_loop(records), shown)


# -- outreach ----------------------------------------------------------------


def _event_recorder(g: Given) -> Callable[[], object]:
    """Each call: an event of E1, recorded by the street."""
    recorder = g.user_with("street_caseworker", g.world.units["S1"])
    serial = count(1)
    return lambda: outreach_event_record(unit=g.world.units["E1"], data=entry(topic=f"普法{next(serial)}"), by=recorder)


def _events(g: Given) -> tuple[User, Callable[[int], None]]:
    return g.user_with("legal_officer", g.world.units["D1"]), in_loop(_event_recorder(g))


@listing("outreach register page")
def outreach_page(g: Given) -> Listing:
    reader, add = _events(g)
    return Listing(g.page(reader, "/outreach/"), add, links(r'href="/outreach/\d+/"'))


@listing("outreach API")
def outreach_api(g: Given) -> Listing:
    reader, add = _events(g)
    return Listing(g.api(reader, "/api/v1/outreach/events/"), add, api_count)


def _photos(g: Given) -> tuple[User, OutreachEvent, Callable[[int], None]]:
    """An event and, per row, a photo of it (with its trail entry)."""
    recorder = g.user_with("street_caseworker", g.world.units["S1"])
    event = outreach_event_record(unit=g.world.units["E1"], data=entry(), by=recorder)
    serial = count(1)

    def photo() -> None:
        n = next(serial)
        ledger = ledger_append(action="outreach.photo_added", subject=event, by=recorder, subject_unit=event.unit)
        OutreachPhoto.objects.create(
            event=event,
            original_name=f"现场{n}.jpg",
            file=f"outreach/{n}.jpg",
            content_type="image/jpeg",
            sha256="0" * 64,
            size=100,
            uploaded_by=recorder,
            ledger_entry=ledger,
        )

    return recorder, event, in_loop(photo)


@listing("outreach event page: photos and trail")
def outreach_event_page(g: Given) -> Listing:
    recorder, event, add = _photos(g)
    return Listing(g.page(recorder, f"/outreach/{event.pk}/"), add, links(rf'href="/outreach/{event.pk}/photos/\d+/"'))


@listing("outreach event API: photos")
def outreach_event_api(g: Given) -> Listing:
    recorder, event, add = _photos(g)
    return Listing(g.api(recorder, f"/api/v1/outreach/events/{event.pk}/"), add, lambda r: len(r.json()["photos"]))


# -- notifications -----------------------------------------------------------


@listing("notifications API")
def notifications_api(g: Given) -> Listing:
    reader = g.staff["caseworker"]
    serial = count(1)

    def notification() -> None:
        # Case subjects (their numbers looked up) and others, as the page test mixes them.
        n = next(serial)
        subject = ("cases.case", str(100 + n)) if n % 2 else ("hardship.paymentbatch", str(n))
        outbox_queue(event="hardship.approve", subject=subject, recipients=[reader], payload={"to_state": "filed"})

    return Listing(g.api(reader, "/api/v1/notifications/"), in_loop(notification), api_count)


# -- hardship: payments ------------------------------------------------------


def _filed(g: Given, unit: str = "E1") -> HardshipCase:
    return hardship_record(g.world.units[unit], "filed", filed_on=date(2026, 3, 1))


def _payment(g: Given, case: HardshipCase, **fields: Any) -> AssistancePayment:
    values: dict[str, Any] = {
        "case": case,
        "assistance_type": "living",
        "amount": Decimal("300"),
        "budget_line": g.world.budget_lines["S1"],
        "state": PaymentState.REQUESTED,
        "requested_by": g.staff["caseworker"],
        **fields,
    }
    return AssistancePayment.objects.create(**values)


@listing("hardship case page: payments")
def case_payments(g: Given) -> Listing:
    case = _filed(g)
    finance = g.user_with("finance_officer", g.world.units["D1"])
    add = in_loop(lambda: _payment(g, case))
    return Listing(
        g.page(finance, f"/cases/{case.pk}/"),
        add,
        links(r'href="/hardship/payments/\d+/decide/"|action="/hardship/payments/\d+/decide/"'),
    )


@listing("payment list page: its lines")
def batch_page(g: Given) -> Listing:
    finance = g.user_with("finance_officer", g.world.units["D1"])
    batch = PaymentBatch.objects.create(
        campaign="送温暖",
        assistance_type="holiday",
        budget_line=g.world.budget_lines["S1"],
        state=PaymentState.REQUESTED,
        requested_by=g.staff["caseworker"],
    )
    add = in_loop(lambda: _payment(g, _filed(g), batch=batch, assistance_type="holiday"))
    return Listing(g.page(finance, f"/hardship/batches/{batch.pk}/"), add, links(CASE_LINK))


@listing("new payment list: records to choose")
def batch_new(g: Given) -> Listing:
    line = g.world.budget_lines["S1"]
    url = f"/hardship/batches/new/?line={line.pk}"
    return Listing(g.page(g.staff["caseworker"], url), in_loop(lambda: _filed(g)), marks('name="record"'))


# -- the auditors' workspace -------------------------------------------------


def _checks(g: Given) -> tuple[User, Callable[[int], None]]:
    """An auditor and, per row, an integrity check they asked for."""
    auditor = g.user_with("auditor", g.world.units["D1"])

    def check() -> None:
        now = timezone.now()
        IntegrityCheck.objects.create(
            trigger=IntegrityCheck.Trigger.ON_DEMAND,
            requested_by=auditor,
            started_at=now,
            finished_at=now,
            entries=10,
            ok=True,
            head="0" * 64,
        )

    return auditor, in_loop(check)


@listing("audit home: integrity checks")
def audit_home(g: Given) -> Listing:
    auditor, add = _checks(g)
    return Listing(g.page(auditor, "/audit/"), add, marks("<td>10</td>"), cap=20)  # the 20 latest


@listing("integrity checks API")
def checks_api(g: Given) -> Listing:
    auditor, add = _checks(g)
    return Listing(g.api(auditor, "/api/v1/trail/checks/"), add, api_count)


def _trail(g: Given) -> tuple[User, Unit, Callable[[int], None]]:
    """Entries about the cases of a new enterprise, by a street approver."""
    auditor = g.user_with("auditor", g.world.units["D1"])
    unit = g.unit()
    approver = g.staff["street_approver"]

    def decided() -> None:
        case = hardship_record(unit, "filed")
        ledger_append(
            action="hardship.approve",
            subject=case_subject(case),
            by=approver,
            role="street_approver",
            unit=g.world.units["S1"],
            subject_unit=unit,
            from_state="street_review",
            to_state="district_approval",
        )

    return auditor, unit, in_loop(decided)


@listing("audit trail page")
def trail_page(g: Given) -> Listing:
    auditor, unit, add = _trail(g)
    return Listing(g.page(auditor, f"/audit/trail/?unit={unit.pk}"), add, links(r'href="/audit/cases/\d+/"'))


@listing("trail API")
def trail_api(g: Given) -> Listing:
    auditor, unit, add = _trail(g)
    return Listing(g.api(auditor, f"/api/v1/trail/?unit={unit.pk}"), add, api_count)


@listing("audit reveals page")
def reveals_page(g: Given) -> Listing:
    auditor = g.user_with("auditor", g.world.units["D1"])
    unit = g.unit()
    approver = g.staff["street_approver"]

    def revealed() -> None:
        person = g.person(unit)
        ledger_append(action=REVEALED, subject=person, by=approver, subject_unit=unit, reason="核实身份")

    return Listing(g.page(auditor, f"/audit/reveals/?unit={unit.pk}"), in_loop(revealed), links(r'href="/people/\d+/"'))


@listing("audit case page: timeline")
def audit_case(g: Given) -> Listing:
    auditor = g.user_with("auditor", g.world.units["D1"])
    case = submit(g.world, g.staff)
    approver = g.staff["street_approver"]

    def entry_() -> None:
        ledger_append(
            action="case.note", subject=case_subject(case), by=approver, subject_unit=case.unit, reason="补充说明"
        )

    return Listing(g.page(auditor, f"/audit/cases/{case.pk}/"), in_loop(entry_), marks("case.note"))


@listing("funds audit page")
def funds_page(g: Given) -> Listing:
    auditor = g.user_with("auditor", g.world.units["D1"])
    finance = g.user_with("finance_officer", g.world.units["D1"])
    day = datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)

    def paid() -> None:
        _payment(g, _filed(g), state=PaymentState.APPROVED, decided_by=finance, decided_at=day, paid_on=day.date())

    url = f"/audit/funds/?unit={g.world.units['D1'].pk}&from=2026-01-01&to=2026-12-31&all=1"
    return Listing(g.page(auditor, url), in_loop(paid), links(CASE_LINK))


@listing("anomalies page")
def anomalies_page(g: Given) -> Listing:
    auditor, unit, decided = _trail(g)

    def at_night(n: int) -> None:
        # Decisions recorded at 22:00 on a working day: outside working hours.
        night = SimpleNamespace(now=lambda: datetime(2026, 11, 24, 22, tzinfo=SHANGHAI))
        with mock.patch.object(ledger_services, "timezone", night):
            decided(n)

    url = f"/audit/anomalies/?unit={unit.pk}&from=2026-11-01&to=2026-11-30&rule=outside_working_hours"
    return Listing(g.page(auditor, url), at_night, links(CASE_LINK))


@listing("retention page: a person's cases")
def retention_person(g: Given) -> Listing:
    auditor = g.user_with("auditor", g.world.units["D1"])
    person = g.person(g.world.units["E1"])
    serial = count(1)

    def record() -> None:
        fields = {"category": "deep", "cause": "illness", "statement": "患病", "exited_on": date(2025, 1, 1)}
        case_row(
            HardshipCase, g.world.units["E1"], "exited", number=f"困2025-{next(serial):06d}", person=person, **fields
        )

    add = in_loop(record)
    return Listing(g.page(auditor, f"/audit/retention/people/{person.pk}/"), add, links(CASE_LINK))


# -- reports ------------------------------------------------------------------


@listing("reports dashboard: units compared")
def dashboard(g: Given) -> Listing:
    reader = g.user_with("district_approver", g.world.units["D1"])
    street = g.unit(UnitKind.STREET, "D1")
    add = in_loop(lambda: hardship_record(g.unit(parent=street), "filed", filed_on=date(2026, 3, 1)))
    url = f"/reports/dashboard/?unit={street.pk}&from=2026-01-01&to=2026-12-31"

    def units_shown(response: Any) -> int:
        return len(set(re.findall(r"新单位\d+", response.content.decode())) - {street.name})

    return Listing(g.page(reader, url), add, units_shown)


# -- reports: the records behind a figure ------------------------------------


def _records_of(key: str, make: Callable[[Given], Callable[[], object]]) -> None:
    @listing(f"report records: {key}")
    def build(g: Given) -> Listing:
        reader = g.user_with("district_approver", g.world.units["D1"])
        Membership.objects.create(user=reader, unit=g.world.units["D1"], role="finance_officer")  # the budget lines too
        url = f"/reports/records/?figure={key}&unit={g.world.units['D1'].pk}&from=2026-01-01&to=2026-12-31"

        def shown(response: Any) -> int:
            records = re.search(r'id="records">(.*?)</ul>', response.content.decode(), re.S)
            return records.group(1).count("<li>") if records else 0

        return Listing(g.page(reader, url), in_loop(make(g)), shown)


def _allocation(g: Given) -> Callable[[], object]:
    finance = g.user_with("finance_officer", g.world.units["D1"])
    lines = g.world.budget_lines
    return lambda: Allocation.objects.create(
        from_line=lines["D1"], to_line=lines["S1"], amount=Decimal("100"), reason="下拨", allocated_by=finance
    )


def _legalaid(g: Given) -> Callable[[], object]:
    officer = g.user_with("legal_officer", g.world.units["D1"])
    return lambda: apply(g.world, {"officer": officer}, person=g.person(g.world.units["E1"]))


def _nomination(g: Given) -> Callable[[], object]:
    honours = _honours_staff(g)
    campaign = campaign_open(g.world, honours, places={g.world.units["S1"]: 60})
    return lambda: nominate(g.world, honours, campaign, person=g.person(g.world.units["E1"]))


def _done_step(g: Given) -> Callable[[], object]:
    def home_visit() -> None:
        case = submit(g.world, g.staff, worker=g.person(g.world.units["E1"]))
        visited = {"visited_on": timezone.localdate().isoformat(), "report": "属实"}
        step(case, "record_home_visit", g.staff["caseworker"], **visited)

    return home_visit


_records_of("hardship.filed", lambda g: lambda: _filed(g))
_records_of(
    "assistance.paid_by_type",
    lambda g: (
        lambda: _payment(
            g,
            _filed(g),
            state=PaymentState.APPROVED,
            decided_by=g.staff["district_approver"],
            decided_at=timezone.now(),
            paid_on=date(2026, 3, 2),
        )
    ),
)
_records_of("assistance.passed_down", _allocation)
_records_of(
    "bargaining.by_state",
    lambda g: lambda: bargaining_case_open(unit=g.unit(), workers_covered=50, by=g.staff["caseworker"]),
)
_records_of("legalaid.received", _legalaid)
_records_of("honours.nominated_by_type", _nomination)
_records_of("outreach.events", _event_recorder)
_records_of("work.days_per_step", _done_step)


# -- the test ----------------------------------------------------------------


def counted(read: Callable[[], Any]) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = read()
    assert response.status_code == 200, response.content[:500]
    return response, [q["sql"] for q in queries.captured_queries]


def shapes(statements: list[str]) -> Counter[str]:
    """Statements without their values: what a query per row repeats."""
    return Counter(re.sub(r"'[^']*'|\b\d+\b", "?", sql) for sql in statements)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_takes_the_same_queries_for_1_row_and_for_50(
    name: str, world: Any, staff: dict[str, User], user_with: Callable[..., User]
) -> None:
    the = LISTS[name](Given(world, staff, user_with))
    the.add(1)
    the.read()  # warm the per-process caches (content types) and the session
    first, one = counted(the.read)
    the.add(49)
    last, fifty = counted(the.read)
    print(f"{name}: {len(one)} queries for 1 row, {len(fifty)} for 50")
    expected = the.shown(first) + 49 if the.cap is None else min(the.shown(first) + 49, the.cap)
    assert the.shown(last) == expected, (the.shown(first), the.shown(last))
    assert len(fifty) == len(one), shapes(fifty) - shapes(one)
