"""Pages of a long list without counting all of it.

Django's ``Paginator`` counts every row to number the pages; over a district's
tens of thousands of cases that ``COUNT(*)`` cost 100-360 ms where the page's
own rows took under 15 ms. ``CappedPaginator`` counts at most ``COUNT_LIMIT`` rows:
up to there it is Django's paginator, exact; past it the total is unknown
(``count`` and ``num_pages`` are None) and each page learns whether a next
one exists from the first row after its own. The pages (``get_page``) and the
API (``casework.api.pagination.Pages``) both page through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination

COUNT_LIMIT = 1000
# Rows on a page of a list, where the list does not say otherwise.
PAGE_SIZE = 50
# A larger page number asks for an OFFSET beyond any table (and past 2**63 the
# database's integer overflows): such a page is empty without asking.
MAX_OFFSET = 2**62

_T = TypeVar("_T")


# Generic through the mixin: Django's Paginator takes no [T] when run.
class CappedPaginator(Paginator, Generic[_T]):
    """Django's ``Paginator`` counting a queryset only up to ``count_limit`` rows.

    With at most ``count_limit`` rows (and always for a list, whose length costs
    nothing) ``count`` is the total and everything is as in Django. With more,
    ``count_exact`` is False, ``count`` and ``num_pages`` are None (so
    ``page_range`` and ``get_elided_page_range`` cannot be used), and:

    - ``page(n)`` reads its rows plus one (plus ``orphans``): no rows, past
      page 1, is ``EmptyPage`` as in Django; the extra row is ``has_next()``;
    - ``get_page(n)`` falls back as Django's does: not a number, page 1; past
      the end (or below 1), the last page, found by counting everything once
      (a rare request, no dearer than every request was before).

    The count ignores the queryset's order (a sort of every row only to count
    them is what makes it dear), except when ``distinct()`` or a slice makes the
    order part of what is counted.
    """

    count_limit: int = COUNT_LIMIT

    def __init__(
        self,
        object_list: _SupportsPagination[_T],
        per_page: int | str,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        error_messages: Any = None,
        *,
        count_limit: int | None = None,
    ) -> None:
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, error_messages)
        if count_limit is not None:
            self.count_limit = count_limit

    @cached_property
    def count(self) -> int | None:  # type: ignore[override]
        """All the rows, or None when a queryset has more than ``count_limit``."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows)
        if not (rows.query.is_sliced or rows.query.distinct):
            rows = rows.order_by()
        counted = rows[: self.count_limit + 1].count()
        return counted if counted <= self.count_limit else None

    @property
    def count_exact(self) -> bool:
        """Whether ``count`` is the total (templates test ``count is None``,
        which Django's own paginator answers too)."""
        return self.count is not None

    @cached_property
    def num_pages(self) -> int | None:  # type: ignore[override]
        """As in Django; None when the count is not known."""
        return None if self.count is None else super().num_pages

    def validate_number(self, number: int | float | str) -> int:
        if self.count is not None:
            return super().validate_number(number)
        number = self._whole_number(number)
        # Page n (past 1) has rows if row (n - 1) * per_page + orphans exists
        # (fewer are the orphans of page n - 1); rows up to count_limit do.
        first = (number - 1) * self.per_page + self.orphans
        if number > 1 and first > self.count_limit and (first > MAX_OFFSET or not self.object_list[first : first + 1]):
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number: int | str) -> Page[_T]:
        if self.count is not None:
            return super().page(number)
        number = self._whole_number(number)
        bottom = (number - 1) * self.per_page
        if bottom > MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        rows = list(self.object_list[bottom : bottom + self.per_page + self.orphans + 1])
        if number > 1 and len(rows) <= self.orphans:
            raise EmptyPage(self.error_messages["no_results"])
        has_next = len(rows) > self.per_page + self.orphans
        return CappedPage(rows[: self.per_page] if has_next else rows, number, self, has_next=has_next)

    def get_page(self, number: int | float | str | None) -> Page[_T]:
        if self.count is not None:
            return super().get_page(number)
        try:
            return self.page(number)  # type: ignore[arg-type]
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            self.__dict__["count"] = super().count  # Django's: every row
            self.__dict__.pop("num_pages", None)
            return self.page(self.num_pages or 1)

    def _whole_number(self, number: Any) -> int:
        """``number`` as a page number from 1, or Django's errors."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


class CappedPage(Page[_T]):
    """A page of a ``CappedPaginator`` that did not count to the end: it
    holds its rows and knows from the row after them whether a next page
    exists."""

    paginator: CappedPaginator[_T]

    def __init__(self, object_list: list[_T], number: int, paginator: CappedPaginator[_T], *, has_next: bool) -> None:
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def __repr__(self) -> str:
        return f"<Page {self.number} of more than {self.paginator.count_limit} rows>"

    def has_next(self) -> bool:
        return self._has_next

    def next_page_number(self) -> int:
        if not self._has_next:
            raise EmptyPage(self.paginator.error_messages["no_results"])
        return self.number + 1

    def previous_page_number(self) -> int:
        if self.number <= 1:
            raise EmptyPage(self.paginator.error_messages["min_page"])
        return self.number - 1

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self)


def list_page(rows: Any, request: HttpRequest, per_page: int | None = None) -> Page[Any]:
    """The page of ``rows`` this request asks for (``?page=``, by
    ``CappedPaginator.get_page``), ``per_page`` rows or ``PAGE_SIZE``."""
    return CappedPaginator(rows, per_page or PAGE_SIZE).get_page(request.GET.get("page"))


def rows_in_order(rows: QuerySet[Any], ids: Iterable[Any]) -> list[Any]:
    """The rows of ``rows`` whose keys are ``ids``, in that order: one query.

    A long list pages through its ids (``values_list("pk", flat=True)``), then
    reads the page's rows: the sort then carries the ids, not every joined
    column of every matching row (a district's 5,000 overdue cases, joined to
    their process, unit and person before the fifty newest were picked, took
    three times as long as their ids)."""
    ids = list(ids)
    found = {row.pk: row for row in rows.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def page_of_rows(rows: QuerySet[Any], request: HttpRequest, per_page: int | None = None) -> tuple[Page[Any], list[Any]]:
    """``list_page`` through the ids of ``rows``, and the page's rows (``rows_in_order``)."""
    page = list_page(rows.values_list("pk", flat=True), request, per_page)
    return page, rows_in_order(rows, page)
