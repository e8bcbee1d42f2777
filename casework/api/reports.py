"""``GET /api/v1/reports/summary/``: the year's figures of a unit (and the
units under it) for a period, as JSON (casework/reports)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.reports.selectors import report_summary, report_window
from casework.web.params import refuse_blank


class ReportGroupOut(serializers.Serializer):
    key = serializers.CharField()
    # "label" is a Field attribute of DRF's own: the group's words go out as "name".
    name = serializers.CharField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True, coerce_to_string=True)


class ReportFigureOut(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    measure = serializers.ChoiceField(choices=["count", "people", "yuan", "share", "days"])
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True, coerce_to_string=True)
    groups = ReportGroupOut(many=True)


class ReportSectionOut(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    figures = ReportFigureOut(many=True)


class ReportUnitOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ReportSummaryOut(serializers.Serializer):
    unit = ReportUnitOut()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    sections = ReportSectionOut(many=True)


class Summary(APIView):
    """Every figure of ``unit`` and the units under it (default: my own
    unit) from ``from`` to ``to`` (default: this year to date), computed
    from the records I see."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, description="the unit (and everything under it); default: my own"),
            OpenApiParameter("from", {"type": "string", "format": "date"}, description="first day; default 1 January"),
            OpenApiParameter("to", {"type": "string", "format": "date"}, description="last day; default today"),
        ],
        responses=ReportSummaryOut,
    )
    def get(self, request: Request) -> Response:
        refuse_blank(request.query_params, ("unit", "from", "to"))
        window = report_window(request.user, request.query_params)
        sections: list[dict[str, Any]] = [
            {
                "key": section.key,
                "title": str(section.title),
                "figures": [
                    {
                        "key": c.figure.key,
                        "name": str(c.figure.label),
                        "measure": c.figure.measure,
                        "value": c.value,
                        "groups": [{"key": g.key, "name": g.label, "value": g.value} for g in c.groups],
                    }
                    for c in computed
                ],
            }
            for section, computed in report_summary(window)
        ]
        unit = window.unit
        body = {
            "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
            "date_from": window.date_from,
            "date_to": window.date_to,
            "sections": sections,
        }
        return Response(ReportSummaryOut(body).data)
