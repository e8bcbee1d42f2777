"""Sending notification tasks to the broker without ever holding up a request.

After commit, a request publishes one task per announced change. If the
broker is down, that publish fails at once (no connection retries, a short
socket timeout) and is logged; the row stays undelivered and the sweep
(``notifications.deliver_pending``, every minute) sends it later. Each
thread keeps one such connection and drops it after an error. Without a
broker (the demo) tasks run here and now, as Celery's eager mode does.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from typing import Any

from django.conf import settings

from casework.celery import app

logger = logging.getLogger(__name__)
_local = threading.local()


def _connection() -> Any:
    connection = getattr(_local, "connection", None)
    if connection is None:
        timeout = settings.NOTIFICATIONS_PUBLISH_TIMEOUT
        # kombu: fail on the first refused connection instead of retrying it.
        options = {**(app.conf.broker_transport_options or {}), "max_retries": 0}
        if str(app.conf.broker_url or "").startswith(("redis://", "rediss://")):
            options |= {"socket_connect_timeout": timeout, "socket_timeout": timeout}
        connection = app.connection_for_write(connect_timeout=timeout, transport_options=options)
        _local.connection = connection
    return connection


def reset() -> None:
    """Forget this thread's connection (after an error, a fork, or a test changing the broker)."""
    connection = getattr(_local, "connection", None)
    _local.connection = None
    if connection is not None:
        with contextlib.suppress(Exception):  # a broken connection may fail to close too
            connection.release()


os.register_at_fork(after_in_child=lambda: setattr(_local, "connection", None))


def publish(task: Any, *args: Any, quiet: bool = False) -> bool:
    """Send ``task(*args)`` to the notifications queue; True when sent (or
    run, in eager mode). With ``quiet`` a failure is logged and False
    returned instead of raised."""
    options: dict[str, Any] = {"retry": False}
    if settings.NOTIFICATIONS_QUEUE:
        options["queue"] = settings.NOTIFICATIONS_QUEUE
    try:
        if app.conf.task_always_eager:
            task.apply_async(args=args, **options)
        else:
            task.apply_async(args=args, connection=_connection(), **options)
    except Exception:
        if not app.conf.task_always_eager:
            reset()
        if not quiet:
            raise
        logger.warning("notifications: could not send %s%r; the sweep will", task.name, args, exc_info=True)
        return False
    return True
