"""E-mail: once, in the recipient's language, only when they want it and
have an address; a failing mail server is a failed Delivery with its
backoff, and a later success one successful Delivery."""

from __future__ import annotations

from decimal import Decimal
from smtplib import SMTPException
from typing import Any

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from casework.accounts.models import User
from casework.cases.selectors import STATE_LABELS
from casework.hardship.payments import payment_request
from notifications.delivery import backoff, event_dispatch, message_deliver
from notifications.models import Channel, Delivery, DeliveryStatus, OutboxMessage
from notifications.services import outbox_queue, preference_set
from notifications.tasks import deliver_message
from tests.hardship.test_paths import filed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages: Any) -> int:
        raise SMTPException("mail server said no")


FAILING = f"{__name__}.FailingBackend"
CASE = ("cases.case", "12")
PAYMENT = {"number": "KN-2026-0001", "amount": "500.00", "payment": 3}


def person(username: str = "li", email: str = "li@example.org", language: str | None = None, **extra: Any) -> User:
    user = User.objects.create_user(username=username, email=email, display_name="李明", **extra)
    if language is not None:
        preference_set(user=user, email_enabled=True, language=language, by=user)
    return user


def link() -> str:
    return settings.CASEWORK_BASE_URL + reverse("cases:case", args=[12])


