"""Check the shape of ``bench/run.py``'s JSON, not its timings (CI runs the
``small`` preset and this on its output):

    .venv/bin/python bench/shape.py var/bench.json

Exits 1 naming every key that is missing or of the wrong kind, and when a
transition was lost or doubled or the chain did not verify (those are
correctness, not speed).
"""

from __future__ import annotations

import json
import sys
from typing import Any

NUMBER = (int, float)
LATENCY = {"p50": NUMBER, "p95": NUMBER, "p99": NUMBER, "mean": NUMBER, "n": int}
ROLES = {"street_caseworker": LATENCY, "district_approver": LATENCY}
RATE = {"clients": int, "steps": int, "seconds": NUMBER, "per_s": NUMBER, "queries_per_step": NUMBER}
# Over HTTP the client cannot count the server's statements.
HTTP_RATE = {"clients": int, "steps": int, "seconds": NUMBER, "per_s": NUMBER}
SHAPE: dict[str, Any] = {
    "preset": str,
    "rows": {"people_person": int, "cases_case": int, "ledger_ledgerentry": int, "viewflow_task": int},
    "inbox_ms": ROLES,
    "case_list_filter_ms": ROLES,
    "case_page_ms": ROLES,
    "web_peak_rss_mb": NUMBER,
    "transitions": {"1": RATE, "4": RATE},
    "queries_per_transition": NUMBER,
    "transitions_check": {"reported": int, "recorded": int, "lost": int, "doubled": int},
    "peer_viewflow": {"1": RATE, "4": RATE},
    "transitions_http": {"1": HTTP_RATE, "4": HTTP_RATE},
    "peer_viewflow_http": {"1": HTTP_RATE, "4": HTTP_RATE},
    "pgbench_tps": {"1": NUMBER, "4": NUMBER},
    "ratios_at_4_clients": {
        "transitions_to_peer_tasks": NUMBER,
        "transitions_to_pgbench_tps": NUMBER,
        "http_transitions_to_peer_tasks": NUMBER,
    },
    "ledger_verify": {"ok": bool, "entries": int, "seconds": NUMBER, "entries_per_s": NUMBER},
    "member_import": {"rows": int, "seconds": NUMBER, "rows_per_s": NUMBER},
    "evidence_pack_200_entries_s": NUMBER,
    "district_figures": {"figures": int, "seconds": NUMBER, "slowest_ms": dict},
    "seconds": NUMBER,
}


def shape_problems(report: Any, shape: Any = SHAPE, where: str = "") -> list[str]:
    """What is missing or of the wrong kind in ``report``, as ``key.path: problem``."""
    if isinstance(shape, dict):
        if not isinstance(report, dict):
            return [f"{where or '(top)'}: not an object"]
        problems = []
        for key, inner in shape.items():
            path = f"{where}.{key}" if where else key
            if key not in report:
                problems.append(f"{path}: missing")
            else:
                problems += shape_problems(report[key], inner, path)
        return problems
    kinds = shape if isinstance(shape, tuple) else (shape,)
    # bool is an int to Python; a number must not be a boolean.
    if not isinstance(report, kinds) or (isinstance(report, bool) and bool not in kinds):
        return [f"{where}: expected {'/'.join(k.__name__ for k in kinds)}, got {type(report).__name__}"]
    return []


def correctness_problems(report: dict[str, Any]) -> list[str]:
    check = report.get("transitions_check", {})
    problems = [f"transitions_check.{k}: {check[k]}" for k in ("lost", "doubled") if check.get(k)]
    if check.get("reported") != check.get("recorded"):
        problems.append(f"transitions_check: reported {check.get('reported')}, recorded {check.get('recorded')}")
    if report.get("ledger_verify", {}).get("ok") is not True:
        problems.append("ledger_verify.ok: not true")
    return problems


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        report = json.loads(handle.read().strip().splitlines()[-1])
    problems = shape_problems(report)
    problems += correctness_problems(report) if not problems else []
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        raise SystemExit(1)
    print(f"bench JSON: shape ok ({report['preset']}, {report['seconds']} s)")


if __name__ == "__main__":
    main()
