"""Choosing a campaign's enterprises (docs/bargaining.md, "Campaigns").

Either every open grass-roots union under one unit of the district (the
district itself, a street or a park), optionally of one kind and with at
least N registered members, or a list of unit codes (a CSV or XLSX file on
the page, JSON in the API), each optionally with the number of workers the
agreement will cover. Units carry no size or sector: size is the number of
members the registry holds for the unit (``Person.employer``), and the kind
(enterprise, or public body and institution) is the one sector-like field
there is. A list with a line that names no open grass-roots unit of the
district is refused whole, naming every bad line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Upper
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext

from casework.cases import data as d
from casework.errors import CaseworkError, LineErrors, RuleViolation
from casework.org.models import Unit, UnitKind
from casework.people.imports import read_rows
from casework.people.models import Person
from permissions.roles import GRASS_ROOTS

MAX_ENTERPRISES = 2000
KIND_LABELS = {UnitKind.ENTERPRISE: _l("企业工会"), UnitKind.INSTITUTION: _l("机关事业单位工会")}
# Column → accepted headers of an uploaded list (compared without spaces, notes in brackets and case).
CODE_HEADERS = ("单位代码", "工会代码", "企业代码", "code", "unit_code")
WORKERS_HEADERS = ("覆盖职工人数", "职工人数", "workers_covered", "workers")
_NOTE = re.compile(r"[（(].*?[）)]|[*＊\s]")


@dataclass(frozen=True)
class Listed:
    """One line of a list: its number (the spreadsheet's row, or the item's
    position from 1), the unit's code, the workers covered if given."""

    line: int
    code: str
    workers_covered: Any = None


@dataclass(frozen=True)
class Chosen:
    unit: Unit
    members: int  # members the registry holds for the unit
    given: int | None = None  # workers covered, as the list gives it

    @property
    def covered(self) -> int:
        return self.given if self.given is not None else self.members


