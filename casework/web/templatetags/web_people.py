from __future__ import annotations

from django import template

from casework.people.idnumber import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_id(value: str) -> str:
    return mask_id_number(value or "")


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.simple_tag(takes_context=True)
def holds_action(context: template.Context, action: str) -> bool:
    """Whether any of the signed-in user's current roles has ``action`` (for
    the navigation: which lists to offer; each list is scoped anyway)."""
    from casework.org.selectors import current_memberships
    from permissions.roles import ROLES

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    held: set[str] | None = getattr(request, "_casework_held_roles", None)
    if held is None:  # once per request, however many links ask
        held = {m.role for m in current_memberships(user)}
        request._casework_held_roles = held  # type: ignore[union-attr]
    return any(action in ROLES[role].actions for role in held)
