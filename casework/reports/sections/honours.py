"""Honours (评选表彰): nominations made, recommended upward and awarded, by
honour type and by level; Model Workers' Homes recommended and named (the
seed: "推选了X名同志为X省劳动模范和先进工作者", "推荐了……X家单位为市级模范职工之家").

Every figure reads the nominations (one case each, placed at the
nominating unit). An award is counted by the nomination's ``awarded_on``,
not by ``HonourHeld``: every award here writes both with the same day, type
and level, but ``HonourHeld`` also holds honours entered by hand from
before this system or from elsewhere (not the district's work that year),
and it is placed by the holder's employer today rather than the unit that
nominated, with no path copy to scope and list it like the other figures.
An honour revoked later still counts in the period it was awarded: the
year's figures do not change when a later year's decision is taken.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from casework.honours.choices import Level, Nominee
from casework.honours.models import HonourNomination
from casework.reports.figures import Measure, Window, figure, section

section("honours", _("评选表彰"))

TYPE = "campaign__honour_type__name"
LEVEL = "campaign__level"


def _nominations(window: Window) -> QuerySet[HonourNomination]:
    return window.scoped(HonourNomination.objects.all(), "unit_path")


def nominated(window: Window) -> QuerySet[HonourNomination]:
    """Nominations made in the period (withdrawn or not selected later included)."""
    return _nominations(window).filter(**window.moments("opened_at"))


def recommended(window: Window) -> QuerySet[HonourNomination]:
    """Nominations the district recommended to a higher level in the period."""
    return _nominations(window).filter(**window.within("recommended_on"))


def awarded(window: Window) -> QuerySet[HonourNomination]:
    """Nominations awarded in the period: by the district, or by the upper level as recorded."""
    return _nominations(window).filter(**window.within("awarded_on"))


def homes_recommended(window: Window) -> QuerySet[HonourNomination]:
    # A unit's honour is a Home to the honours flow (HonourType.for_units).
    return recommended(window).filter(campaign__honour_type__nominee=Nominee.UNIT)


def homes_awarded(window: Window) -> QuerySet[HonourNomination]:
    return awarded(window).filter(campaign__honour_type__nominee=Nominee.UNIT)


def _level(code: Any) -> str:
    return str(Level(code).label) if code in Level.values else str(code)


figure(
    "honours.nominated_by_type",
    _("推荐评选对象（按荣誉类型）"),
    Measure.COUNT,
    nominated,
    group=TYPE,
    dated="opened_at",
    placed="unit_path",
)
figure(
    "honours.nominated_by_level",
    _("推荐评选对象（按级别）"),
    Measure.COUNT,
    nominated,
    group=LEVEL,
    group_label=_level,
)
figure("honours.recommended_by_type", _("向上级推荐（按荣誉类型）"), Measure.COUNT, recommended, group=TYPE)
figure("honours.awarded_by_type", _("获得表彰（按荣誉类型）"), Measure.COUNT, awarded, group=TYPE)
figure(
    "honours.awarded_by_level",
    _("获得表彰（按级别）"),
    Measure.COUNT,
    awarded,
    group=LEVEL,
    group_label=_level,
)
figure(
    "honours.homes_recommended",
    _("向上级推荐模范职工之家"),
    Measure.COUNT,
    homes_recommended,
    group=LEVEL,
    group_label=_level,
)
figure(
    "honours.homes_awarded",
    _("命名模范职工之家"),
    Measure.COUNT,
    homes_awarded,
    group=LEVEL,
    group_label=_level,
)
