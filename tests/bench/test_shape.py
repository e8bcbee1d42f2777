"""bench/shape.py: what CI checks of the benchmark's JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bench.shape import SHAPE, correctness_problems, shape_problems

EXAMPLE = Path(__file__).with_name("bench-small.json")


def example() -> dict[str, Any]:
    return dict(json.loads(EXAMPLE.read_text()))


def test_a_real_run_has_the_shape() -> None:
    report = example()
    assert shape_problems(report) == []
    assert correctness_problems(report) == []


@pytest.mark.parametrize("key", sorted(SHAPE))
def test_a_missing_key_is_named(key: str) -> None:
    report = example()
    del report[key]
    assert shape_problems(report) == [f"{key}: missing"]


def test_a_nested_key_of_the_wrong_kind_is_named() -> None:
    report = example()
    report["inbox_ms"]["district_approver"]["p95"] = "fast"
    report["ledger_verify"]["entries"] = True
    assert shape_problems(report) == [
        "inbox_ms.district_approver.p95: expected int/float, got str",
        "ledger_verify.entries: expected int, got bool",
    ]


def test_a_lost_transition_or_a_broken_chain_fails() -> None:
    report = copy.deepcopy(example())
    report["transitions_check"].update(recorded=report["transitions_check"]["reported"] - 1, lost=1)
    report["ledger_verify"]["ok"] = False
    assert correctness_problems(report) == [
        "transitions_check.lost: 1",
        f"transitions_check: reported {report['transitions_check']['reported']}, "
        f"recorded {report['transitions_check']['recorded']}",
        "ledger_verify.ok: not true",
    ]
