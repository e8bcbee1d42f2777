"""Passwords pass Django's validators (at least 10 characters) or nothing is written."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.conf import settings

from casework.accounts.models import User
from casework.accounts.services import user_account_create
from casework.errors import RuleViolation
from casework.ledger.models import LedgerEntry


def test_the_minimum_length_is_ten():
    validators = cast(list[dict[str, Any]], settings.AUTH_PASSWORD_VALIDATORS)
    (length,) = [v for v in validators if v["NAME"].endswith("MinimumLengthValidator")]
    assert length["OPTIONS"] == {"min_length": 10}


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("Kx7#mPz2!", "10"),  # nine characters, otherwise strong
        ("1234567890123", "数字"),  # numbers only
        ("password123", "常见"),  # a common password
        ("newbie-clerk", "相似"),  # too close to the username
    ],
)
def test_a_weak_password_is_refused_with_a_field_error_and_nothing_is_written(db, password, says):
    users, entries = User.objects.count(), LedgerEntry.objects.count()
    with pytest.raises(RuleViolation) as error:
        user_account_create(username="newbie-clerk", password=password, by=None)
    assert error.value.field == "password"
    assert error.value.code == "accounts.password_rejected"
    assert says in str(error.value)
    assert (User.objects.count(), LedgerEntry.objects.count()) == (users, entries)
    assert not User.objects.filter(username="newbie-clerk").exists()


def test_a_ten_character_password_is_accepted(db):
    entries = LedgerEntry.objects.count()
    user = user_account_create(username="newbie-clerk", password="Kx7#mPz2!q", by=None)
    assert user.check_password("Kx7#mPz2!q")
    assert LedgerEntry.objects.count() == entries + 1
