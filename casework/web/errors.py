"""Error pages in the site's layout and language; under /api/ the API's JSON
body instead. Django calls these for errors no view answered itself."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from casework.api.errors import body


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _api(request):
        return JsonResponse(body("not_found", _("未找到。")), status=404)
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception is not None and str(exception) else _("您不能进行此操作。")
    if _api(request):
        return JsonResponse(body("not_allowed", message), status=403)
    return render(request, "403.html", {"message": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if _api(request):
        return JsonResponse(body("server_error", _("服务器出错，已记录，请稍后再试。")), status=500)
    return render(request, "500.html", status=500)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """django-axes' answer while a username and address are locked out: 429,
    as JSON under /api/, else a page in the user's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("登录失败次数过多，账号已锁定%(minutes)d分钟。如需提前解锁，请联系本单位的系统管理员。") % {
        "minutes": minutes
    }
    if _api(request):
        return JsonResponse(body("auth.locked_out", message), status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


def suspicious_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 (a request it refuses itself: too many fields, a
    malformed body). The reason is not shown: it is logged by Django."""
    return bad_request(request, _("请求无效，无法处理。"))


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if _api(request):
        return JsonResponse(body("invalid", message), status=400)
    return render(request, "403.html", {"message": message}, status=400)
