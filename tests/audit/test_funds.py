"""The funds audit finds every planted exception and nothing else, reads the
record's state from the trail, keeps to the period and the user's scope, and
exports what it shows.

The data set is written with the ORM (the services refuse these payments) and
its trail with ``ledger_append`` under a chosen clock, so the state of a record
at any moment can be read back from the chain."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from casework.audit.funds import EXCEPTIONS, funds_audit
from casework.district.models import DistrictSetting
from casework.errors import NotAllowed, RuleViolation
from casework.hardship.assistance import AssistancePayment, BudgetLine, PaymentBatch, PaymentState
from casework.hardship.choices import State
from casework.hardship.models import HardshipCase
from casework.ledger import services as ledger_services
from casework.ledger.services import ledger_append
from casework.people.models import Person
from casework.people.synthetic import SyntheticPeople
from flows.hardship import HardshipFlow

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


class Books:
    """Records with a trail of states, budget lines, payments and lists."""

    def __init__(self, monkeypatch, world, user_with):
        self.monkeypatch, self.world, self.synthetic = monkeypatch, world, SyntheticPeople(23)
        self.states: dict[int, list[tuple[datetime, str]]] = {}
        # Filled by the fixture: what the reports must show.
        self.clean: list[AssistancePayment] = []
        self.first_day: list[AssistancePayment] = []
        self.last_day: list[AssistancePayment] = []
        self.last_year: AssistancePayment | None = None
        self.december: AssistancePayment | None = None
        self.planted: set[tuple[int, str]] = set()
        self.reported: set[int] = set()
        self.cases = SimpleNamespace()
        units = world.units
        self.cw = user_with("street_caseworker", units["S1"])
        self.cw2 = user_with("street_caseworker", units["S2"])
        self.fin = user_with("finance_officer", units["D1"])
        self.both = user_with("finance_officer", units["S1"])
        self.lines = {
            (code, kind): BudgetLine.objects.create(unit=units[code], year=2026, assistance_type=kind, name="审计")
            for code in ("S1", "S2", "S3")
            for kind in ("living", "medical", "schooling", "holiday", "summer")
        }
        for kind in ("holiday", "summer"):
            DistrictSetting.objects.create(
                district=units["D1"], key=f"hardship.ceiling.{kind}", value=1000, effective_from=date(2020, 1, 1)
            )

    def trail(self, moment, **entry):
        with self.monkeypatch.context() as clock:
            clock.setattr(ledger_services, "timezone", SimpleNamespace(now=lambda: moment))
            return ledger_append(**entry)

    def record(self, code: str, *states: tuple[str, str], exited_on: str | None = None) -> HardshipCase:
        p = self.synthetic.person(today=date(2026, 1, 1))
        unit = self.world.units[code]
        person = Person.objects.create(
            name=p.name, id_number=p.id_number, gender="female", birth_date=p.birth_date, employer=unit
        )
        case = HardshipCase.objects.create(
            flow_class=HardshipFlow,  # type: ignore[misc]  # viewflow's field takes the class
            case_type="hardship",
            number=f"困2026-{HardshipCase.objects.count() + 1:06d}",
            state=states[-1][1],
            unit=unit,
            unit_path=unit.path,
            person=person,
            category="deep",
            cause="illness",
            statement="患病",
            exited_on=date.fromisoformat(exited_on) if exited_on else None,
        )
        self.states[case.pk] = []
        previous = ""
        for day, state in states:
            step = {"action": "test.step", "from_state": previous, "to_state": state}
            self.trail(at(day, 9), subject=("cases.case", str(case.pk)), **step)
            self.states[case.pk].append((at(day, 9), state))
            previous = state
        return case

    def state_on(self, case, moment) -> str:
        return ([""] + [state for when, state in self.states[case.pk] if when <= moment])[-1]

    def batch(
        self, campaign: str, code: str, kind: str, day: str, *, requester=None, approver=None, year=2026
    ) -> PaymentBatch:
        line = self.lines[(code, kind)]
        if year != line.year:
            line, _new = BudgetLine.objects.get_or_create(unit=line.unit, year=year, assistance_type=kind, name="审计")
        return PaymentBatch.objects.create(
            campaign=campaign,
            assistance_type=kind,
            budget_line=line,
            state=PaymentState.APPROVED,
            requested_by=requester or self.cw,
            decided_by=approver or self.fin,
            decided_at=at(day),
            paid_on=date.fromisoformat(day),
        )

    def pay(self, case, amount, approved: datetime | None, **given) -> AssistancePayment:
        """An approved payment (unless ``state`` says otherwise) and, unless
        ``trail_by`` is False, its approval entry by ``trail_by`` (default: the approver)."""
        batch = given.get("batch")
        approver = given.get("approver", batch.decided_by if batch else self.fin)
        paid = given.get("paid", approved.date().isoformat() if approved else None)
        kind = given.get("kind", batch.assistance_type if batch else "living")
        payment = AssistancePayment.objects.create(
            case=case,
            batch=batch,
            assistance_type=kind,
            amount=Decimal(amount),
            budget_line=batch.budget_line if batch else self.lines[(given.get("code", "S1"), kind)],
            state=given.get("state", PaymentState.APPROVED),
            requested_by=given.get("requester", self.cw),
            decided_by=approver,
            decided_at=approved,
            paid_on=date.fromisoformat(paid) if paid else None,
        )
        trail_by = given.get("trail_by", batch.decided_by if batch else approver)
        if trail_by is not False and approved is not None and payment.state == PaymentState.APPROVED:
            now = self.state_on(case, approved)
            self.trail(
                approved + timedelta(seconds=1),
                action="hardship.payment_approved",
                by=trail_by,
                subject=("cases.case", str(case.pk)),
                from_state=now,
                to_state=now,
                payload={"payment": payment.pk, "amount": payment.amount},
            )
        return payment


FILED = State.FILED


@pytest.fixture
def books(monkeypatch, world, district, user_with):
    """Clean payments and one of each planted exception; ``books.planted`` is
    the set of (payment id, code) the D1 report for 2026 must find."""
    b = Books(monkeypatch, world, user_with)
    a = b.record("E1", ("2026-01-02", State.HOME_VISIT), ("2026-01-10", FILED))
    bb = b.record("E2", ("2026-01-05", FILED))
    c = b.record("E1", ("2026-01-08", FILED))
    # Filed only after its first payment: today's state would hide it.
    d = b.record("E1", ("2026-02-01", State.HOME_VISIT), ("2026-04-01", FILED))
    # Exited today, but filed when paid: today's state would accuse it.
    e = b.record(
        "E1",
        ("2026-01-06", FILED),
        ("2026-08-01", State.EXIT_NOTICE),
        ("2026-09-01", State.EXITED),
        exited_on="2026-09-01",
    )
    f = b.record(
        "E1",
        ("2026-01-05", FILED),
        ("2026-06-05", State.EXIT_NOTICE),
        ("2026-06-10", State.EXITED),
        exited_on="2026-06-10",
    )
    g = b.record("S3", ("2026-01-05", FILED))
    h = b.record("E1", ("2025-06-01", FILED))
    b.clean = [
        b.pay(a, "1000", at("2026-03-02"), paid="2026-03-03"),
        b.pay(a, "2000", at("2026-03-05"), kind="medical"),
        b.pay(bb, "500", at("2026-04-01"), code="S2", requester=b.cw2),
        b.pay(e, "800", at("2026-06-01"), paid="2026-06-02"),
        b.pay(c, "500", at("2026-02-01")),
        b.pay(d, "400", at("2026-04-02")),
    ]
    # The period's edges: paid on its first and last day, approved (no paid date) late on its last.
    b.first_day = [b.pay(h, "100", at("2025-12-31", 16), paid="2026-01-01")]
    b.last_day = [b.pay(h, "100", at("2026-12-31", 9)), b.pay(h, "100", at("2026-12-31", 23, 30), paid=None)]
    b.clean += b.first_day + b.last_day
    # The same campaign of the year before (its own budget year), paid weeks earlier: not twice.
    last_years = b.batch("送温暖", "S1", "holiday", "2025-12-20", year=2025)
    b.last_year = b.pay(h, "300", at("2025-12-20"), batch=last_years)
    warmth = b.batch("送温暖", "S1", "holiday", "2026-01-20")
    b.clean += [b.pay(who, "300", at("2026-01-20"), batch=warmth) for who in (a, c, h)]
    # The list's people count, not the line's: requested and approved by one person.
    summer = b.batch("高温慰问", "S1", "summer", "2026-07-10", requester=b.both, approver=b.both)
    # The winter campaign of budget year 2026 began in December 2025, before the period: its
    # January line to the same worker is the second.
    b.december = b.pay(h, "50", at("2025-12-28"), batch=b.batch("冬季送温暖", "S1", "holiday", "2025-12-28"))
    planted = {
        (b.pay(c, "2800", at("2026-05-01")), "over_ceiling"),  # 500 + 2,800 > 3,000
        (b.pay(d, "400", at("2026-03-15")), "record_not_filed"),  # home visit then
        (b.pay(a, "500", at("2026-03-06"), kind="medical", requester=b.both, approver=b.both), "requester_is_approver"),
        (b.pay(e, "300", at("2026-07-10"), batch=summer, requester=b.cw, approver=b.fin), "requester_is_approver"),
        (
            b.pay(c, "200", at("2026-02-10"), batch=b.batch("送温暖", "S1", "holiday", "2026-02-10")),
            "paid_twice_in_campaign",
        ),
        (b.pay(f, "600", at("2026-06-01"), paid="2026-06-15"), "paid_after_exit"),
        # Approved while filed, paid once its exit notice had begun: not filed at payment.
        (b.pay(e, "70", at("2026-07-20"), paid="2026-08-03"), "record_not_filed"),
        (
            b.pay(h, "50", at("2026-01-15"), batch=b.batch("冬季送温暖", "S1", "holiday", "2026-01-15")),
            "paid_twice_in_campaign",
        ),
        (b.pay(bb, "100", at("2026-04-10"), code="S2", requester=b.cw2, approver=None), "no_approver"),
        (b.pay(bb, "200", at("2026-04-11"), code="S2", requester=b.cw2, trail_by=False), "approval_not_in_trail"),
        (b.pay(bb, "150", at("2026-04-12"), code="S2", requester=b.cw2, trail_by=b.cw2), "approval_not_in_trail"),
        (b.pay(bb, "100", at("2026-04-13")), "line_out_of_reach"),  # S1's money to a record of S2
        (b.pay(a, "300", at("2026-03-07"), kind="schooling"), "ceiling_unknown"),
    }
    b.planted = {(payment.pk, code) for payment, code in planted}
    b.reported = {p.pk for p in b.clean} | {pk for pk, _code in b.planted}
    # Never in the report: another district's, not approved, outside the period.
    b.pay(g, "5000", at("2026-05-01"), code="S3", requester=b.both, approver=b.both)
    b.pay(a, "100", at("2026-05-02"), state=PaymentState.REQUESTED, approver=None)
    b.pay(a, "100", at("2026-05-03"), state=PaymentState.REFUSED, requester=b.both, approver=b.both)
    b.pay(h, "100", at("2025-12-31"))
    b.pay(h, "100", at("2026-12-31", 11), paid="2027-01-01")
    b.pay(h, "100", at("2027-01-01", 0, 10), paid=None)  # 2026-12-31 16:10 UTC, but 1 January in Shanghai
    b.cases = SimpleNamespace(a=a, b=bb, c=c, d=d, e=e, f=f)
    return b


def found(report):
    return {(trace.payment.pk, finding.code) for trace, finding in report.exceptions}


def test_the_report_finds_every_planted_exception_and_nothing_else(books, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    report = funds_audit(user=auditor, unit=world.units["D1"], date_from=YEAR[0], date_to=YEAR[1])
    assert {t.payment.pk for t in report.traces} == books.reported
    assert found(report) == books.planted
    assert set(EXCEPTIONS) == {code for _pk, code in books.planted}  # each kind planted once at least
    counts = {code: n for code, _label, n in report.counts}
    assert counts["requester_is_approver"] == 2 and counts["approval_not_in_trail"] == 2
    assert counts["over_ceiling"] == 1
    assert report.total == sum(
        AssistancePayment.objects.filter(pk__in=books.reported).values_list("amount", flat=True), Decimal("0")
    )


def test_the_state_at_approval_comes_from_the_trail(books, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    report = funds_audit(user=auditor, unit=world.units["D1"], date_from=YEAR[0], date_to=YEAR[1])
    states = {t.payment.pk: t.state_at_approval for t in report.traces}
    d_payments = AssistancePayment.objects.filter(case=books.cases.d).order_by("decided_at")
    assert [states[p.pk] for p in d_payments] == [State.HOME_VISIT, State.FILED]
    assert HardshipCase.objects.get(pk=books.cases.e.pk).state == State.EXITED
    assert {states[p.pk] for p in AssistancePayment.objects.filter(case=books.cases.e)} == {State.FILED}


def test_a_street_auditor_sees_only_its_streets_payments(books, world, user_with):
    auditor = user_with("auditor", world.units["S1"])
    report = funds_audit(user=auditor, unit=world.units["S1"], date_from=YEAR[0], date_to=YEAR[1])
    ids, planted = street_view(books)
    assert {t.payment.pk for t in report.traces} == ids
    assert found(report) == planted
    with pytest.raises(NotAllowed):
        funds_audit(user=auditor, unit=world.units["S2"], date_from=YEAR[0], date_to=YEAR[1])
    with pytest.raises(NotAllowed):  # reading budgets is not reading the trail
        funds_audit(user=books.cw, unit=world.units["S1"], date_from=YEAR[0], date_to=YEAR[1])


def test_period_boundaries_and_totals_from_outside_the_period(books, world, user_with):
    auditor = user_with("auditor", world.units["D1"])
    edges = funds_audit(user=auditor, unit=world.units["D1"], date_from=date(2026, 12, 31), date_to=date(2026, 12, 31))
    assert {t.payment.pk for t in edges.traces} == {p.pk for p in books.last_day}
    first = funds_audit(user=auditor, unit=world.units["D1"], date_from=date(2026, 1, 1), date_to=date(2026, 1, 1))
    assert {t.payment.pk for t in first.traces} == {p.pk for p in books.first_day}  # approved 2025, paid 1 January
    may = funds_audit(user=auditor, unit=world.units["D1"], date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))
    # The 500 paid in February is outside May, yet counts towards May's ceiling.
    assert found(may) == {(pk, code) for pk, code in books.planted if code == "over_ceiling"}
    winter = funds_audit(user=auditor, unit=world.units["D1"], date_from=date(2025, 12, 1), date_to=date(2026, 1, 31))
    assert books.last_year is not None and books.last_year.pk in {t.payment.pk for t in winter.traces}
    assert found(winter) == {(pk, code) for pk, code in books.planted if code == "paid_twice_in_campaign"} - {
        (pk, code) for pk, code in books.planted if pk not in {t.payment.pk for t in winter.traces}
    }
    with pytest.raises(RuleViolation) as error:
        funds_audit(user=auditor, unit=world.units["D1"], date_from=date(2026, 2, 1), date_to=date(2026, 1, 31))
    assert (error.value.code, error.value.field) == ("audit.period_reversed", "date_to")
    assert "截止日期" in str(error.value.message)


def test_queries_do_not_grow_with_the_payments(books, world, user_with, django_assert_max_num_queries):
    auditor = user_with("auditor", world.units["D1"])
    with django_assert_max_num_queries(9):
        report = funds_audit(user=auditor, unit=world.units["D1"], date_from=YEAR[0], date_to=YEAR[1])
        assert len(report.traces) > 20


def street_view(books):
    """What an auditor of S1 must see: every payment but those to the record
    of S2 (one of them from S1's money), and their planted exceptions."""
    ids = books.reported - set(AssistancePayment.objects.filter(case=books.cases.b).values_list("pk", flat=True))
    return ids, {(pk, code) for pk, code in books.planted if pk in ids}


def test_the_page_shows_the_exceptions_and_refuses_what_is_outside(books, world, user_with, client):
    client.force_login(user_with("auditor", world.units["S1"]))
    url = reverse("audit:funds")
    _ids, planted = street_view(books)
    page = client.get(url, {"unit": world.units["S1"].pk, "from": "2026-01-01", "to": "2026-12-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-code="') == len(planted)
    assert str(EXCEPTIONS["paid_twice_in_campaign"]) in html and 'id="payments-title"' not in html
    listed = client.get(url, {"unit": world.units["S1"].pk, "from": "2026-01-01", "to": "2026-12-31", "all": "1"})
    assert 'id="payments-title"' in listed.content.decode()
    assert client.get(url).context["filters"].unit == world.units["S1"]  # the auditor's own unit by default
    outside = client.get(url, {"unit": world.units["S2"].pk})
    assert outside.status_code == 404  # as for a unit that does not exist
    for query, status, message in [
        ({"from": "2026-02-01", "to": "2026-01-01"}, 400, "截止日期：不能早于起始日期。"),
        ({"from": "2026-13-01"}, 400, "起始日期：请按“年-月-日”填写"),
        ({"to": "明天"}, 400, "截止日期：请按“年-月-日”填写"),
        ({"unit": "S1"}, 400, "单位：请从列表中选择。"),
        ({"unit": "999999"}, 404, ""),
    ]:
        response = client.get(url, query)
        assert response.status_code == status and message in response.content.decode(), query
    client.force_login(books.cw)  # reads budgets, not the trail
    assert client.get(url).status_code == 403


def test_the_export_holds_the_exceptions_and_every_payment(books, world, user_with, client):
    client.force_login(user_with("auditor", world.units["S1"]))
    query = {"unit": world.units["S1"].pk, "from": "2026-01-01", "to": "2026-12-31"}
    response = client.get(reverse("audit:funds-xlsx"), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["异常", "全部发放"]
    ids, planted = street_view(books)
    labels = {str(label): code for code, label in EXCEPTIONS.items()}
    rows = list(book["异常"].iter_rows(min_row=4, values_only=True))
    assert {(row[2], labels[str(row[0])]) for row in rows} == planted and len(rows) == len(planted)
    payments = list(book["全部发放"].iter_rows(min_row=4, values_only=True))
    assert {row[1] for row in payments[:-1]} == ids
    assert payments[-1][0] == "合计" and Decimal(str(payments[-1][6])) == sum(
        AssistancePayment.objects.filter(pk__in=ids).values_list("amount", flat=True), Decimal("0")
    )
    assert client.get(reverse("audit:funds-xlsx"), {**query, "to": "2025-01-01"}).status_code == 400
