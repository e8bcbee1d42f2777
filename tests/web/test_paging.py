"""The capped-count paginator (casework/web/paging.py): exact up to its limit,
then pages on without the total, each page the same as Django's would be."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.web.paging import CappedPaginator

LIMIT = 5


@pytest.fixture
def groups(db: None) -> list[str]:
    names = [f"g{number:02}" for number in range(13)]
    Group.objects.bulk_create(Group(name=name) for name in names)
    return names


def rows(names: list[str], n: int):
    return Group.objects.filter(name__in=names[:n]).order_by("name").values_list("name", flat=True)


def shown(page) -> tuple:
    return (
        page.number,
        list(page),
        page.has_next(),
        page.has_previous(),
        page.start_index(),
        page.end_index(),
        page.next_page_number() if page.has_next() else None,
        page.previous_page_number() if page.has_previous() else None,
    )


@pytest.mark.parametrize("n", [0, 1, LIMIT - 1, LIMIT])
def test_at_most_the_limit_the_count_is_exact(groups, n):
    paginator = CappedPaginator(rows(groups, n), 2, count_limit=LIMIT)
    assert paginator.count_exact and paginator.count == n
    assert paginator.num_pages == Paginator(rows(groups, n), 2).num_pages
    assert list(paginator.page_range) == list(Paginator(rows(groups, n), 2).page_range)


@pytest.mark.parametrize("n", [LIMIT + 1, 13])
def test_past_the_limit_the_count_is_unknown(groups, n):
    paginator = CappedPaginator(rows(groups, n), 2, count_limit=LIMIT)
    assert not paginator.count_exact
    assert paginator.count is None and paginator.num_pages is None


def test_the_count_asks_for_the_limit_plus_one_rows_unordered(groups):
    paginator = CappedPaginator(rows(groups, 13), 2, count_limit=LIMIT)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count is None
    (count,) = [q["sql"] for q in queries.captured_queries]
    assert "COUNT(" in count and f"LIMIT {LIMIT + 1}" in count and "ORDER BY" not in count


@pytest.mark.parametrize("n", [0, 1, 4, 5, 6, 7, 8, 9, 12, 13])
@pytest.mark.parametrize("per_page", [1, 2, 3, 4])
@pytest.mark.parametrize("orphans", [0, 2])
def test_every_page_is_djangos_page(groups, n, per_page, orphans):
    """Below the limit, at it and past it, every page number answers what
    Django's paginator answers (rows, links, indexes; EmptyPage past the end)."""
    django = Paginator(rows(groups, n), per_page, orphans=orphans)
    capped = CappedPaginator(rows(groups, n), per_page, orphans=orphans, count_limit=LIMIT)
    for number in range(1, django.num_pages + 3):
        try:
            expected = shown(django.page(number))
        except EmptyPage:
            with pytest.raises(EmptyPage):
                capped.page(number)
            with pytest.raises(EmptyPage):
                capped.validate_number(number)
        else:
            assert shown(capped.page(number)) == expected, number
            assert capped.validate_number(number) == number
    assert shown(capped.get_page("x")) == shown(django.get_page("x"))


def test_pages_past_the_limit_are_reachable_and_end_where_the_rows_do(groups):
    paginator = CappedPaginator(rows(groups, 13), 2, count_limit=LIMIT)
    sixth = paginator.page(6)
    assert list(sixth) == ["g10", "g11"] and sixth.has_next() and sixth.next_page_number() == 7
    seventh = paginator.page(7)
    assert list(seventh) == ["g12"] and not seventh.has_next() and seventh.end_index() == 13
    with pytest.raises(EmptyPage):
        seventh.next_page_number()
    with pytest.raises(EmptyPage):
        paginator.page(8)
    assert paginator.count is None  # none of this counted every row


def test_has_next_at_the_boundary(groups):
    exactly = CappedPaginator(rows(groups, 12), 3, count_limit=LIMIT).page(4)
    assert list(exactly) == ["g09", "g10", "g11"] and not exactly.has_next()
    one_more = CappedPaginator(rows(groups, 13), 3, count_limit=LIMIT)
    assert one_more.page(4).has_next() and list(one_more.page(5)) == ["g12"]


def test_a_page_reads_one_query_past_the_limit(groups):
    paginator = CappedPaginator(rows(groups, 13), 2, count_limit=LIMIT)
    assert paginator.count is None
    with CaptureQueriesContext(connection) as queries:
        paginator.page(5)
    assert len(queries.captured_queries) == 1


def test_get_page_falls_back_as_djangos_does(groups):
    """Not a number: page 1; past the end or below 1: the last page, which
    past the limit needs the one full count."""
    for bad in ("x", None, "1.5"):
        assert CappedPaginator(rows(groups, 13), 2, count_limit=LIMIT).get_page(bad).number == 1
    for beyond in (8, 99, 0, -1):
        paginator = CappedPaginator(rows(groups, 13), 2, count_limit=LIMIT)
        last = paginator.get_page(beyond)
        assert last.number == 7 and list(last) == ["g12"] and not last.has_next()
        assert paginator.count == 13 and paginator.num_pages == 7


