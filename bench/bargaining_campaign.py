"""Benchmark ``campaign_start``: a district with N enterprises (each with its
union chair and registered members) under a few streets; start one campaign
over the whole district and print one line of JSON ``{enterprises, seconds,
queries, ...}``.

    createdb -h 127.0.0.1 -U postgres casework_campaign_bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework_campaign_bench DEBUG=1 \\
        .venv/bin/python bench/bargaining_campaign.py --enterprises 500

Migrates the database first (a no-op when current). Each run adds new
streets and enterprises (codes carry a random run id) to the one benchmark
district (case numbers are unique across districts, so one district per
database), and the campaign names its own enterprises by code, as an
uploaded list does; ``--by-range`` takes the whole district instead (on a
fresh database: earlier runs' enterprises would be skipped). ``seconds`` covers the whole call, checks,
the transaction and what runs after commit: with no ``CELERY_BROKER_URL``
(the demo's eager mode) that includes delivering every notification
in-process; with a broker it is sending them. The campaign page's figures
and the XLSX are timed too (``summary_seconds``, ``xlsx_seconds``), with
their query counts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from casework.accounts.models import User  # noqa: E402
from casework.bargaining.campaign_exports import campaign_workbook  # noqa: E402
from casework.bargaining.campaign_selection import Listed  # noqa: E402
from casework.bargaining.campaign_selectors import campaign_summary  # noqa: E402
from casework.bargaining.campaign_services import campaign_start  # noqa: E402
from casework.district.models import DistrictSetting  # noqa: E402
from casework.ledger.models import LedgerEntry  # noqa: E402
from casework.org.models import Membership, Unit, UnitKind  # noqa: E402
from casework.people.models import Person  # noqa: E402
from casework.people.rules import person_clean  # noqa: E402
from casework.people.synthetic import SERIALS, SyntheticPeople  # noqa: E402
from notifications.models import OutboxMessage  # noqa: E402


def unit(code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    made = Unit.objects.create(code=code, name=name, kind=kind, parent=parent, path=f"pending:{code}")
    made.path = (parent.path if parent else "/") + Unit.segment(made.pk)
    made.depth = parent.depth + 1 if parent else 0
    made.save(update_fields=["path", "depth"])
    return made


def district_with(
    run: str, enterprises: int, streets: int, members: int, rng: random.Random
) -> tuple[Unit, User, list[str]]:
    """The district (one per database: case numbers are unique across
    districts), new streets and enterprises, each with a chair and members;
    a caseworker of the district."""
    district = Unit.objects.filter(code="BENCH-CAMPAIGN").first()
    if district is None:
        district = unit("BENCH-CAMPAIGN", "基准测试区", UnitKind.DISTRICT, None)
        DistrictSetting.objects.create(
            district=district, key="bargaining.reply_days", value=20, effective_from=date(2020, 1, 1)
        )
    parents = [unit(f"BC{run}S{i:02d}", f"基准测试街道{run}-{i}", UnitKind.STREET, district) for i in range(streets)]
    people = SyntheticPeople(rng.randrange(2**32), first_serial=rng.randrange(SERIALS - enterprises * members))
    today = timezone.localdate()
    persons, chairs, codes = [], [], []
    for i in range(enterprises):
        enterprise = unit(f"BC{run}E{i:04d}", f"基准测试企业{i}", UnitKind.ENTERPRISE, parents[i % streets])
        codes.append(enterprise.code)
        chair = User.objects.create_user(username=f"bc{run}-chair-{i}")
        chairs.append(Membership(user=chair, unit=enterprise, role="enterprise_chair"))
        for _ in range(members):
            p = people.person(today=today)
            fields = {"name": p.name, "id_number": p.id_number, "mobile": p.mobile, "employer": enterprise}
            values, errors = person_clean({**fields, "is_member": True})
            assert not errors, errors
            persons.append(Person(**values))
    Person.objects.bulk_create(persons, batch_size=2000)
    Membership.objects.bulk_create(chairs)
    caseworker = User.objects.create_user(username=f"bc{run}-district")
    Membership.objects.create(user=caseworker, unit=district, role="district_caseworker")
    return district, caseworker, codes


@contextmanager
def counting() -> Iterator[Callable[[], int]]:
    """How many statements ran (a wrapper: no debug cursor, almost no cost)."""
    seen = 0

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal seen
        seen += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield lambda: seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--enterprises", type=int, default=500)
    parser.add_argument("--streets", type=int, default=10)
    parser.add_argument("--members", type=int, default=5, help="registered members per enterprise")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--by-range", action="store_true", help="every enterprise of the district, not a list")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    run = f"{rng.randrange(36**5):05d}"[-5:]
    district, caseworker, codes = district_with(run, args.enterprises, args.streets, args.members, rng)
    entries_before = LedgerEntry.objects.count()
    messages_before = OutboxMessage.objects.count()

    with counting() as queries:
        started = time.perf_counter()
        campaign = campaign_start(
            district=district,
            name=f"基准测试集中要约{run}",
            offer_served_on=timezone.localdate() - timedelta(days=1),
            listed=None if args.by_range else [Listed(i, code) for i, code in enumerate(codes, start=1)],
            by=caseworker,
        )
        seconds = time.perf_counter() - started
        start_queries = queries()
    with counting() as queries:
        started = time.perf_counter()
        summary = campaign_summary(caseworker, campaign)
        summary_seconds = time.perf_counter() - started
        summary_queries = queries()
    with counting() as queries:
        started = time.perf_counter()
        workbook = campaign_workbook(caseworker, campaign)
        xlsx_seconds = time.perf_counter() - started
        xlsx_queries = queries()
    report = {
        "enterprises": args.enterprises,
        "cases": summary.total,
        "seconds": round(seconds, 2),
        "cases_per_s": round(summary.total / seconds),
        "queries": start_queries,
        "selection": "range" if args.by_range else "list",
        "database": connection.vendor,
        "notifications": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "broker",
        "ledger_entries_written": LedgerEntry.objects.count() - entries_before,
        "notifications_queued": OutboxMessage.objects.count() - messages_before,
        "streets": len(summary.streets),
        "summary_seconds": round(summary_seconds, 3),
        "summary_queries": summary_queries,
        "xlsx_seconds": round(xlsx_seconds, 2),
        "xlsx_queries": xlsx_queries,
        "xlsx_bytes": len(workbook),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
