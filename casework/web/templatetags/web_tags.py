"""Template tags of the base layout."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.functional import Promise

from casework.web.selectors import user_role_labels

register = template.Library()


@register.simple_tag(takes_context=True)
def current_roles(context: template.Context) -> list[tuple[str | Promise, str]]:
    """(role label, unit name) of the signed-in user's current memberships, once per request."""
    request: Any = context.get("request")
    if request is None:
        return []
    # Cached on the request: the header may be rendered by more than one include.
    cached = getattr(request, "_web_current_roles", None)
    if cached is None:
        cached = user_role_labels(user=request.user)
        request._web_current_roles = cached
    return cached
