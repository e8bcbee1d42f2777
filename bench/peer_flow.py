"""The benchmark's reference: what a team gets from viewflow alone.

A plain viewflow flow of three human steps on viewflow's own ``Process``,
with viewflow's recommended PostgreSQL lock and none of Casework's work: no
trail, no outbox, no scope or role checks, no deadlines. ``bench/run.py``
starts processes of it in a database of its own and completes their tasks
from separate OS processes, the same way it drives Casework's transitions,
so the two rates compare the work each does per step.

Viewflow finds a flow by its app (``<app_label>/<module>.<Flow>``), so the
processes that use it run with ``bench.peer_settings``, which adds this
folder to ``INSTALLED_APPS``; nothing in Casework's own settings knows it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS


class PeerFlow(flow.Flow):
    process_class = Process
    lock_impl = lock.SelectForUpdateLock()  # "Recommended to use with PostgreSQL" (viewflow.workflow.lock)

    start = flow.StartHandle().Next(this.prepare)
    # The views are never served: the benchmark completes the tasks from code.
    prepare = flow.View(flow.views.UpdateProcessView.as_view(fields=[])).Next(this.review)
    review = flow.View(flow.views.UpdateProcessView.as_view(fields=[])).Next(this.approve)
    approve = flow.View(flow.views.UpdateProcessView.as_view(fields=[])).Next(this.end)
    end = flow.End()


STEPS = 3


def peer_processes_start(count: int) -> list[int]:
    """Start ``count`` processes (each then waits at its first step)."""
    ids = []
    for _ in range(count):
        process: Any = PeerFlow.start.run()
        ids.append(process.pk)
    return ids


def peer_task_complete(process_id: int, user: Any) -> None:
    """Complete the open task of one process as viewflow's own task views
    would (assign, start, execute) under the flow's lock, in one transaction."""
    with transaction.atomic(), PeerFlow.lock(process_id):
        task = Task.objects.select_for_update().get(process_id=process_id, status=STATUS.NEW)
        activation = task.flow_task.activation_class(task)
        activation.assign(user)
        activation.start(None)
        activation.execute()
