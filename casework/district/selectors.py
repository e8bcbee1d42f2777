"""Reading a district setting as it applied on a given day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from casework.district.catalogue import SETTINGS
from casework.district.models import DistrictSetting
from casework.errors import RuleViolation
from casework.org.models import Unit, UnitKind


def district_of(unit: Unit) -> Unit:
    """The district a unit belongs to: the nearest district above or at it,
    else the top of its tree (a city's own units)."""
    ancestors = list(unit.ancestors())
    for ancestor in reversed(ancestors):
        if ancestor.kind == UnitKind.DISTRICT:
            return ancestor
    return ancestors[0]


def setting_value(unit: Unit, key: str, *, on: date) -> Decimal:
    """The value of ``key`` for ``unit``'s district on day ``on``: the row
    with the latest effective date not after ``on`` (of two with the same
    date, the later entered). A missing value is the district's omission,
    and says so: ``RuleViolation`` code ``district.setting_missing``."""
    spec = SETTINGS[key]  # KeyError: a programming error, not the user's
    district = district_of(unit)
    row = (
        DistrictSetting.objects.filter(district=district, key=key, effective_from__lte=on)
        .order_by("-effective_from", "-entered_at", "-pk")
        .first()
    )
    if row is None:
        raise RuleViolation(
            _("区级参数：%(district)s尚未设置“%(setting)s”（%(date)s起适用的数值），请区总工会管理员先录入。")
            % {"district": district.name, "setting": spec.label, "date": on.isoformat()},
            code="district.setting_missing",
            field=key,
        )
    return row.value
