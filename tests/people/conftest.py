"""Fixtures for the people registry: users, units, ID-number makers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from casework.accounts.models import User
from casework.org.models import Unit, UnitKind

# Written out here, apart from casework.people.idnumber, so the tests do not
# merely repeat the code under test (GB 11643 / ISO 7064 MOD 11-2).
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = {0: "1", 1: "0", 2: "X", 3: "9", 4: "8", 5: "7", 6: "6", 7: "5", 8: "4", 9: "3", 10: "2"}

# The standard's own example, and the classic 15 → 18 conversion example
# (born 1880: the year must not be capped at 1900).
STANDARD_EXAMPLE = "11010519491231002X"
OLD_EXAMPLE = "440524188001010014"


def id_number(region: str = "110105", born: date = date(1990, 3, 7), seq: int = 1) -> str:
    """A valid ID number; ``seq`` odd gives a man, even a woman."""
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def with_wrong_check(number: str) -> str:
    right = number[-1]
    return number[:-1] + ("0" if right != "0" else "1")


@pytest.fixture
def clerk(db: None) -> User:
    return User.objects.create_user(username="people-clerk", password=None)


@pytest.fixture
def make_unit(db: None) -> Callable[..., Unit]:
    def make(code: str, kind: str = UnitKind.ENTERPRISE, closed_on: date | None = None) -> Unit:
        unit = Unit.objects.create(code=code, name=f"单位{code}", kind=kind, path=f"/new-{code}/", closed_on=closed_on)
        unit.path = "/" + Unit.segment(unit.pk)
        unit.save(update_fields=["path"])
        return unit

    return make


@pytest.fixture
def employer(make_unit: Callable[..., Unit]) -> Unit:
    return make_unit("E001")
