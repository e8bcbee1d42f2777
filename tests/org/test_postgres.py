"""PostgreSQL: the subtree query uses the path index, and racing writers
end with one consistent tree and no duplicate memberships."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from casework.accounts.models import User
from casework.errors import CaseworkError
from casework.ledger.models import LedgerEntry
from casework.ledger.verify import ledger_verify
from casework.org.models import Membership, Unit, UnitKind
from casework.org.selectors import units_under
from casework.org.services import membership_grant, unit_create, unit_move
from tests.services import require_postgres

pytestmark = pytest.mark.postgres

STREETS = 40
ENTERPRISES_PER_STREET = 100


def _bulk_tree(district: Unit) -> list[Unit]:
    """4,000 enterprises under 40 streets, written in bulk (the services would
    take minutes), with the paths the services would give them."""
    streets = Unit.objects.bulk_create(
        Unit(code=f"S{i}", name=f"街道{i}", kind=UnitKind.STREET, parent=district, path=f"#s{i}", depth=1)
        for i in range(STREETS)
    )
    for street in streets:
        street.path = district.path + Unit.segment(street.pk)
    Unit.objects.bulk_update(streets, ["path"])
    enterprises = Unit.objects.bulk_create(
        Unit(code=f"E{s}-{i}", name=f"企业{s}-{i}", kind=UnitKind.ENTERPRISE, parent=street, path=f"#e{s}-{i}", depth=2)
        for s, street in enumerate(streets)
        for i in range(ENTERPRISES_PER_STREET)
    )
    for enterprise in enterprises:
        enterprise.path = next(s.path for s in streets if s.pk == enterprise.parent_id) + Unit.segment(enterprise.pk)
    Unit.objects.bulk_update(enterprises, ["path"], batch_size=500)
    return streets


def _plan(sql: str, params: tuple[Any, ...]) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_units_under_uses_the_path_index() -> None:
    require_postgres()
    district = unit_create(code="D", name="区总", kind=UnitKind.DISTRICT, parent=None, by=None)
    streets = _bulk_tree(district)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE org_unit")
    query = units_under(streets[7])
    sql, params = query.query.sql_with_params()
    plan = _plan(sql, params)
    assert "org_unit_path_like" in plan, plan
    assert "Seq Scan on org_unit" not in plan, plan
    assert query.count() == 1 + ENTERPRISES_PER_STREET

    # Even forced away from a sequential scan, the index that serves LIKE is this one
    # (the unique index on path cannot: the database collation is not C).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "org_unit_path_like" in _plan(sql, params)


def _race(workers: list[Callable[[], Any]]) -> list[str]:
    barrier = threading.Barrier(len(workers))
    outcomes: list[str] = []

    def run(work: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            work()
            outcomes.append("ok")
        except CaseworkError as exc:
            outcomes.append(exc.code)
        except BaseException as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_racing_grants_make_one_membership() -> None:
    require_postgres()
    admin = User.objects.create_user(username="race-admin", password=None)
    worker = User.objects.create_user(username="race-worker", password=None)
    district = unit_create(code="D", name="区总", kind=UnitKind.DISTRICT, parent=None, by=admin)
    street = unit_create(code="S", name="街道", kind=UnitKind.STREET, parent=district, by=admin)

    def grant() -> None:
        membership_grant(user=worker, unit=street, role="street_caseworker", by=admin)

    assert _race([grant] * 4) == ["membership.duplicate"] * 3 + ["ok"]
    assert Membership.objects.filter(user=worker).count() == 1
    assert LedgerEntry.objects.filter(action="membership.granted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_crossing_moves_leave_a_consistent_tree() -> None:
    require_postgres()
    city_a = unit_create(code="CA", name="甲市", kind=UnitKind.CITY, parent=None, by=None)
    city_b = unit_create(code="CB", name="乙市", kind=UnitKind.CITY, parent=None, by=None)
    districts = [
        unit_create(code=f"D{i}", name=f"区{i}", kind=UnitKind.DISTRICT, parent=city_a, by=None) for i in range(4)
    ]
    for district in districts:
        street = unit_create(
            code=f"S-{district.code}", name=f"街道{district.code}", kind=UnitKind.STREET, parent=district, by=None
        )
        unit_create(code=f"E-{district.code}", name="企业", kind=UnitKind.ENTERPRISE, parent=street, by=None)

    def mover(unit: Unit, target: Unit) -> Callable[[], Any]:
        return lambda: unit_move(unit=Unit.objects.get(pk=unit.pk), new_parent=target, reason="调整", by=None)

    # Two moves of the same district race; a district moves while its street
    # moves out of it (overlapping subtrees, locked in path order).
    street_of_d1 = Unit.objects.get(code="S-D1")
    outcomes = _race(
        [
            mover(districts[0], city_b),
            mover(districts[0], city_b),
            mover(districts[1], city_b),
            mover(street_of_d1, districts[3]),
        ]
    )
    assert outcomes == ["ok", "ok", "ok", "unit.move_same_parent"]
    for unit in Unit.objects.select_related("parent"):
        expected = (unit.parent.path if unit.parent else "/") + Unit.segment(unit.pk)
        assert unit.path == expected, unit.code
        assert unit.depth == (unit.parent.depth + 1 if unit.parent else 0), unit.code
    assert sorted(units_under(city_b).values_list("code", flat=True)) == ["CB", "D0", "D1", "E-D0", "S-D0"]
    assert sorted(units_under(districts[3]).values_list("code", flat=True)) == ["D3", "E-D1", "E-D3", "S-D1", "S-D3"]
    assert ledger_verify().ok


@pytest.mark.django_db(transaction=True)
def test_racing_creations_of_one_code_make_one_unit() -> None:
    require_postgres()
    district = unit_create(code="D", name="区总", kind=UnitKind.DISTRICT, parent=None, by=None)
    # Different parents, so no shared parent lock serializes them: the unique index decides.
    streets = [
        unit_create(code=f"S{i}", name=f"街道{i}", kind=UnitKind.STREET, parent=district, by=None) for i in range(4)
    ]
    codes = ["EX", "ex", "EX", "Ex"]

    def creator(i: int) -> Callable[[], Any]:
        return lambda: unit_create(code=codes[i], name="企业", kind=UnitKind.ENTERPRISE, parent=streets[i], by=None)

    assert _race([creator(i) for i in range(4)]) == ["ok"] + ["unit.code_taken"] * 3
    assert Unit.objects.filter(code__iexact="ex").count() == 1
    assert LedgerEntry.objects.filter(action="unit.created", payload__code__iexact="ex").count() == 1