# The texts of locale/*/LC_MESSAGES/django.po (zh-hans is the source).
EXPECTED = {
    "zh-hans": (
        "【工会维权帮扶工作平台】待审核发放：KN-2026-0001，500.00元",
        [
            "李明，您好：",
            "案件KN-2026-0001申请发放帮扶资金500.00元，请审核。",
            "查看详情：{link}",
            "此邮件由工会维权帮扶工作平台自动发送，请勿回复。",
        ],
    ),
    "zh-hant": (
        "【工會維權幫扶工作平台】待審核發放：KN-2026-0001，500.00元",
        [
            "李明，您好：",
            "案件KN-2026-0001申請發放幫扶資金500.00元，請審核。",
            "查看詳情：{link}",
            "此郵件由工會維權幫扶工作平台自動發送，請勿回覆。",
        ],
    ),
    "en": (
        "[Union casework] Payment to review: KN-2026-0001, ¥500.00",
        [
            "Dear 李明,",
            "Case KN-2026-0001 requests an assistance payment of ¥500.00; please review it.",
            "Details: {link}",
            "This e-mail was sent automatically by the union casework platform; please do not reply.",
        ],
    ),
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_sent_once_in_the_recipients_language(announce, mailoutbox, language):
    user = person(language=language)
    [message] = announce("hardship.payment_requested", CASE, [user], PAYMENT)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    subject, lines = EXPECTED[language]
    assert mail.to == ["li@example.org"]
    assert mail.subject == subject
    for line in lines:
        assert line.format(link=link()) in mail.body
    assert mail.extra_headers["Content-Language"] == language
    assert mail.extra_headers["X-Casework-Event"] == "hardship.payment_requested"
    # Other languages' texts are absent.
    for other, (other_subject, _lines) in EXPECTED.items():
        if other != language:
            assert other_subject not in mail.subject
    message.refresh_from_db()
    assert message.delivered_at is not None
    [delivery] = Delivery.objects.all()
    assert (delivery.channel, delivery.status, delivery.target, delivery.attempt, delivery.message_id) == (
        Channel.EMAIL,
        DeliveryStatus.OK,
        "li@example.org",
        1,
        message.pk,
    )
    # Rendering in the recipient's language leaves the caller's language alone.
    assert translation.get_language() == settings.LANGUAGE_CODE


def test_without_preferences_in_the_default_language(announce, mailoutbox):
    announce("hardship.payment_requested", CASE, [person()], PAYMENT)
    assert [m.subject for m in mailoutbox] == [EXPECTED["zh-hans"][0]]


def test_a_deadline_step_is_mailed_in_the_recipients_language(announce, mailoutbox):
    step = str(STATE_LABELS["hardship"]["street_review"])  # as the scan stores it
    payload = {"number": "KN-2026-0001", "step": step, "due": "2026-11-30", "level": 0}
    announce("deadline.due_today", CASE, [person(language="zh-hant")], payload)
    with translation.override("zh-hant"):
        traditional = str(STATE_LABELS["hardship"]["street_review"])
    assert traditional != step
    [mail] = mailoutbox
    assert mail.subject == f"【工會維權幫扶工作平台】今日到期：KN-2026-0001 {traditional}"
    assert f"案件KN-2026-0001的「{traditional}」今天（2026-11-30）到期，請今天辦結。" in mail.body


@pytest.mark.parametrize("case", ["e-mail off", "no address"])
def test_no_email_when_turned_off_or_no_address_but_delivered_in_app(announce, mailoutbox, case):
    user = person(email="" if case == "no address" else "li@example.org")
    if case == "e-mail off":
        preference_set(user=user, email_enabled=False, language="en", by=user)
    [message] = announce("hardship.payment_requested", CASE, [user], PAYMENT)
    assert mailoutbox == []
    message.refresh_from_db()
    assert message.delivered_at is not None
    assert Delivery.objects.count() == 0
    # Delivering it again sends nothing either.
    assert message_deliver(message.pk, retrying=False).status == "already"
    assert mailoutbox == []


def test_only_the_recipients_who_want_it_are_mailed(announce, mailoutbox):
    wants = person("wants", "wants@example.org")
    off = person("off", "off@example.org")
    preference_set(user=off, email_enabled=False, language="zh-hans", by=off)
    announce("hardship.payment_requested", CASE, [wants, off], PAYMENT)
    assert [m.to for m in mailoutbox] == [["wants@example.org"]]
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 0


def test_delivering_twice_sends_one_mail(mailoutbox):
    user = person()
    [message] = outbox_queue(event="hardship.payment_requested", subject=CASE, recipients=[user], payload=PAYMENT)
    assert message_deliver(message.pk, retrying=False).status == "sent"
    assert message_deliver(message.pk, retrying=False).status == "already"
    assert deliver_message.delay(message.pk).get() == "already"
    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(status=DeliveryStatus.OK).count() == 1


def test_dispatching_an_event_twice_mails_once(announce, mailoutbox):
    [message] = announce("hardship.payment_requested", CASE, [person()], PAYMENT)
    assert event_dispatch(message.outbox_event_id) == {"messages": 0, "webhooks": 0}
    assert len(mailoutbox) == 1


@override_settings(
    NOTIFICATIONS_RETRY_BASE_SECONDS=7, NOTIFICATIONS_RETRY_MAX_SECONDS=100, NOTIFICATIONS_MAX_ATTEMPTS=5
)
def test_a_failing_mail_server_is_retried_with_backoff_then_delivered_once(mailoutbox):
    user = person()
    [message] = outbox_queue(event="hardship.payment_requested", subject=CASE, recipients=[user], payload=PAYMENT)
    with override_settings(EMAIL_BACKEND=FAILING):
        first = message_deliver(message.pk, retrying=True)
        second = message_deliver(message.pk, retrying=True)
    assert (first.status, first.retry_in) == ("failed", backoff(1))
    assert (second.status, second.retry_in) == ("failed", backoff(2))
    assert (backoff(1), backoff(2)) == (7, 14)
    failed = list(Delivery.objects.order_by("pk").values_list("status", "attempt", "retry_in", "target"))
    assert failed == [
        (DeliveryStatus.FAILED, 1, 7, "li@example.org"),
        (DeliveryStatus.FAILED, 2, 14, "li@example.org"),
    ]
    assert "SMTPException: mail server said no" in Delivery.objects.earliest("pk").error
    message.refresh_from_db()
    assert message.delivered_at is None and mailoutbox == []

    assert message_deliver(message.pk, retrying=True).status == "sent"
    assert message_deliver(message.pk, retrying=True).status == "already"
    assert len(mailoutbox) == 1
    ok = Delivery.objects.get(status=DeliveryStatus.OK)
    assert (ok.attempt, ok.retry_in) == (3, None)
    message.refresh_from_db()
    assert message.delivered_at is not None


@override_settings(EMAIL_BACKEND=FAILING, NOTIFICATIONS_MAX_ATTEMPTS=2)
def test_no_retry_after_the_last_attempt_nor_in_process(mailoutbox):
    [message] = outbox_queue(event="hardship.payment_requested", subject=CASE, recipients=[person()], payload=PAYMENT)
    assert message_deliver(message.pk, retrying=True).retry_in is not None
    assert message_deliver(message.pk, retrying=True).retry_in is None  # attempt 2 of 2
    # Without a broker the task does not retry in-process: it stays failed for the admin.
    assert deliver_message.delay(message.pk).get() == "failed"
    assert list(Delivery.objects.order_by("pk").values_list("attempt", "retry_in")) == [
        (1, backoff(1)),
        (2, None),
        (3, None),
    ]
    assert mailoutbox == []


def test_a_payment_request_mails_the_finance_officer_in_english(
    world, staff, money, mailoutbox, django_capture_on_commit_callbacks
):
    case = filed(world, staff)
    finance = money["finance"]
    finance.email = "finance@example.org"
    finance.save(update_fields=["email"])
    preference_set(user=finance, email_enabled=True, language="en", by=finance)
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_request(
            case=case, assistance_type="living", amount="1500", budget_line=money["street"], by=staff["caseworker"]
        )
    [message] = OutboxMessage.objects.filter(event="hardship.payment_requested")
    assert message.recipient_id == finance.pk
    assert "number" not in message.payload  # the case number is looked up
    assert Decimal(message.payload["amount"]) == payment.amount == Decimal("1500")
    [mail] = mailoutbox
    assert mail.to == ["finance@example.org"]
    assert mail.subject == f"[Union casework] Payment to review: {case.number}, ¥{message.payload['amount']}"
    assert settings.CASEWORK_BASE_URL + reverse("cases:case", args=[case.pk]) in mail.body
