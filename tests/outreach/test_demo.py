"""The demo's outreach events, through the services, once."""

from __future__ import annotations

from datetime import date

from casework.org.models import Membership, UnitKind
from casework.outreach.demo import seed_outreach
from casework.outreach.models import OutreachEvent
from tests.web.helpers import make_unit


def test_seed_outreach(db, django_user_model, media):
    d01 = make_unit("D01", "示范区总工会", UnitKind.DISTRICT)
    s01 = make_unit("S01", "东湖街道总工会", UnitKind.STREET, d01)
    s02 = make_unit("S02", "西山街道总工会", UnitKind.STREET, d01)
    units = {
        "D01": d01,
        "S01": s01,
        "S02": s02,
        "S01-E01": make_unit("S01-E01", "东湖精密机械有限公司工会", UnitKind.ENTERPRISE, s01),
        "S02-E01": make_unit("S02-E01", "西山建筑工程有限公司工会", UnitKind.ENTERPRISE, s02),
    }
    logins = {
        "legal.officer": ("legal_officer", "D01"),
        "street1.caseworker": ("street_caseworker", "S01"),
        "street2.caseworker": ("street_caseworker", "S02"),
        "ent1.chair": ("enterprise_chair", "S01-E01"),
        "ent2.chair": ("enterprise_chair", "S02-E01"),
    }
    users = {}
    for name, (role, code) in logins.items():
        users[name] = django_user_model.objects.create_user(username=name)
        Membership.objects.create(user=users[name], unit=units[code], role=role)
    today = date(2026, 1, 2)
    created = seed_outreach(district=d01, today=today, users=users)
    assert created == {"outreach_events": 10, "outreach_corrections": 1, "outreach_withdrawn": 1}
    assert {e.held_on.year for e in OutreachEvent.objects.all()} == {2025, 2026}
    assert all(e.held_on <= today for e in OutreachEvent.objects.all())
    assert seed_outreach(district=d01, today=today, users=users) == {}
