"""The chain's check run in a new Python process on a test's database.

Checking in ranges forks worker processes, and ``verify._processes``
refuses to fork a process with other threads. A test session may hold
some: the browser tests' live server runs in a thread until the session
ends. A new process has none, like ``manage.py ledger_verify``.

Run as ``python -m tests.ledger.fresh_process DATABASE MIN_ENTRIES verify
CHUNK WORKERS [WITHIN]`` or ``... command ARG...``; prints one JSON object:
the result (or the command's exit code and summary) and the process counts
``ranges_in_processes`` was started with. WITHIN names where the check runs
when not in a plain process: ``atomic`` (a transaction), ``thread`` (beside
another thread), ``daemon`` (in a daemonic process, as a Celery prefork
worker's).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def in_a_fresh_process(min_entries: int, *command: str) -> dict[str, Any]:
    """Run ``command`` (see the module's docstring) in a new process on this
    test's database, which must hold the rows committed."""
    from django.conf import settings
    from django.db import connection

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "casework.settings", "SECRET_KEY": settings.SECRET_KEY}
    database = connection.settings_dict["NAME"]
    found = subprocess.run(
        [sys.executable, "-m", "tests.ledger.fresh_process", database, str(min_entries), *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert found.returncode == 0, found.stdout + found.stderr
    result: dict[str, Any] = json.loads(found.stdout.strip().splitlines()[-1])
    return result


@contextlib.contextmanager
def _within(where: str) -> Iterator[None]:
    from django.db import transaction

    from casework.ledger import verify

    if where == "atomic":
        with transaction.atomic():
            yield
    elif where == "thread":
        release = threading.Event()
        waiting = threading.Thread(target=release.wait)
        waiting.start()
        try:
            yield
        finally:
            release.set()
            waiting.join()
    elif where == "daemon":
        verify.multiprocessing.current_process().daemon = True
        yield
    else:
        assert not where, where
        yield


def main(database: str, min_entries: str, mode: str, *args: str) -> None:
    import django

    django.setup()
    from django.db import connection

    from casework.ledger import verify

    connection.settings_dict["NAME"] = database
    verify.PARALLEL_MIN_ENTRIES = int(min_entries)
    started: list[int] = []
    real = verify.ranges_in_processes

    def in_processes(ranges: Any, processes: int, *rest: Any) -> Any:
        started.append(processes)
        return real(ranges, processes, *rest)

    verify.ranges_in_processes = in_processes  # type: ignore[assignment]
    found: dict[str, Any]
    if mode == "verify":
        with _within(args[2] if len(args) > 2 else ""):
            found = {"result": verify.ledger_verify(int(args[0]), workers=int(args[1])).as_dict()}
    else:
        from tests.audit.test_integrity import run_command

        code, summary = run_command(*args)
        found = {"code": code, "summary": summary}
    print(json.dumps({**found, "started": started}, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
