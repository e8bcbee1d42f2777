"""Drawing a step's fields from its JSON Schema, one way for every flow."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join

from casework.cases.selectors import state_label
from permissions.roles import ROLES

register = template.Library()


@register.filter
def case_state(case: Any) -> str:
    return state_label(case)


@register.filter
def role_label(code: str) -> str:
    role = ROLES.get(code)
    return str(role.label) if role else code


@register.simple_tag
def step_properties(transition: Any, case: Any) -> list[tuple[str, dict[str, Any]]]:
    """The step's data fields, with the case's current choices (``Transition.options``)."""
    return list(transition.schema_for(case).get("properties", {}).items())


@register.simple_tag
def step_field(name: str, spec: dict[str, Any], posted: Any = None, error: Any = None) -> str:
    field = f"data.{name}"
    value = posted.get(field, "") if posted else ""
    label = str(spec.get("title", name))
    if spec.get("oneOf"):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((o["const"], " selected" if str(o["const"]) == str(value) else "", o["title"]) for o in spec["oneOf"]),
        )
        control = format_html('<select name="{}">{}</select>', field, options)
    elif spec.get("format") == "date":
        control = format_html('<input type="date" name="{}" value="{}">', field, value)
    elif spec.get("type") == "integer":
        control = format_html('<input type="number" min="0" name="{}" value="{}">', field, value)
    else:
        control = format_html('<textarea name="{}" rows="3">{}</textarea>', field, value)
    message = ""
    if error is not None and getattr(error, "field", None) == name:
        message = format_html('<p class="field-error">{}</p>', error.message)
    return format_html("<label>{}{}</label>{}", label, control, message)
