"""Fixtures the figures' tests share."""

from __future__ import annotations

import pytest


@pytest.fixture
def auditor(world, user_with):
    """The district's auditor: sees every street of D1."""
    return user_with("auditor", world.units["D1"])
