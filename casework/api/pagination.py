from __future__ import annotations

from typing import Any

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from casework.web.paging import COUNT_LIMIT, CappedPaginator, rows_in_order

COUNT_DESCRIPTION = (
    f"How many match, when at most {COUNT_LIMIT:,}; null when more do (they are not counted): "
    "page on until `next` is null."
)


class Pages(PageNumberPagination):
    """``count``, ``next``, ``previous``, ``results``; ``?page=`` from 1 (past
    the last page: 404), ``?page_size=`` 1 to 200. A value that is not such a
    number (an empty one too) is a 400, not silently ignored.

    ``count`` is exact up to 1,000 (``COUNT_LIMIT``) and ``null`` past it:
    counting a district's tens of thousands of rows cost more than the page
    itself. ``next`` and ``previous`` are links whatever the count (the page
    reads one row more to know whether there is a next one)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CappedPaginator

    def get_page_size(self, request: Request) -> int:
        for name in (self.page_query_param, self.page_size_query_param):
            if len(request.query_params.getlist(name)) > 1:
                raise ValidationError({name: [_("%(name)s：只能给出一次。") % {"name": name}]})
        page = request.query_params.get(self.page_query_param)
        # Not int(): Python refuses to parse more than 4300 digits.
        if page is not None and not (page.isascii() and page.isdigit() and page.strip("0")):
            raise ValidationError({"page": [_("页码：应为正整数。")]})
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (
            raw.isascii() and raw.isdigit() and len(raw) <= 4 and 1 <= int(raw) <= self.max_page_size
        ):
            raise ValidationError(
                {"page_size": [_("每页条数：应为1到%(max)d之间的整数。") % {"max": self.max_page_size}]}
            )
        return super().get_page_size(request) or self.page_size

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        """DRF's, without its test ``num_pages > 1`` (for the browsable API's
        page controls, which the JSON-only API has not): past the limit the
        number of pages is None."""
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as error:
            raise NotFound(self.invalid_page_message.format(page_number=page_number, message=str(error))) from error
        return list(self.page)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"].update({"nullable": True, "description": COUNT_DESCRIPTION})
        return response

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters


class ByIds:
    """For a list view: page through the ids of ``get_queryset()``, then read
    the page's rows in their order (``rows_shown``; by default the same
    queryset's, ``casework.web.paging.rows_in_order``)."""

    def rows_shown(self, rows: Any, ids: list[Any]) -> list[Any]:
        return rows_in_order(rows, ids)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        view: Any = self
        rows = view.get_queryset()
        ids = view.paginate_queryset(rows.values_list("pk", flat=True))
        return view.get_paginated_response(view.get_serializer(self.rows_shown(rows, ids or []), many=True).data)