def test_absurd_page_numbers_ask_nothing(groups):
    paginator = CappedPaginator(rows(groups, 13), 2, count_limit=LIMIT)
    assert paginator.count is None
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(EmptyPage):
            paginator.page(10**30)
        with pytest.raises(PageNotAnInteger):
            paginator.page("9" * 5000)  # more digits than int() reads
    assert queries.captured_queries == []


def test_a_list_is_counted_exactly_whatever_its_length():
    paginator = CappedPaginator(list(range(13)), 2, count_limit=LIMIT)
    assert paginator.count == 13 and paginator.count_exact and paginator.num_pages == 7
    assert list(paginator.get_page(7)) == [12]


def test_the_limit_is_the_class_attribute_unless_given(groups, monkeypatch):
    assert CappedPaginator(rows(groups, 13), 2).count == 13
    monkeypatch.setattr(CappedPaginator, "count_limit", LIMIT)
    assert CappedPaginator(rows(groups, 13), 2).count is None
    assert CappedPaginator(rows(groups, 13), 2, count_limit=20).count == 13


def test_a_sliced_or_distinct_queryset_is_counted_in_its_order(groups):
    """Their order decides which rows are counted, so the count keeps it."""
    sliced = Group.objects.order_by("-name")[:9]
    distinct = Group.objects.order_by("name").distinct()
    for queryset, first in ((sliced, ["g12", "g11"]), (distinct, ["g00", "g01"])):
        paginator = CappedPaginator(queryset, 2, count_limit=LIMIT)
        with CaptureQueriesContext(connection) as queries:
            assert paginator.count is None
        assert "ORDER BY" in queries.captured_queries[0]["sql"]
        assert [g.name for g in paginator.page(1)] == first
    last = CappedPaginator(sliced, 2, count_limit=LIMIT).page(5)
    assert [g.name for g in last] == ["g04"] and not last.has_next()


@pytest.fixture
def admin_on_units(client, world, user_with, monkeypatch):
    """An administrator of D1 (five units in scope) on the units list, two a page,
    counting at most three."""
    monkeypatch.setattr("casework.web.paging.PAGE_SIZE", 2)
    monkeypatch.setattr(CappedPaginator, "count_limit", 3)
    client.force_login(user_with("administrator", world.units["D1"]))
    return client


def test_a_list_past_the_limit_says_more_than_and_pages_on(admin_on_units):
    first = admin_on_units.get("/units/").content.decode()
    assert "第1页，共超过3条" in first and 'href="?page=2"' in first
    third = admin_on_units.get("/units/", {"page": 3}).content.decode()
    assert "第3页，共超过3条" in third and 'page=4"' not in third and 'href="?page=2"' in third
    # Past the end: the last page, as Django's paginator answers.
    assert "第3页，共3页" in admin_on_units.get("/units/", {"page": 9}).content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("en", "Page 1, more than 1,000 in all"), ("zh-TW", "第1頁，共超過1000條")]
)
def test_more_than_is_translated(admin_on_units, monkeypatch, language, text):
    """With the real limit, grouped as the language groups digits (the count
    made unknown here rather than by a thousand units)."""
    monkeypatch.setattr(CappedPaginator, "count_limit", 1000)
    monkeypatch.setattr(CappedPaginator, "count", property(lambda self: None))
    assert text in admin_on_units.get("/units/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_within_the_limit_the_pager_counts_pages(admin_on_units, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "count_limit", 5)
    assert "第1页，共3页" in admin_on_units.get("/units/").content.decode()


def _legal_aid(unit, state):
    from casework.legalaid.models import LegalAidCase
    from tests.reports.plant import case_row, person_at

    return case_row(LegalAidCase, unit, state, person=person_at(unit), opposing_party="某公司", facts="欠薪")


def _bargaining(unit, state):
    from casework.bargaining.models import BargainingCase
    from tests.reports.plant import case_row

    return case_row(BargainingCase, unit, state)


def _hardship(unit, state):
    from tests.reports.plant import hardship_record

    return hardship_record(unit, state)


@pytest.mark.parametrize(
    ("url", "plant", "state", "other"),
    [
        ("/cases/hardship/", _hardship, "filed", "archived"),
        ("/legalaid/", _legal_aid, "assignment", "archived"),
        ("/bargaining/", _bargaining, "negotiating", "preparing"),
    ],
)
def test_a_case_list_pages_on_with_its_filter(client, world, user_with, monkeypatch, url, plant, state, other):
    """Three cases in the filtered state, two a page: the second page holds
    the third, and each page's links keep the filter."""
    monkeypatch.setattr("casework.web.paging.PAGE_SIZE", 2)
    planted = [plant(world.units["E1"], state) for _ in range(3)]
    plant(world.units["E1"], other)
    client.force_login(user_with("district_caseworker", world.units["D1"]))

    def links(html: str) -> list[int]:
        return [int(pk) for pk in re.findall(r'href="/cases/(\d+)/"', html)]

    first = client.get(url, {"state": state}).content.decode()
    assert "第1页，共2页" in first and f'href="?state={state}&amp;page=2"' in first
    second = client.get(url, {"state": state, "page": 2}).content.decode()
    assert "第2页，共2页" in second and f'href="?state={state}&amp;page=1"' in second
    assert sorted(links(first) + links(second)) == sorted(case.pk for case in planted)
    assert "第1页" not in client.get(url, {"state": other}).content.decode()  # one page: no pager
