"""Demo data: a district, its streets and park, their unions, members and logins.

Written through the same services as real work, so the demo's ledger holds
an entry for every unit, login, role and person it creates. Idempotent: each
piece is looked up by its natural key (unit code, username, ID number) and
created only when missing, so a second run adds nothing and a run that was
interrupted finishes the job. Deterministic: the people come from a fixed
seed, so every demo has the same members.

Each case flow adds its own demo cases here when it lands.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from casework.accounts.models import User
from casework.accounts.services import user_account_create
from casework.audit.demo import seed_audit
from casework.bargaining.demo import seed_bargaining
from casework.hardship.demo import seed_hardship
from casework.honours.demo import seed_honours
from casework.legalaid.demo import seed_legalaid
from casework.org.models import Unit, UnitKind
from casework.org.selectors import current_memberships
from casework.org.services import membership_grant, unit_create
from casework.outreach.demo import seed_outreach
from casework.people.models import HouseholdMember, Person
from casework.people.services import household_member_add, person_register
from casework.people.synthetic import SyntheticPeople
from permissions import roles

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (published in the README; demo only)
PEOPLE_SEED = 2026
MEMBERS = 240

DISTRICT = ("D01", "示范区总工会", UnitKind.DISTRICT)
# (code, name, kind) of the streets and the park, each with its grass-roots unions.
TREE: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {
    ("S01", "东湖街道总工会", UnitKind.STREET): [
        ("S01-E01", "东湖精密机械有限公司工会", UnitKind.ENTERPRISE),
        ("S01-E02", "东湖物流有限公司工会", UnitKind.ENTERPRISE),
        ("S01-E03", "湖滨商贸城工会联合会", UnitKind.ENTERPRISE),
        ("S01-I01", "东湖街道社区卫生服务中心工会", UnitKind.INSTITUTION),
    ],
    ("S02", "西山街道总工会", UnitKind.STREET): [
        ("S02-E01", "西山建筑工程有限公司工会", UnitKind.ENTERPRISE),
        ("S02-E02", "西山餐饮服务有限公司工会", UnitKind.ENTERPRISE),
        ("S02-E03", "快递物流行业工会联合会", UnitKind.ENTERPRISE),
        ("S02-I01", "西山中学工会", UnitKind.INSTITUTION),
    ],
    ("S03", "南港街道总工会", UnitKind.STREET): [
        ("S03-E01", "南港纺织有限公司工会", UnitKind.ENTERPRISE),
        ("S03-E02", "南港港口装卸有限公司工会", UnitKind.ENTERPRISE),
        ("S03-E03", "南港物业管理有限公司工会", UnitKind.ENTERPRISE),
        ("S03-I01", "南港街道办事处机关工会", UnitKind.INSTITUTION),
    ],
    ("P01", "高新技术产业园区总工会", UnitKind.PARK): [
        ("P01-E01", "园区电子科技有限公司工会", UnitKind.ENTERPRISE),
        ("P01-E02", "园区新能源汽车零部件有限公司工会", UnitKind.ENTERPRISE),
        ("P01-E03", "园区软件信息服务有限公司工会", UnitKind.ENTERPRISE),
        ("P01-E04", "园区网约配送员工会联合会", UnitKind.ENTERPRISE),
    ],
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str
    unit_code: str


LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "系统管理员", roles.ADMINISTRATOR, "D01"),
    DemoLogin("auditor", "区工会经审会 审计员", roles.AUDITOR, "D01"),
    DemoLogin("district.caseworker", "区总工会 经办人", roles.DISTRICT_CASEWORKER, "D01"),
    DemoLogin("district.approver", "区总工会 审批人", roles.DISTRICT_APPROVER, "D01"),
    # A second approver: an objection is decided by someone who did not refuse (four-eyes).
    DemoLogin("district.approver2", "区总工会 审批人（二）", roles.DISTRICT_APPROVER, "D01"),
    DemoLogin("finance", "区总工会 财务", roles.FINANCE_OFFICER, "D01"),
    DemoLogin("legal.officer", "区总工会 法律援助专员", roles.LEGAL_OFFICER, "D01"),
    DemoLogin("lawyer1", "法律服务分队 律师", roles.LAWYER, "D01"),
    DemoLogin("committee1", "评审委员会 委员（一）", roles.HONOURS_COMMITTEE, "D01"),
    DemoLogin("committee2", "评审委员会 委员（二）", roles.HONOURS_COMMITTEE, "D01"),
    DemoLogin("committee3", "评审委员会 委员（三）", roles.HONOURS_COMMITTEE, "D01"),
    DemoLogin("street1.caseworker", "东湖街道 经办人", roles.STREET_CASEWORKER, "S01"),
    DemoLogin("street1.approver", "东湖街道 审批人", roles.STREET_APPROVER, "S01"),
    DemoLogin("street2.caseworker", "西山街道 经办人", roles.STREET_CASEWORKER, "S02"),
    DemoLogin("street2.approver", "西山街道 审批人", roles.STREET_APPROVER, "S02"),
    DemoLogin("ent1.chair", "东湖精密机械 工会主席", roles.ENTERPRISE_CHAIR, "S01-E01"),
    DemoLogin("ent2.chair", "西山建筑工程 工会主席", roles.ENTERPRISE_CHAIR, "S02-E01"),
)


def _unit(code: str, name: str, kind: str, parent: Unit | None, admin: User | None) -> tuple[Unit, bool]:
    found = Unit.objects.filter(code=code).first()
    if found:
        return found, False
    acting = Unit.objects.filter(code=DISTRICT[0]).first()
    role = roles.ADMINISTRATOR if admin else ""
    return unit_create(code=code, name=name, kind=kind, parent=parent, by=admin, role=role, unit=acting), True


def _login(login: DemoLogin, *, by: User | None, district: Unit) -> tuple[User, bool]:
    found = User.objects.filter(username=login.username).first()
    if found:
        return found, False
    is_admin = login.role == roles.ADMINISTRATOR
    user = user_account_create(
        username=login.username,
        password=DEMO_PASSWORD,
        display_name=login.display_name,
        is_staff=is_admin,
        is_superuser=is_admin,
        by=by,
        role=roles.ADMINISTRATOR if by else "",
        unit=district if by else None,
    )
    return user, True


def _grant(user: User, unit: Unit, role: str, *, by: User | None, district: Unit) -> bool:
    if current_memberships(user).filter(unit=unit, role=role).exists():
        return False
    # Nobody grants a role to themselves: the first administrator's own
    # membership is the system's act (by=None), every other is the admin's.
    granted_by = by if by and by != user else None
    membership_grant(
        user=user,
        unit=unit,
        role=role,
        by=granted_by,
        acting_role=roles.ADMINISTRATOR if granted_by else "",
        acting_unit=district if granted_by else None,
    )
    return True


def seed_demo(*, today: date | None = None) -> Counter[str]:
    """Create whatever of the demo is missing; return counts of what was created."""
    today = today or timezone.localdate()
    created: Counter[str] = Counter()
    with transaction.atomic():
        # The district comes first (the system creates it), then the admin
        # login, who creates everything else.
        district, new = _unit(*DISTRICT, parent=None, admin=None)
        created["units"] += new
        admin, new = _login(LOGINS[0], by=None, district=district)
        created["logins"] += new
        grass_roots: list[Unit] = []
        for (code, name, kind), children in TREE.items():
            street, new = _unit(code, name, kind, district, admin)
            created["units"] += new
            for child in children:
                unit, new = _unit(*child, street, admin)
                created["units"] += new
                grass_roots.append(unit)
        units = {u.code: u for u in Unit.objects.filter(path__startswith=district.path)}
        for login in LOGINS:
            user, new = _login(login, by=admin, district=district)
            created["logins"] += new
            created["memberships"] += _grant(user, units[login.unit_code], login.role, by=admin, district=district)

    people = SyntheticPeople(PEOPLE_SEED, first_serial=7_300_000)
    for index in range(MEMBERS):
        # One transaction per member and household, so a long seed that is
        # interrupted keeps what it finished.
        with transaction.atomic():
            created.update(_member(people, index, grass_roots, admin, district, today))
    users = {u.username: u for u in User.objects.filter(username__in=[login.username for login in LOGINS])}
    created.update(seed_hardship(district=district, today=today, users=users))
    created.update(seed_bargaining(district=district, today=today, users=users))
    created.update(seed_legalaid(district=district, today=today, users=users))
    created.update(seed_outreach(district=district, today=today, users=users))
    created.update(seed_honours(district=district, today=today, users=users))
    created.update(seed_audit(district=district, today=today, users=users))
    return created


def _member(
    people: SyntheticPeople, index: int, employers: list[Unit], admin: User, district: Unit, today: date
) -> Counter[str]:
    created: Counter[str] = Counter()
    p = people.person(today=today)
    household = people.household(p, today=today)
    incomes = [Decimal(people.rng.randrange(0, 6000)) for _ in household]
    person = Person.objects.filter(id_number=p.id_number).first()
    if person is None:
        person = person_register(
            name=p.name,
            id_number=p.id_number,
            mobile=p.mobile,
            employer=employers[index % len(employers)],
            is_member=True,
            member_since=p.member_since,
            is_migrant_worker=p.is_migrant_worker,
            new_form_category=p.new_form_category,
            by=admin,
            role=roles.ADMINISTRATOR,
            unit=district,
        )
        created["people"] += 1
    known = set(HouseholdMember.objects.filter(person=person).values_list("name", "relation"))
    for (name, relation, number), income in zip(household, incomes, strict=True):
        if (name, relation) in known:
            continue
        household_member_add(
            person=person,
            name=name,
            relation=relation,
            id_number=number,
            monthly_income=income,
            by=admin,
            role=roles.ADMINISTRATOR,
            unit=district,
        )
        created["household_members"] += 1
    return created
