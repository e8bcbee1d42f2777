"""One shape for every API error: ``{"error", "message", "fields"}``.

A domain error keeps its stable code and its field; DRF's own errors get a
code of their kind. An object outside the caller's scope and one that does
not exist give the same 404 body.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from casework.errors import CaseworkError

KINDS: list[tuple[type[Exception], str]] = [
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "not_authenticated"),
    (exceptions.PermissionDenied, "not_allowed"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
    (exceptions.ParseError, "parse_error"),
    (exceptions.ValidationError, "invalid"),
]


def body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": code, "message": message, "fields": fields or {}}


def flat_fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF nests errors of lists and objects; the error body names each field
    flat, the way a form would: ``household[0].id_number``."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and detail and all(isinstance(x, str) for x in detail):
        return {prefix or "non_field_errors": [str(x) for x in detail]}
    elif isinstance(detail, list):
        items = ((f"[{i}]", x) for i, x in enumerate(detail))  # type: ignore[assignment]
    else:
        return {prefix or "non_field_errors": [str(detail)]}
    flat: dict[str, list[str]] = {}
    for key, value in items:
        key = str(key)
        if key.isdigit():
            key = f"[{key}]"
        name = f"{prefix}{key}" if key.startswith("[") or not prefix else f"{prefix}.{key}"
        flat.update(flat_fields(value, name))
    return flat


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, CaseworkError):
        fields = {exc.field: [str(exc.message)]} if exc.field else {}
        return Response(body(exc.code, str(exc.message), fields), status=exc.http_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_handler(exc, context)
    if response is None:
        return None
    code = next((name for kind, name in KINDS if isinstance(exc, kind)), "error")
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = body(code, _("请求数据有误，请按字段提示改正。"), flat_fields(detail))
    elif isinstance(exc, exceptions.NotFound):
        response.data = body(code, _("未找到。"))
    else:
        message = str(exc.detail) if isinstance(exc, exceptions.APIException) else ""
        response.data = body(code, message)
    return response
