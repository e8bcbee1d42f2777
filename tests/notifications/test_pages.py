"""The bell, the list in the reader's language, read marks (one's own only),
preferences, and a list page whose query count does not grow with its rows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.accounts.models import User
from notifications.models import NotificationPreference, OutboxMessage
from notifications.services import outbox_queue, preference_set

pytestmark = pytest.mark.django_db

PAYMENT = {"number": "KN-2026-0001", "amount": "500.00"}


@pytest.fixture
def reader(client: Any) -> User:
    user = User.objects.create_user(username="reader", email="reader@example.org", display_name="李明")
    client.force_login(user)
    return user


@pytest.fixture
def other() -> User:
    return User.objects.create_user(username="other", email="other@example.org")


def notify(user: User, n: int = 1, event: str = "hardship.payment_requested", **payload: Any) -> list[OutboxMessage]:
    return [
        outbox_queue(
            event=event, subject=("cases.case", str(12 + i)), recipients=[user], payload={**PAYMENT, **payload}
        )[0]
        for i in range(n)
    ]


def bell(client: Any) -> str | None:
    html = client.get("/").content.decode()
    assert 'class="bell' in html
    found = re.search(r'<span class="bell-count">([^<]*)</span>', html)
    return found.group(1) if found else None


def read_marks(*users: User) -> list[tuple[int, bool]]:
    """(id, still unread) of the users' notifications."""
    rows = OutboxMessage.objects.filter(recipient__in=users).order_by("pk").values_list("pk", "read_at")
    return [(pk, read_at is None) for pk, read_at in rows]


def test_the_bell_counts_the_readers_unread_notifications(client, reader, other):
    assert bell(client) is None
    mine = notify(reader, 3)
    notify(other, 5)
    assert bell(client) == "3"
    html = client.get("/").content.decode()
    assert 'class="bell bell-unread"' in html and "通知（3条未读）" in html
    client.post(reverse("notifications:read", args=[mine[0].pk]))
    assert bell(client) == "2"
    client.post(reverse("notifications:read-all"))
    assert bell(client) is None


def test_the_bell_shows_99_plus_beyond_99(client, reader):
    notify(reader, 100)
    assert bell(client) == "99+"


@pytest.mark.parametrize(
    ("language", "title", "body"),
    [
        ("zh-hans", "待审核发放：KN-2026-0001，500.00元", "案件KN-2026-0001申请发放帮扶资金500.00元，请审核。"),
        ("zh-hant", "待審核發放：KN-2026-0001，500.00元", "案件KN-2026-0001申請發放幫扶資金500.00元，請審核。"),
        (
            "en",
            "Payment to review: KN-2026-0001, ¥500.00",
            "Case KN-2026-0001 requests an assistance payment of ¥500.00; please review it.",
        ),
    ],
)
def test_the_list_shows_the_readers_notifications_in_the_active_language(client, reader, other, language, title, body):
    notify(reader)
    notify(other, number="SOMEONE-ELSES")
    html = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert title in html and body in html
    assert f'href="{reverse("cases:case", args=[12])}"' in html
    assert "SOMEONE-ELSES" not in html
    assert html.count('class="notice notice-unread"') == 1


def test_the_list_is_empty_without_notifications(client, reader, other):
    notify(other)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "暂无通知。" in html and "KN-2026-0001" not in html


def test_mark_one_read_changes_only_that_one(client, reader, other):
    mine = notify(reader, 2)
    [theirs] = notify(other)
    response = client.post(reverse("notifications:read", args=[mine[0].pk]), {"next": "/notifications/?page=1"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?page=1"
    assert read_marks(reader, other) == [(mine[0].pk, False), (mine[1].pk, True), (theirs.pk, True)]
    first = OutboxMessage.objects.get(pk=mine[0].pk).read_at
    client.post(reverse("notifications:read", args=[mine[0].pk]))
    assert OutboxMessage.objects.get(pk=mine[0].pk).read_at == first  # the first read time stays


def test_mark_read_goes_back_only_to_this_site(client, reader):
    [mine] = notify(reader)
    response = client.post(reverse("notifications:read", args=[mine.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_not_found_and_unchanged(client, reader, other):
    notify(reader)
    [theirs] = notify(other)
    before = read_marks(reader, other)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[theirs.pk + 1000])).status_code == 404
    assert read_marks(reader, other) == before


def test_read_marks_are_posts(client, reader):
    [mine] = notify(reader)
    assert client.get(reverse("notifications:read", args=[mine.pk])).status_code == 405
    assert client.get(reverse("notifications:read-all")).status_code == 405
    assert read_marks(reader) == [(mine.pk, True)]


def test_mark_all_read_marks_only_the_readers(client, reader, other):
    notify(reader, 3)
    notify(other, 2)
    response = client.post(reverse("notifications:read-all"), follow=True)
    assert "已将3条通知标为已读。" in response.content.decode()
    assert OutboxMessage.objects.filter(recipient=reader, read_at__isnull=True).count() == 0
    assert OutboxMessage.objects.filter(recipient=other, read_at__isnull=True).count() == 2


def test_signed_out_visitors_are_sent_to_the_login_page(client, other):
    [theirs] = notify(other)
    for response in (
        client.get(reverse("notifications:list")),
        client.post(reverse("notifications:read", args=[theirs.pk])),
        client.post(reverse("notifications:read-all")),
        client.post(reverse("notifications:preferences"), {"language": "en"}),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert read_marks(other) == [(theirs.pk, True)]
    assert not NotificationPreference.objects.exists()


def test_preferences_are_saved(client, reader):
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="language"' in page and "reader@example.org" in page
    response = client.post(reverse("notifications:preferences"), {"email_enabled": "on", "language": "en"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=reader)
    assert (preference.email_enabled, preference.language) == (True, "en")
    client.post(reverse("notifications:preferences"), {"language": "zh-hant"})  # the box unticked
    preference.refresh_from_db()
    assert (preference.email_enabled, preference.language) == (False, "zh-hant")
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert '<option value="zh-hant" selected>' in page


@pytest.mark.parametrize("language", ["fr", "", "EN"])
def test_an_unknown_language_is_refused_naming_the_field_and_nothing_changes(client, reader, language):
    preference_set(user=reader, email_enabled=True, language="zh-hant", by=reader)
    before = list(NotificationPreference.objects.values_list("user", "email_enabled", "language"))
    response = client.post(reverse("notifications:preferences"), {"language": language})
    assert response.status_code == 400
    assert "通知语言：只能是" in response.content.decode()
    assert list(NotificationPreference.objects.values_list("user", "email_enabled", "language")) == before


def test_the_list_page_makes_as_many_queries_for_30_notifications_as_for_1(client, reader):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("notifications:list"))
        assert response.status_code == 200
        return len(captured)

    def mixed(n: int) -> None:
        # Case subjects without a number in their payload (looked up), and others.
        for i in range(n):
            subject = ("cases.case", str(100 + i)) if i % 2 == 0 else ("hardship.paymentbatch", str(i))
            outbox_queue(event="hardship.approve", subject=subject, recipients=[reader], payload={"to_state": "filed"})

    client.get(reverse("notifications:list"))  # the first request after sign-in stamps the session
    mixed(1)
    one = queries()
    mixed(29)
    assert OutboxMessage.objects.filter(recipient=reader).count() == 30
    thirty = queries()
    html = client.get(reverse("notifications:list")).content.decode()
    assert html.count('class="notice notice-unread"') == 30
    assert thirty == one
