from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from casework.accounts.models import User
from casework.calendar import clear_cache

# The 2027 notice as an administrator would enter it in these tests. Not
# official data: the tests only need a plausible year the package lacks.
HOLIDAYS_2027 = {
    date(2027, 1, 1): "元旦",
    **{date(2027, 2, d): "春节" for d in range(6, 14)},
    **{date(2027, 10, d): "国庆节" for d in range(1, 8)},
}
WORKDAYS_2027 = {date(2027, 2, 14): "春节", date(2027, 9, 26): "国庆节", date(2027, 10, 9): "国庆节"}


@pytest.fixture(autouse=True)
def fresh_calendar_cache() -> Iterator[None]:
    # Each test's writes roll back at its end; the in-process cache must not outlive them.
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def admin_user(db: None) -> User:
    # No password: hashing one would cost a tenth of a second per test; the admin tests force_login.
    return User.objects.create_user(username="calendar-admin", password=None, is_staff=True)