def members_count() -> Coalesce:
    """For a queryset of units: the members registered with each (one subquery)."""
    members = (
        Person.objects.filter(employer=OuterRef("pk"), is_member=True)
        .order_by()
        .values("employer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(members[:1], output_field=IntegerField()), 0)


def _members(unit: Unit) -> int:
    """The ``members_count`` annotation of a unit read with it."""
    return int(getattr(unit, "members", 0))


def _candidates(district: Unit) -> Any:
    return Unit.objects.active().filter(path__startswith=district.path, kind__in=GRASS_ROOTS)


def _too_many(count: int, field: str) -> RuleViolation:
    return RuleViolation(
        _("企业：一次集中要约最多%(n)d家企业（选中了%(count)d家），请分批发起。")
        % {"n": MAX_ENTERPRISES, "count": count},
        code="bargaining.campaign_too_large",
        field=field,
    )


def enterprises_under(
    *, district: Unit, subtree: Unit, kinds: Sequence[str], min_workers: int | str | None
) -> list[Chosen]:
    """The open grass-roots units under ``subtree`` (a unit of ``district``)
    of ``kinds`` with at least ``min_workers`` registered members, in tree
    order. One query."""
    if not subtree.path.startswith(district.path):
        raise RuleViolation(
            _("范围：%(unit)s不在%(district)s之内。") % {"unit": subtree.name, "district": district.name},
            code="bargaining.campaign_outside_district",
            field="subtree",
        )
    chosen_kinds = list(dict.fromkeys(kinds))
    if not chosen_kinds or any(kind not in GRASS_ROOTS for kind in chosen_kinds):
        raise RuleViolation(
            _("单位类型：只能是%(choices)s。") % {"choices": "、".join(str(label) for label in KIND_LABELS.values())},
            code="field_choice_invalid",
            field="kinds",
        )
    least = 0 if min_workers in (None, "") else d.whole({"min_workers": min_workers}, "min_workers", _l("会员人数下限"))
    units = (
        _candidates(district)
        .filter(path__startswith=subtree.path, kind__in=chosen_kinds)
        .annotate(members=members_count())
        .filter(members__gte=least)
        .order_by("path")
    )
    found = [Chosen(unit, _members(unit)) for unit in units[: MAX_ENTERPRISES + 1]]
    if len(found) > MAX_ENTERPRISES:
        raise _too_many(units.count(), "subtree")
    return found


def _line_error(line: int, message: str, code: str, field: str) -> dict[str, Any]:
    return {"line": line, "code": code, "message": message, "field": field}


def enterprises_listed(*, district: Unit, listed: Sequence[Listed], field: str = "units") -> list[Chosen]:
    """The listed units, in the list's order; ``LineErrors`` naming every
    line that is not an open grass-roots unit of ``district`` (a unit of
    another district reads as unknown), that repeats one, or whose workers
    covered is not a whole number from 1. One query."""
    if not listed:
        raise RuleViolation(_("名单：至少要有一家企业。"), code="bargaining.campaign_list_empty", field=field)
    if len(listed) > MAX_ENTERPRISES:
        raise _too_many(len(listed), field)
    codes = {entry.code.strip().upper() for entry in listed if entry.code.strip()}
    units = {
        unit.code.upper(): unit
        for unit in Unit.objects.filter(path__startswith=district.path)
        .annotate(code_key=Upper("code"), members=members_count())
        .filter(code_key__in=codes)
    }
    errors: list[dict[str, Any]] = []
    found: list[Chosen] = []
    seen: set[int] = set()
    for entry in listed:
        code = entry.code.strip()
        unit = units.get(code.upper())
        if not code:
            errors.append(_line_error(entry.line, _("单位代码：必填。"), "field_required", "code"))
        elif unit is None:
            message = _("单位代码：本区没有代码为%(code)s的单位。") % {"code": code}
            errors.append(_line_error(entry.line, message, "bargaining.unit_unknown", "code"))
        elif unit.kind not in GRASS_ROOTS:
            message = _("单位代码：%(unit)s不是基层工会。") % {"unit": unit.name}
            errors.append(_line_error(entry.line, message, "bargaining.unit_not_grass_roots", "code"))
        elif unit.closed_on is not None:
            message = _("单位代码：%(unit)s已撤销。") % {"unit": unit.name}
            errors.append(_line_error(entry.line, message, "bargaining.unit_closed", "code"))
        elif unit.pk in seen:
            message = _("单位代码：%(code)s在名单中重复。") % {"code": code}
            errors.append(_line_error(entry.line, message, "bargaining.unit_repeated", "code"))
        else:
            seen.add(unit.pk)
            given = None
            if entry.workers_covered not in (None, ""):
                try:
                    given = d.whole(
                        {"workers_covered": entry.workers_covered}, "workers_covered", _l("覆盖职工人数"), minimum=1
                    )
                except CaseworkError as error:
                    errors.append(_line_error(entry.line, str(error.message), error.code, "workers_covered"))
                    continue
            found.append(Chosen(unit, _members(unit), given))
    if errors:
        numbers = pgettext("list separator", "、").join(str(e["line"]) for e in errors[:20])
        raise LineErrors(
            _("名单：第%(lines)s%(more)s行不符合要求，集中要约未发起，请改正后重新提交。")
            % {"lines": numbers, "more": "…" if len(errors) > 20 else ""},
            errors,
            field=field,
        )
    return found


def _header(cell: Any) -> str:
    return _NOTE.sub("", "" if cell is None else str(cell)).lower()


def _cell(value: Any) -> Any:
    """A spreadsheet cell as text; a whole number typed as a number (1001, 120.0) as its digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def listed_from_file(data: bytes, filename: str) -> list[Listed]:
    """The lines of an uploaded CSV or XLSX list: a header row naming the
    unit code column (单位代码) and, optionally, the workers covered
    (覆盖职工人数); empty rows are ignored."""
    try:
        rows = list(read_rows(data, filename=filename))
    except CaseworkError as error:
        raise RuleViolation(str(error.message), code="bargaining.campaign_file", field="file") from None
    except (UnicodeError, ValueError, OSError) as error:  # a damaged or mislabelled file
        raise RuleViolation(
            _("文件：无法读取（%(error)s）。") % {"error": error}, code="bargaining.campaign_file", field="file"
        ) from None
    if not rows:
        raise RuleViolation(_("文件：是空的。"), code="bargaining.campaign_file", field="file")
    headers = [_header(cell) for cell in rows[0][1]]
    code_at = next((i for i, h in enumerate(headers) if h in CODE_HEADERS), None)
    workers_at = next((i for i, h in enumerate(headers) if h in WORKERS_HEADERS), None)
    if code_at is None:
        raise RuleViolation(
            _("文件：第一行须为表头，并有“单位代码”一列。"), code="bargaining.campaign_file", field="file"
        )
    listed = []
    for number, cells in rows[1:]:
        values = [_cell(v) for v in cells]
        if any(values):
            listed.append(Listed(number, _at(values, code_at), _at(values, workers_at)))
    return listed


def _at(values: list[Any], index: int | None) -> Any:
    return values[index] if index is not None and index < len(values) else ""
