"""The API tests' client; the unit tree and users come from tests/world.py
(``world``, ``user_with``), registered by tests/conftest.py."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api() -> APIClient:
    return APIClient()
