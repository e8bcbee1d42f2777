"""Fixtures of the page tests: a small unit tree and users with memberships."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casework.accounts.models import User
from casework.org.models import Membership, Unit, UnitKind
from tests.web.helpers import make_unit


@pytest.fixture
def tree(db: None) -> dict[str, Unit]:
    district = make_unit("D01", "滨江区总工会", UnitKind.DISTRICT)
    street = make_unit("S01", "长河街道总工会", UnitKind.STREET, district)
    enterprise = make_unit("E01", "江南机械厂工会", UnitKind.ENTERPRISE, street)
    return {"district": district, "street": street, "enterprise": enterprise}


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """``make_user(username, (role, unit), …, password=None, **fields)``: a user holding those roles now."""

    def make(username: str, *roles_at: tuple[str, Unit], password: str | None = None, **extra: object) -> User:
        user = User.objects.create_user(username=username, password=password, **extra)  # type: ignore[arg-type]
        for role, unit in roles_at:
            Membership.objects.create(user=user, unit=unit, role=role)
        return user

    return make
