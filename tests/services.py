"""Skip-or-fail for tests that need real parts.

``make test`` on a laptop skips what it cannot reach, with a visible reason;
``.ci/run`` sets ``CASEWORK_REQUIRE_SERVICES=1`` so the same test fails
instead: CI never skips PostgreSQL, Redis or the browser.
"""

from __future__ import annotations

import os
import shutil
import socket
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

REQUIRED = os.environ.get("CASEWORK_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"required by CI but unavailable: {reason}")
    pytest.skip(reason)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://… (SQLite in use)")


def redis_url() -> str:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        _missing("needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0")
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1).close()
    except OSError as exc:
        _missing(f"Redis at {url} unreachable: {exc}")
    return url


def require_chromium() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        _missing(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM if os.path.exists(CHROMIUM) else str(shutil.which("chromium"))


def require_gettext() -> None:
    # CI installs gettext (.ci/run); a laptop without it skips with this reason.
    if not (shutil.which("msgfmt") and shutil.which("xgettext")):
        _missing("needs GNU gettext (msgfmt, xgettext): apt-get install gettext")


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as poppler's pdftotext extracts it (CJK included
    when the font is embedded with its Unicode map)."""
    import subprocess

    if not shutil.which("pdftotext"):
        _missing("needs poppler's pdftotext: apt-get install poppler-utils")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pdf_fonts(pdf: bytes, tmp_path: Any) -> str:
    """poppler's pdffonts listing of a PDF: the fonts its pages use, embedded or not."""
    import subprocess

    if not shutil.which("pdffonts"):
        _missing("needs poppler's pdffonts: apt-get install poppler-utils")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode()
