"""The in-app notifications: the user's own list, read marks, preferences.
Someone else's notification answers 404, the same as none."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.errors import RuleViolation
from notifications.selectors import notification_of_or_404, notifications_of, rendered
from notifications.services import notification_mark_read, notifications_mark_all_read, preference_of, preference_set

PAGE_SIZE = 30


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = reverse("notifications:list")
    return HttpResponseRedirect(target)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    return render(
        request,
        "notifications/list.html",
        {"page": page, "rows": rendered(page.object_list), "q": ""},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    message = notification_of_or_404(request.user, pk)  # type: ignore[arg-type]
    notification_mark_read(message=message, by=request.user)  # type: ignore[arg-type]
    return _back(request)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("已将%(n)d条通知标为已读。") % {"n": count})
    return _back(request)


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    preference = preference_of(request.user)  # type: ignore[arg-type]
    context = {"preference": preference, "languages": settings.LANGUAGES, "error": None}
    if request.method == "POST":
        try:
            preference_set(
                user=request.user,  # type: ignore[arg-type]
                email_enabled=request.POST.get("email_enabled") == "on",
                language=request.POST.get("language", ""),
                by=request.user,  # type: ignore[arg-type]
            )
        except RuleViolation as error:
            context["error"] = error
            return render(request, "notifications/preferences.html", context, status=400)
        messages.success(request, _("通知设置已保存。"))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", context)
