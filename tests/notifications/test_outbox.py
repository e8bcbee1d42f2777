"""``outbox_queue`` (one event, one message per distinct active recipient,
nothing at all when the change rolls back) and what each event says."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from casework.accounts.models import User
from casework.cases.selectors import STATE_LABELS, TABLES
from casework.org.models import UnitKind
from notifications.events import render
from notifications.models import Delivery, OutboxEvent, OutboxMessage
from notifications.services import outbox_queue
from tests.hardship.test_paths import filed
from tests.notifications.conftest import unit_subject
from tests.web.helpers import make_unit

pytestmark = pytest.mark.usefixtures("eager")


class Boom(Exception):
    pass


def rows() -> tuple[int, int, int]:
    return OutboxEvent.objects.count(), OutboxMessage.objects.count(), Delivery.objects.count()


@pytest.mark.django_db(transaction=True)
def test_outbox_queue_refuses_to_run_outside_a_transaction():
    user = User.objects.create_user(username="li", email="li@example.org")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        outbox_queue(event="hardship.payment_requested", subject=("cases.case", "1"), recipients=[user])
    assert rows() == (0, 0, 0)


@pytest.mark.django_db
def test_one_event_and_one_message_per_distinct_active_recipient():
    a = User.objects.create_user(username="a")
    b = User.objects.create_user(username="b")
    gone = User.objects.create_user(username="gone", is_active=False)
    created = outbox_queue(
        event="hardship.payment_requested",
        subject=("cases.case", "7"),
        recipients=[a, b, a, gone, b],
        payload={"amount": Decimal("500.00"), "payment": 3},
    )
    event = OutboxEvent.objects.get()
    assert (event.event, event.subject_type, event.subject_id) == ("hardship.payment_requested", "cases.case", "7")
    # What the JSON column gives back: the Decimal as a string.
    assert event.payload == {"amount": "500.00", "payment": 3}
    messages = list(OutboxMessage.objects.order_by("pk"))
    assert [m.recipient_id for m in messages] == [a.pk, b.pk]
    assert [m.pk for m in created] == [m.pk for m in messages]
    for message in messages:
        assert message.outbox_event_id == event.pk
        assert (message.event, message.subject_id, message.payload) == (event.event, "7", event.payload)
        assert message.read_at is None and message.delivered_at is None
    assert event.dispatched_at is None  # nothing is sent before the commit


@pytest.mark.django_db
def test_an_event_without_recipients_is_still_written_for_the_webhooks():
    outbox_queue(event="hardship.submitted", subject=("cases.case", "7"), recipients=[])
    assert rows() == (1, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_rollback_leaves_no_rows_and_sends_nothing(receiver, subscribe, mailoutbox):
    unit = make_unit("R1", "回滚区总工会", UnitKind.DISTRICT)
    subscribe(unit, receiver.url())
    user = User.objects.create_user(username="li", email="li@example.org")

    def announce() -> None:
        outbox_queue(
            event="hardship.payment_requested", subject=unit_subject(unit), recipients=[user], payload={"amount": "5"}
        )

    with pytest.raises(Boom), transaction.atomic():
        announce()
        raise Boom
    assert rows() == (0, 0, 0)
    assert mailoutbox == []
    assert receiver.count() == 0

    # The same change, committed, is sent: the checks above could have failed.
    with transaction.atomic():
        announce()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["li@example.org"]
    assert receiver.count() == 1
    assert OutboxEvent.objects.get().dispatched_at is not None
    assert OutboxMessage.objects.get().delivered_at is not None


# What each event says.


def transition_label(case_type: str, state: str, action: str) -> str:
    return str(next(t.label for t in TABLES[case_type].transitions if t.state == state and t.action == action))


def test_a_case_step_names_the_label_of_the_step_taken_from_its_state():
    payload = {"number": "KN-2026-0007", "from_state": "district_approval", "to_state": "filed"}
    text = render("hardship.approve", subject_type="cases.case", subject_id="12", payload=payload)
    label = transition_label("hardship", "district_approval", "approve")
    state = str(STATE_LABELS["hardship"]["filed"])
    assert text.title == f"KN-2026-0007：{label}"
    assert text.body == f"案件KN-2026-0007已办理“{label}”，现为“{state}”。"
    assert text.link == reverse("cases:case", args=[12])
    # The same action from the street's step has the street's label.
    street = render(
        "hardship.approve",
        subject_type="cases.case",
        subject_id="12",
        payload={**payload, "from_state": "street_review", "to_state": "district_approval"},
    )
    street_label = transition_label("hardship", "street_review", "approve")
    assert street_label != label
    assert street.title == f"KN-2026-0007：{street_label}"


def test_a_case_step_is_rendered_in_the_active_language():
    payload = {"number": "KN-2026-0007", "from_state": "district_approval", "to_state": "filed"}
    with translation.override("en"):
        text = render("hardship.approve", subject_type="cases.case", subject_id="12", payload=payload)
        label = transition_label("hardship", "district_approval", "approve")
    assert text.title == f"KN-2026-0007: {label}"
    assert text.body == f"“{label}” was done on case KN-2026-0007; it is now “Filed”."


@pytest.mark.parametrize("code", ["something.unheard_of", "hardship.fly_to_the_moon"])
def test_an_unknown_event_renders_the_generic_text(code):
    text = render(code, subject_type="elsewhere.thing", subject_id="3", payload={"x": 1})
    assert text.title == f"新通知：{code}"
    assert text.body == f"有一条新通知（{code}），请登录平台查看。"
    assert text.link is None
    with translation.override("en"):
        english = render(code, subject_type="elsewhere.thing", subject_id="3", payload={})
    assert english.title == f"New notification: {code}"


def test_missing_and_empty_payload_values_render_as_a_dash():
    text = render("hardship.payment_requested", subject_type="cases.case", subject_id="12", payload={"number": "N1"})
    assert text.title == "待审核发放：N1，—元"
    assert text.body == "案件N1申请发放帮扶资金—元，请审核。"
    empty = render(
        "deadline.overdue",
        subject_type="cases.case",
        subject_id="12",
        payload={"number": "N1", "step": "", "due": None},
    )
    assert empty.title == "已超期：N1 —"
    assert empty.body == "案件N1的“—”已于—到期，现已超期。"


def test_a_deadline_step_is_translated_into_the_readers_language():
    step = str(STATE_LABELS["hardship"]["street_review"])  # the scan stores it in the default language
    payload = {"number": "N1", "step": step, "due": "2026-11-30", "level": 1}
    with translation.override("en"):
        text = render("deadline.due_today", subject_type="cases.case", subject_id="12", payload=payload)
        english_step = str(STATE_LABELS["hardship"]["street_review"])
    assert english_step != step
    assert text.title == f"Due today: N1 {english_step}"


@pytest.mark.django_db
def test_the_case_number_comes_from_the_case_when_the_payload_has_none(world, staff):
    case = filed(world, staff)
    assert case.number
    text = render(
        "hardship.payment_requested", subject_type="cases.case", subject_id=str(case.pk), payload={"amount": "1"}
    )
    assert text.title == f"待审核发放：{case.number}，1元"
    # A case without a number (or unknown): its id.
    missing = render("hardship.payment_requested", subject_type="cases.case", subject_id="999999", payload={})
    assert missing.title.startswith("待审核发放：#999999，")


def test_every_event_the_code_queues_has_a_text_of_its_own():
    """Read from the sources, so a new ``outbox_queue(event="…")`` without a
    text fails here instead of reaching users as the generic one."""
    import re
    from pathlib import Path

    from casework.cases.selectors import TABLES
    from casework.deadlines.scan import ESCALATIONS
    from notifications.events import is_registered

    root = Path(__file__).resolve().parents[2]
    sources = [p for d in ("casework", "notifications", "permissions", "flows") for p in (root / d).rglob("*.py")]
    literal = re.compile(r'event=(?:"([a-z_.]+)"|"([a-z_.]+)" if [^\n]+ else "([a-z_.]+)")')
    codes = {c for p in sources for m in literal.finditer(p.read_text()) for c in m.groups() if c}
    codes |= {f"deadline.{stage}" for stage in ("reminder", "due_today", "overdue")} | (
        {"deadline.escalated"} if ESCALATIONS else set()
    )
    codes |= {f"{kind}.{t.action}" for kind, table in TABLES.items() for t in table.transitions}
    assert {"hardship.submitted", "delegation.given", "webhook.paused", "bargaining.no_objection"} <= codes
    assert sorted(c for c in codes if not is_registered(c)) == []
