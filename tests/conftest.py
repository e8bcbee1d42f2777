"""Fixtures every test shares."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

# The unit tree with a person, trail entry and membership at each unit, and users by role.
pytest_plugins = ["tests.world"]


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language (Simplified Chinese).

    The test client's LocaleMiddleware activates the request's language in the
    test's own thread; without this reset a test that asked for English would
    leak it into the next test's error messages.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def migration_rows(transactional_db: None) -> None:
    """The rows migrations seed (the calendar, the honour types), for a
    ``transaction=True`` test.

    Such tests end with a flush that empties every table, migration data
    included, so a later transactional test that reads them asks for this
    fixture (Django's ``serialized_rollback`` would do the same but collides
    with the content types its post-migrate flush recreates).
    """
    from django.apps import apps

    from casework.calendar.models import CalendarYear
    from casework.honours.models import HonourType

    if not CalendarYear.objects.exists():
        import_module("casework.calendar.migrations.0002_seed_chinese_calendar").seed(apps, None)
    if not HonourType.objects.exists():
        import_module("casework.honours.migrations.0002_honour_types").add(apps, None)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """``MEDIA_ROOT`` (where case documents are stored) for this test only:
    every test, so none writes under var/ (the demo seed attaches letters)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)
