"""The rules of the unit tree, shared by the services, the admin forms and
the import.

Each check returns a ``FieldError`` (or None) instead of raising, so the
import can collect every broken rule of every row; the services raise the
first one as a ``RuleViolation``. Codes are stable: ``unit.<rule>`` and
``membership.<rule>``. Messages name the field, then the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.errors import RuleViolation
from casework.org.models import ALLOWED_CHILDREN, ROOT_KINDS, Unit, UnitKind

CODE_MAX_LENGTH = Unit._meta.get_field("code").max_length or 32
NAME_MAX_LENGTH = Unit._meta.get_field("name").max_length or 200
# Letters, digits and a few separators: codes are typed into files and URLs.
CODE_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.\-]*")
KIND_VALUES = frozenset(UnitKind.values)

# A closing unit may be merged only into a unit of the same tier.
MERGE_TIERS: dict[str, str] = {
    UnitKind.CITY: "city",
    UnitKind.DISTRICT: "district",
    UnitKind.STREET: "middle",
    UnitKind.PARK: "middle",
    UnitKind.ENTERPRISE: "grass_roots",
    UnitKind.INSTITUTION: "grass_roots",
}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One broken rule about one input."""

    field: str
    code: str
    message: str

    def as_violation(self) -> RuleViolation:
        return RuleViolation(self.message, code=self.code, field=self.field)


def raise_first(*errors: FieldError | None) -> None:
    for error in errors:
        if error is not None:
            raise error.as_violation()


def kind_label(kind: str) -> str:
    """The kind's label in the active language (the code itself if unknown)."""
    try:
        return str(UnitKind(kind).label)
    except ValueError:
        return kind


def _kind_list(kinds: frozenset[str] | tuple[str, ...]) -> str:
    ordered = [kind for kind in UnitKind.values if kind in kinds]
    return "、".join(kind_label(kind) for kind in ordered) or _("无")


def local_date(value: date) -> str:
    return value.isoformat()


def local_moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def code_clean(value: object) -> tuple[str, FieldError | None]:
    code = ("" if value is None else str(value)).strip()
    if not code:
        return code, FieldError("code", "unit.code_required", _("单位代码：必填。"))
    if len(code) > CODE_MAX_LENGTH:
        return code, FieldError(
            "code",
            "unit.code_too_long",
            _("单位代码：不能超过%(max)d个字符（现有%(length)d个）。") % {"max": CODE_MAX_LENGTH, "length": len(code)},
        )
    if not CODE_PATTERN.fullmatch(code):
        return code, FieldError(
            "code",
            "unit.code_invalid",
            _("单位代码：“%(code)s”不合规，只能由字母、数字和“-”“_”“.”组成，并以字母或数字开头。") % {"code": code},
        )
    return code, None


def code_taken_error(code: str, holder: Unit) -> FieldError:
    if holder.code == code:
        message = _("单位代码：“%(code)s”已被单位“%(name)s”使用，单位代码不能重复。")
    else:
        message = _("单位代码：“%(code)s”与已有单位“%(name)s”的代码“%(other)s”仅大小写不同，单位代码不能重复。")
    return FieldError("code", "unit.code_taken", message % {"code": code, "name": holder.name, "other": holder.code})


def name_clean(value: object) -> tuple[str, FieldError | None]:
    name = " ".join(("" if value is None else str(value)).split())
    if not name:
        return name, FieldError("name", "unit.name_required", _("名称：必填。"))
    if len(name) > NAME_MAX_LENGTH:
        return name, FieldError(
            "name",
            "unit.name_too_long",
            _("名称：不能超过%(max)d个字符（现有%(length)d个）。") % {"max": NAME_MAX_LENGTH, "length": len(name)},
        )
    return name, None


def name_taken_error(name: str, parent_name: str | None) -> FieldError:
    if parent_name is None:
        message = _("名称：已有同名的顶层单位“%(name)s”，同一上级单位下的单位不能同名。") % {"name": name}
    else:
        message = _("名称：上级单位“%(parent)s”下已有同名单位“%(name)s”，同一上级单位下的单位不能同名。") % {
            "parent": parent_name,
            "name": name,
        }
    return FieldError("name", "unit.name_taken", message)


def kind_error(kind: str) -> FieldError | None:
    if kind in KIND_VALUES:
        return None
    return FieldError(
        "kind",
        "unit.kind_unknown",
        _("类型：未知的单位类型“%(kind)s”，可选：%(choices)s。") % {"kind": kind, "choices": _kind_list(KIND_VALUES)},
    )


def placement_error(kind: str, parent_kind: str | None, *, moving: bool = False) -> FieldError | None:
    """May a unit of ``kind`` sit directly under a unit of ``parent_kind``
    (None: at the top of the tree)? Reported under ``parent`` / ``kind`` when
    creating, under ``new_parent`` when moving."""
    if parent_kind is None:
        if kind in ROOT_KINDS:
            return None
        params = {"kind": kind_label(kind), "roots": _kind_list(ROOT_KINDS)}
        if moving:
            message = _("新上级单位：%(kind)s必须有上级单位，只有%(roots)s可以作为顶层单位。")
        else:
            message = _("上级单位：%(kind)s必须有上级单位，只有%(roots)s可以作为顶层单位。")
        return FieldError("new_parent" if moving else "parent", "unit.parent_required", message % params)
    allowed = ALLOWED_CHILDREN.get(parent_kind, frozenset())
    if kind in allowed:
        return None
    params = {"parent_kind": kind_label(parent_kind), "kind": kind_label(kind), "allowed": _kind_list(allowed)}
    if moving:
        message = _("新上级单位：%(parent_kind)s下不能设立%(kind)s（其下可设立：%(allowed)s）。")
    else:
        message = _("类型：%(parent_kind)s下不能设立%(kind)s（其下可设立：%(allowed)s）。")
    return FieldError("new_parent" if moving else "kind", "unit.kind_not_allowed", message % params)


def parent_closed_error(parent: Unit, *, moving: bool = False) -> FieldError | None:
    if parent.closed_on is None:
        return None
    if moving:
        message = _("新上级单位：“%(parent)s”已于%(date)s撤销，不能迁入。")
    else:
        message = _("上级单位：“%(parent)s”已于%(date)s撤销，不能在其下设立单位。")
    return FieldError(
        "new_parent" if moving else "parent",
        "unit.parent_closed",
        message % {"parent": parent.name, "date": local_date(parent.closed_on)},
    )


def unit_closed_error(unit: Unit, *, field: str = "unit") -> FieldError | None:
    if unit.closed_on is None:
        return None
    return FieldError(
        field,
        "unit.closed",
        _("单位：“%(unit)s”已于%(date)s撤销，不能再变更。") % {"unit": unit.name, "date": local_date(unit.closed_on)},
    )


def reason_clean(value: object, *, prefix: str = "unit") -> tuple[str, FieldError | None]:
    reason = ("" if value is None else str(value)).strip()
    if not reason:
        return reason, FieldError("reason", f"{prefix}.reason_required", _("理由：必填，请说明原因。"))
    return reason, None


def kind_names() -> dict[str, str]:
    """Every way a file may name a kind: its code (any case) and its label in
    Simplified Chinese, Traditional Chinese, English and the active language."""
    names: dict[str, str] = {}
    for language in ("zh-hans", "zh-hant", "en", translation.get_language() or "zh-hans"):
        with translation.override(language):
            for choice in UnitKind:
                names[str(choice.label).strip().lower()] = choice.value
    names |= {choice.value: choice.value for choice in UnitKind}
    return names
