"""Whether the navigation offers the campaigns (集中要约)."""

from __future__ import annotations

from django import template

from permissions.roles import ROLES, UPPER, Reach

register = template.Library()


@register.simple_tag(takes_context=True)
def sees_campaigns(context: template.Context) -> bool:
    """Whether one of the signed-in user's current roles sees cases from a
    district or city down: campaigns are placed at their district, so a
    street's or an enterprise's roles never see one (the list is scoped anyway)."""
    from casework.org.selectors import current_memberships

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return any(
        "case.view" in ROLES[m.role].actions and ROLES[m.role].reach is Reach.SUBTREE and m.unit.kind in UPPER
        for m in current_memberships(user)
    )
