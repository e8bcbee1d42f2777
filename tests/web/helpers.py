"""Rows for the page tests, made directly with the ORM (the org services are
another issue's work; these tests only need rows)."""

from __future__ import annotations

from casework.org.models import Unit

PASSWORD = "web-test-pass-2026"


def make_unit(code: str, name: str, kind: str, parent: Unit | None = None) -> Unit:
    """A unit with its materialized path, the way the org services store it."""
    unit = Unit.objects.create(code=code, name=name, kind=kind, parent=parent, path=f"pending:{code}")
    unit.path = (parent.path if parent else "/") + Unit.segment(unit.pk)
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    return unit
