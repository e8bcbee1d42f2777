"""Made-up but valid people, reproducible from a seed.

One generator serves the demo data (``seed_demo``) and the benchmarks
(``bench/``): names drawn from common surnames and given-name characters, ID
numbers with a correct GB 11643 check character, mainland mobile numbers.
Every ID number comes from a serial number, so one generator never repeats
itself: serial ``i`` gives the ``i % 1000``-th sequence number of the
``i // 1000``-th birth day after 1950-01-01.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from casework.people.choices import NewFormCategory, Relation
from casework.people.idnumber import check_character

REGIONS = ("110105", "310104", "440305", "320102", "510107", "330106", "420106", "610113", "370102", "500103")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曾彭"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志"
FIRST_BIRTH = date(1950, 1, 1)
BIRTH_DAYS = 20_000  # 1950 … 2004: everyone is of working age
SERIALS = BIRTH_DAYS * 1000
# Mostly no new form of employment, as among real members.
CATEGORIES = (
    *(NewFormCategory.NONE,) * 4,
    *(c for c in NewFormCategory if c not in (NewFormCategory.NONE, NewFormCategory.OTHER)),
)


@dataclass(frozen=True, slots=True)
class SyntheticPerson:
    name: str
    id_number: str
    birth_date: date
    mobile: str
    is_migrant_worker: bool
    new_form_category: NewFormCategory
    member_since: date | None


class SyntheticPeople:
    """A reproducible stream of people: the same seed gives the same people."""

    def __init__(self, seed: int, *, first_serial: int | None = None) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
        self.serial = self.rng.randrange(SERIALS // 2) if first_serial is None else first_serial

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))

    def id_number(self, born: date | None = None) -> str:
        """A fresh valid ID number; ``born`` picks the birth date (any sequence)."""
        serial, self.serial = self.serial, self.serial + 1
        if born is None:
            born = FIRST_BIRTH + timedelta(days=(serial // 1000) % BIRTH_DAYS)
        body = f"{self.rng.choice(REGIONS)}{born:%Y%m%d}{serial % 1000:03d}"
        return body + check_character(body)

    def mobile(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"

    def person(self, *, today: date) -> SyntheticPerson:
        number = self.id_number()
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        joined = born + timedelta(days=365 * 18 + self.rng.randrange(3000))
        return SyntheticPerson(
            name=self.name(),
            id_number=number,
            birth_date=born,
            mobile=self.mobile(),
            is_migrant_worker=self.rng.random() < 0.3,
            new_form_category=self.rng.choice(CATEGORIES),
            member_since=joined if joined <= today else None,
        )

    def household(self, head: SyntheticPerson, *, today: date) -> list[tuple[str, str, str]]:
        """Up to four household members of ``head``: (name, relation, ID number)."""
        members: list[tuple[str, str, str]] = []
        age = (today - head.birth_date).days // 365
        if age >= 22 and self.rng.random() < 0.75:
            spouse_born = head.birth_date + timedelta(days=self.rng.randrange(-1500, 1500))
            members.append((self.name(), Relation.SPOUSE, self.id_number(min(spouse_born, today))))
        if age >= 24:
            for _ in range(self.rng.choice((0, 1, 1, 2))):
                child_born = head.birth_date + timedelta(days=365 * self.rng.randrange(22, 36))
                if child_born < today:
                    members.append((self.name(), Relation.CHILD, self.id_number(child_born)))
        if age < 45 and self.rng.random() < 0.3:
            members.append((self.name(), Relation.PARENT, ""))  # an elderly parent without the card to hand
        return members
