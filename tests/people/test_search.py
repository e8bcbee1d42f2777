"""person_search: name contains, initials prefix, last four, whole number."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db.models import QuerySet

from casework.accounts.models import User
from casework.org.models import Unit
from casework.people.models import Person
from casework.people.selectors import person_search
from casework.people.services import person_register
from tests.people.conftest import STANDARD_EXAMPLE, id_number


@pytest.fixture
def people(clerk: User, make_unit: Callable[..., Unit]) -> dict[str, Person]:
    zhang = person_register(by=clerk, name="张三", id_number=STANDARD_EXAMPLE)
    zhao = person_register(by=clerk, name="赵四", id_number=id_number(born=date(1980, 1, 1), seq=3))
    zhangsan2 = person_register(
        by=clerk, name="张珊珊", id_number=id_number(born=date(1985, 6, 1), seq=4), employer=make_unit("S1")
    )
    li = person_register(by=clerk, name="李四", id_number=id_number(born=date(1990, 1, 1), seq=5))
    return {"zhang": zhang, "zhao": zhao, "zhangsan2": zhangsan2, "li": li}


def names(q: str, queryset: QuerySet[Person] | None = None) -> set[str]:
    found = person_search(queryset if queryset is not None else Person.objects.all(), q)
    return set(found.values_list("name", flat=True))


def test_by_name_contains(people: dict[str, Person]) -> None:
    assert names("张") == {"张三", "张珊珊"}
    assert names("四") == {"赵四", "李四"}
    assert names("珊珊") == {"张珊珊"}


@pytest.mark.parametrize("q", ["zs", "ZS", "Zs"])
def test_by_initials_prefix_any_case(people: dict[str, Person], q: str) -> None:
    # 张三 zs, 赵四 zs, 张珊珊 zss; 李四 ls does not start with zs.
    assert names(q) == {"张三", "赵四", "张珊珊"}


def test_initials_match_from_the_start_only(people: dict[str, Person]) -> None:
    assert names("ss") == set()
    assert names("zss") == {"张珊珊"}
    assert names("l") == {"李四"}


@pytest.mark.parametrize("q", ["002X", "002x", " 002x "])
def test_by_last_four_x_any_case(people: dict[str, Person], q: str) -> None:
    assert names(q) == {"张三"}


def test_by_last_four_digits(people: dict[str, Person]) -> None:
    li = people["li"]
    assert names(li.id_number[-4:]) == {"李四"}


def test_by_whole_number(people: dict[str, Person]) -> None:
    assert names(STANDARD_EXAMPLE.lower()) == {"张三"}


def test_empty_query_keeps_the_queryset(people: dict[str, Person]) -> None:
    assert names("") == {"张三", "赵四", "张珊珊", "李四"}


def test_search_stays_inside_the_given_queryset(people: dict[str, Person]) -> None:
    scoped = Person.objects.filter(employer__code="S1")
    assert names("zs", scoped) == {"张珊珊"}
    assert names("002X", scoped) == set()


def test_no_match(people: dict[str, Person]) -> None:
    assert names("王") == set()
    assert names("9999") == set()
