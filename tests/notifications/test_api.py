"""The API of one's own notifications: list (``?unread=``), mark one read,
mark all read; anyone else's answers 404; signed out, nothing."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from casework.accounts.models import User
from notifications.models import OutboxMessage
from notifications.services import outbox_queue
from tests.api.helpers import as_user, is_error

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"


@pytest.fixture
def reader() -> User:
    return User.objects.create_user(username="reader")


@pytest.fixture
def other() -> User:
    return User.objects.create_user(username="other")


def notify(user: User, number: str, subject_id: str = "12") -> OutboxMessage:
    [message] = outbox_queue(
        event="hardship.payment_requested",
        subject=("cases.case", subject_id),
        recipients=[user],
        payload={"number": number, "amount": "500.00"},
    )
    return message


def unread_of(*users: User) -> list[tuple[int, bool]]:
    rows = OutboxMessage.objects.filter(recipient__in=users).order_by("pk").values_list("pk", "read_at")
    return [(pk, read_at is None) for pk, read_at in rows]


def test_the_list_is_the_callers_own_newest_first_with_their_texts(api, reader, other):
    first, second = notify(reader, "N1"), notify(reader, "N2", "13")
    notify(other, "THEIRS")
    body = as_user(api, reader).get(LIST).json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]
    row = body["results"][1]
    assert row["title"] == "待审核发放：N1，500.00元"
    assert row["body"] == "案件N1申请发放帮扶资金500.00元，请审核。"
    assert row["link"] == "/cases/12/"
    assert (row["event"], row["subject_type"], row["subject_id"]) == ("hardship.payment_requested", "cases.case", "12")
    assert row["unread"] is True and row["read_at"] is None
    english = as_user(APIClient(), reader).get(LIST, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["results"][1]["title"] == "Payment to review: N1, ¥500.00"


def test_the_unread_filter(api, reader):
    read, unread = notify(reader, "N1"), notify(reader, "N2")
    OutboxMessage.objects.filter(pk=read.pk).update(read_at="2026-11-25T10:00:00+08:00")
    as_user(api, reader)
    assert [r["id"] for r in api.get(LIST, {"unread": "true"}).json()["results"]] == [unread.pk]
    assert [r["id"] for r in api.get(LIST, {"unread": "false"}).json()["results"]] == [read.pk]
    assert {r["id"] for r in api.get(LIST).json()["results"]} == {read.pk, unread.pk}


@pytest.mark.parametrize("value", ["yes", "", "TRUE", "1"])
def test_a_bad_unread_value_is_a_400_naming_it(api, reader, value):
    notify(reader, "N1")
    response = as_user(api, reader).get(LIST, {"unread": value})
    assert response.status_code == 400
    body = response.json()
    assert is_error(body, "invalid") and "unread" in body["fields"]


def test_mark_one_read(api, reader, other):
    mine, also_mine, theirs = notify(reader, "N1"), notify(reader, "N2"), notify(other, "N3")
    response = as_user(api, reader).post(f"{LIST}{mine.pk}/read/")
    assert response.status_code == 200
    assert response.json()["id"] == mine.pk and response.json()["unread"] is False
    assert response.json()["title"] == "待审核发放：N1，500.00元"
    assert unread_of(reader, other) == [(mine.pk, False), (also_mine.pk, True), (theirs.pk, True)]
    first = OutboxMessage.objects.get(pk=mine.pk).read_at
    again = api.post(f"{LIST}{mine.pk}/read/")
    assert again.status_code == 200
    assert OutboxMessage.objects.get(pk=mine.pk).read_at == first


def test_someone_elses_notification_is_not_found_and_unchanged(api, reader, other):
    notify(reader, "N1")
    theirs = notify(other, "N2")
    before = unread_of(reader, other)
    for pk in (theirs.pk, theirs.pk + 1000):
        response = as_user(api, reader).post(f"{LIST}{pk}/read/")
        assert response.status_code == 404 and is_error(response.json(), "not_found")
    assert unread_of(reader, other) == before


def test_mark_all_read_marks_only_the_callers(api, reader, other):
    notify(reader, "N1")
    notify(reader, "N2")
    notify(other, "N3")
    response = as_user(api, reader).post(f"{LIST}read-all/")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert [unread for _pk, unread in unread_of(reader)] == [False, False]
    assert [unread for _pk, unread in unread_of(other)] == [True]
    assert api.post(f"{LIST}read-all/").json() == {"marked": 0}


def test_signed_out_callers_get_nothing_and_change_nothing(api, reader):
    mine = notify(reader, "N1")
    for response in (api.get(LIST), api.post(f"{LIST}{mine.pk}/read/"), api.post(f"{LIST}read-all/")):
        assert response.status_code in (401, 403)
        assert "N1" not in response.content.decode()
    assert unread_of(reader) == [(mine.pk, True)]
