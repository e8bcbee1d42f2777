"""Fixtures for the hardening tests: a caseworker with a known password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from casework.accounts.models import User

PASSWORD = "security-test-pass-2026"


@pytest.fixture
def make_member(world: Any, user_with: Callable[..., User]) -> Callable[[], User]:
    """Each call: a new street caseworker at S1 whose password is PASSWORD."""

    def make() -> User:
        user = user_with("street_caseworker", world.units["S1"])
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def member(make_member: Callable[[], User]) -> User:
    return make_member()


def sign_in(client: Client, username: str, password: str, path: str = "/accounts/login/", **extra: Any) -> Any:
    return client.post(path, {"username": username, "password": password}, **extra)
