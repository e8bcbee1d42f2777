"""Webhook signatures: ``X-Casework-Signature: t=<unix seconds>,v1=<hex>``,
where ``<hex>`` is HMAC-SHA256, keyed with the subscriber's secret, of the
timestamp, a dot and the exact request body: ``f"{t}.".encode() + body``.
A receiver recomputes it, compares in constant time and refuses old
timestamps (replays). ``verify`` is that check, for receivers in Python and
for the tests."""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-Casework-Signature"
DEFAULT_TOLERANCE = 300  # seconds either side of now


def signature(secret: str, body: bytes, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value for ``body`` sent at ``timestamp`` (now by default)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={signature(secret, body, stamp)}"


def verify(
    secret: str, body: bytes, header: str, *, tolerance: int = DEFAULT_TOLERANCE, now: float | None = None
) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of ``now``."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _eq, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    stamps = parts.get("t", [])
    if len(stamps) != 1 or not stamps[0].isascii() or not stamps[0].isdigit():
        return False
    stamp = int(stamps[0])
    if abs((time.time() if now is None else now) - stamp) > tolerance:
        return False
    expected = signature(secret, body, stamp).encode()
    # Compared as bytes: compare_digest raises TypeError on non-ASCII str, and
    # a forged header must be refused, not crash the receiver.
    return any(hmac.compare_digest(expected, given.encode()) for given in parts.get("v1", []))
