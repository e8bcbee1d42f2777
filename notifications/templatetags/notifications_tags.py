"""The bell of the base layout."""

from __future__ import annotations

from typing import Any

from django import template

from notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """The signed-in user's unread notifications: one query, once per request."""
    request: Any = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_notifications_unread", None)
    if cached is None:
        cached = unread_count(user)
        request._notifications_unread = cached
    return int(cached)
