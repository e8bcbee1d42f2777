"""Pieces of the web layer's hardening that settings name by path.

- ``client_ip``: the address django-axes counts failures against. ``REMOTE_ADDR``
  unless the deployment says it sits behind reverse proxies
  (``AXES_IPWARE_PROXY_COUNT``); django-ipware is not installed, so axes would
  otherwise ignore its ``AXES_IPWARE_*`` settings silently.
- ``swagger_ui_csp``: the one exception to the Content-Security-Policy, for the
  Swagger UI page only (drf-spectacular's template carries a small inline
  ``<style>`` block); it allows exactly that block by its hash.
- ``csrf_failure``: the page for a form whose CSRF token is missing or stale, in
  the site's layout and the user's language (JSON under /api/).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import drf_spectacular
from csp.decorators import csp_update
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from casework.api.errors import body


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for django-axes.

    With ``AXES_IPWARE_PROXY_COUNT`` = N > 0, the first header named in
    ``AXES_IPWARE_META_PRECEDENCE_ORDER`` that is present (e.g.
    ``HTTP_X_FORWARDED_FOR``) is read, and the N-th entry from its right end is
    taken: each trusted proxy appends the address it saw, so that entry was
    written by our outermost proxy and cannot be forged by the client (entries
    further left can). A header too short or malformed falls back to
    ``REMOTE_ADDR``, never to a client-supplied value.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.AXES_IPWARE_PROXY_COUNT or 0
    if count <= 0:
        return remote
    for header in settings.AXES_IPWARE_META_PRECEDENCE_ORDER:
        if header == "REMOTE_ADDR":
            break
        value = request.META.get(header)
        if not value:
            continue
        hops = [hop for hop in (part.strip() for part in value.split(",")) if hop]
        if len(hops) >= count:
            return _valid_ip(hops[-count]) or remote
        break
    return remote


@cache
def swagger_ui_style_hash() -> str:
    """The CSP source for the inline ``<style>`` of drf-spectacular's Swagger UI
    template, read from the installed template (it follows upgrades)."""
    template = Path(drf_spectacular.__file__).parent / "templates" / "drf_spectacular" / "swagger_ui.html"
    match = re.search(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), flags=re.S)
    if match is None:  # a later drf-spectacular without the block: nothing to allow
        return ""
    digest = hashlib.sha256(match.group(1).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def swagger_ui_csp(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap the Swagger UI view (``SpectacularSwaggerSplitView.as_view(...)``).

    The split view already serves its start-up script as a file, so scripts
    stay ``'self'``; only the template's inline style block is allowed, by hash
    (no ``'unsafe-inline'``). Every other page keeps the strict policy."""
    source = swagger_ui_style_hash()
    if not source:
        return view
    return csp_update({"style-src": [source]})(view)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: most often a page left open
    across a sign-in or sign-out. Says what to do; Django's reason is not shown."""
    message = _("表单已失效（安全校验未通过），请返回上一页，刷新后重新提交。")
    if request.path.startswith("/api/"):
        return JsonResponse(body("csrf_failed", message), status=403)
    return render(request, "403.html", {"message": message}, status=403)
