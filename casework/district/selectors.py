"""Reading a district setting as it applied on a given day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Case, F, IntegerField, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from casework.district.catalogue import SETTINGS
from casework.district.models import DistrictSetting
from casework.errors import RuleViolation
from casework.org.models import Unit, UnitKind, unit_path_ancestors


def _district_of_path(path: str) -> QuerySet[Unit]:
    """The district of the unit at ``path``, as a one-row query: the nearest
    district above or at it, else the top of its tree (a city's own units)."""
    district = Q(kind=UnitKind.DISTRICT)
    return Unit.objects.filter(path__in=unit_path_ancestors(path)).order_by(
        Case(When(district, then=Value(0)), default=Value(1)),
        Case(When(district, then=-F("depth")), default=F("depth"), output_field=IntegerField()),
    )[:1]


def district_of(unit: Unit) -> Unit:
    """The district a unit belongs to: the nearest district above or at it,
    else the top of its tree (a city's own units)."""
    return _district_of_path(unit.path).get()


def setting_value(unit: Unit, key: str, *, on: date) -> Decimal:
    """The value of ``key`` for ``unit``'s district on day ``on``: the row
    with the latest effective date not after ``on`` (of two with the same
    date, the later entered). A missing value is the district's omission,
    and says so: ``RuleViolation`` code ``district.setting_missing``."""
    spec = SETTINGS[key]  # KeyError: a programming error, not the user's
    # One query a step asks for a due date: the district found inside it.
    row = (
        DistrictSetting.objects.filter(
            district=Subquery(_district_of_path(unit.path).values("pk")), key=key, effective_from__lte=on
        )
        .order_by("-effective_from", "-entered_at", "-pk")
        .first()
    )
    if row is None:
        district = district_of(unit)
        raise RuleViolation(
            _("区级参数：%(district)s尚未设置“%(setting)s”（%(date)s起适用的数值），请区总工会管理员先录入。")
            % {"district": district.name, "setting": spec.label, "date": on.isoformat()},
            code="district.setting_missing",
            field=key,
        )
    return row.value
