"""The auditors' API: the trail searched (``GET /api/v1/trail/``) and the
integrity checks' kept results (``GET /api/v1/trail/checks/``). Reads only;
the filters are the auditor pages' (casework/audit/trail.py)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from casework.api.cases import TrailEntryOut
from casework.audit.filters import auditor
from casework.audit.integrity import integrity_checks
from casework.audit.models import IntegrityCheck
from casework.audit.trail import PARAMS, trail_query_parse, trail_search
from casework.ledger.models import LedgerEntry
from casework.web.params import refuse_blank

FILTERS = [
    OpenApiParameter("unit", int, description="entries about this unit and the units under it"),
    OpenApiParameter("case", str, description="one case, by its id or its number"),
    OpenApiParameter("actor", str, description="the actor's login name, exactly"),
    OpenApiParameter("action", str, description='an action code, exactly, or a prefix ending in "." ("hardship.")'),
    OpenApiParameter("state", str, description="the state left or entered"),
    OpenApiParameter("from", {"type": "string", "format": "date"}, description="recorded on or after (Asia/Shanghai)"),
    OpenApiParameter("to", {"type": "string", "format": "date"}, description="recorded on or before (Asia/Shanghai)"),
]


class TrailEntryFullOut(TrailEntryOut):
    prev_hash = serializers.CharField()


@extend_schema(parameters=FILTERS)
class TrailSearch(generics.ListAPIView):
    """Ledger entries in my scope matching every filter given, oldest first.
    A unit or case outside my scope answers 404."""

    serializer_class = TrailEntryFullOut

    def get_queryset(self) -> QuerySet[LedgerEntry]:
        user = auditor(self.request.user)
        refuse_blank(self.request.query_params, PARAMS)
        return trail_search(user, trail_query_parse(user, self.request.query_params))


class IntegrityCheckOut(serializers.ModelSerializer[IntegrityCheck]):
    requested_by = serializers.CharField(source="requested_by.username", default=None)

    class Meta:
        model = IntegrityCheck
        fields = [
            "id",
            "trigger",
            "requested_by",
            "started_at",
            "finished_at",
            "entries",
            "ok",
            "first_bad",
            "problem",
            "head_seq",
            "head",
            "files_checked",
            "files_bad",
            "head_lost",
        ]


class IntegrityCheckList(generics.ListAPIView):
    """The integrity checks' results, newest first (nightly, on demand, command line)."""

    serializer_class = IntegrityCheckOut

    def get_queryset(self) -> QuerySet[IntegrityCheck]:
        auditor(self.request.user)
        return integrity_checks()
