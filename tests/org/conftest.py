"""Fixtures for the unit tree: an administrator, a small tree built through
the services, and a snapshot of everything a service could change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from casework.accounts.models import User
from casework.ledger.models import LedgerEntry
from casework.org.models import Membership, Unit, UnitKind
from casework.org.services import unit_create


@dataclass
class Tree:
    """city C1 > district D1 > street S1 > enterprises E1, E2
                              > park P1 > institution I1
    city C2 (empty), district D2 (a root, with street S2)"""

    c1: Unit
    c2: Unit
    d1: Unit
    d2: Unit
    s1: Unit
    s2: Unit
    p1: Unit
    e1: Unit
    e2: Unit
    i1: Unit


def snapshot() -> dict[str, Any]:
    """Every row a service of this app may write, and the ledger's length."""
    return {
        "units": [dict(row) for row in Unit.objects.order_by("pk").values()],
        "memberships": [dict(row) for row in Membership.objects.order_by("pk").values()],
        "ledger": LedgerEntry.objects.count(),
    }


@pytest.fixture
def admin(db: None) -> User:
    # No password: hashing one costs a tenth of a second per test; admin tests force_login.
    return User.objects.create_user(username="org-admin", password=None, is_staff=True)


@pytest.fixture
def worker(db: None) -> User:
    return User.objects.create_user(username="org-worker", password=None)


@pytest.fixture
def tree(admin: User) -> Tree:
    def make(code: str, kind: str, parent: Unit | None) -> Unit:
        return unit_create(code=code, name=f"单位{code}", kind=kind, parent=parent, by=admin)

    c1 = make("C1", UnitKind.CITY, None)
    c2 = make("C2", UnitKind.CITY, None)
    d1 = make("D1", UnitKind.DISTRICT, c1)
    d2 = make("D2", UnitKind.DISTRICT, None)
    s1 = make("S1", UnitKind.STREET, d1)
    s2 = make("S2", UnitKind.STREET, d2)
    p1 = make("P1", UnitKind.PARK, d1)
    e1 = make("E1", UnitKind.ENTERPRISE, s1)
    e2 = make("E2", UnitKind.ENTERPRISE, s1)
    i1 = make("I1", UnitKind.INSTITUTION, p1)
    return Tree(c1=c1, c2=c2, d1=d1, d2=d2, s1=s1, s2=s2, p1=p1, e1=e1, e2=e2, i1=i1)


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def expected_path(*units: Unit) -> str:
    """The path a unit under ``units`` (top first) must have, spelled out
    here instead of calling Unit.segment."""
    return "/" + "".join(f"{unit.pk:08d}/" for unit in units)
