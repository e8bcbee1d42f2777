"""Selectors: the subtree query, current memberships, lookup by code."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.accounts.models import User
from casework.org.selectors import current_memberships, unit_by_code, units_under
from casework.org.services import membership_end, membership_grant, unit_close
from tests.org.conftest import Tree

pytestmark = pytest.mark.django_db


def test_units_under_is_one_query_in_tree_order(tree: Tree) -> None:
    with CaptureQueriesContext(connection) as queries:
        codes = list(units_under(tree.d1).values_list("code", flat=True))
    assert codes == ["D1", "S1", "E1", "E2", "P1", "I1"]
    assert len(queries.captured_queries) == 1
    assert "LIKE" in queries.captured_queries[0]["sql"].upper()


def test_units_under_options(admin: User, tree: Tree) -> None:
    unit_close(unit=tree.e2, closed_on=date(2024, 1, 1), reason="注销", by=admin)
    assert list(units_under(tree.s1, include_self=False).values_list("code", flat=True)) == ["E1", "E2"]
    assert list(units_under(tree.s1, open_only=True).values_list("code", flat=True)) == ["S1", "E1"]
    assert list(units_under(tree.e1).values_list("code", flat=True)) == ["E1"]
    assert list(units_under(tree.c2).values_list("code", flat=True)) == ["C2"]


def test_ancestors_follow_the_path(tree: Tree) -> None:
    assert list(tree.e1.ancestors().values_list("code", flat=True)) == ["C1", "D1", "S1", "E1"]


def test_current_memberships(admin: User, worker: User, tree: Tree) -> None:
    now = timezone.now()
    chair = membership_grant(user=worker, unit=tree.e1, role="enterprise_chair", by=admin)
    later = membership_grant(
        user=worker, unit=tree.s1, role="street_caseworker", valid_from=now + timedelta(days=2), by=admin
    )
    ended = membership_grant(user=worker, unit=tree.d1, role="auditor", by=admin)
    membership_end(membership=ended, reason="调离", by=admin)
    membership_grant(user=admin, unit=tree.d1, role="auditor", by=None)  # someone else's

    assert list(current_memberships(worker)) == [chair]
    assert list(current_memberships(worker, at=now + timedelta(days=3))) == [later, chair]  # tree order: S1 before E1
    with CaptureQueriesContext(connection) as queries:
        units = [membership.unit.code for membership in current_memberships(worker)]
    assert units == ["E1"] and len(queries.captured_queries) == 1


def test_unit_by_code(tree: Tree) -> None:
    assert unit_by_code(" S1 ") == tree.s1
    assert unit_by_code("s1") is None
    assert unit_by_code("nope") is None
