"""A case's documents over the API: the list, and attaching one with a
multipart upload (docs/documents.md). The file itself is downloaded through
the case page's scoped view."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from casework.api.cases import case_in_scope
from casework.cases.documents import CaseDocument, DocumentKind
from casework.cases.selectors import case_documents
from casework.cases.services import case_document_attach
from casework.errors import RuleViolation


class DocumentOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    name = serializers.CharField(source="original_name", help_text="the uploader's file name")
    size = serializers.IntegerField(help_text="bytes")
    content_type = serializers.CharField(help_text="from the file's first bytes, not from the upload")
    sha256 = serializers.CharField()
    uploaded_by = serializers.SerializerMethodField()
    uploaded_at = serializers.DateTimeField()
    ledger_seq = serializers.IntegerField(
        source="ledger_entry_id", allow_null=True, help_text="the trail entry that lists the file as evidence"
    )
    download = serializers.SerializerMethodField(help_text="the file, for a signed-in browser session")

    def get_uploaded_by(self, document: CaseDocument) -> str | None:
        return document.uploaded_by.get_username() if document.uploaded_by is not None else None

    def get_download(self, document: CaseDocument) -> str:
        return reverse("cases:document", args=[document.case_id, document.pk])


class DocumentIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    # An empty file is refused by the document rules, with the pages' message.
    file = serializers.FileField(allow_empty_file=True, help_text="PDF, JPEG or PNG, by content; at most the limit")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class CaseDocuments(generics.ListCreateAPIView):
    """A case's documents, oldest first. POST (multipart: ``kind``, ``file``,
    ``reason``) attaches one on its own, for whoever holds the case's current
    step: one trail entry ``case.document_attached`` with the file's SHA-256."""

    serializer_class = DocumentOut
    parser_classes = [MultiPartParser]

    def get_queryset(self) -> QuerySet[CaseDocument]:
        return case_documents(case_in_scope(self.request, self.kwargs))

    @extend_schema(request=DocumentIn, responses={201: DocumentOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = case_in_scope(request, self.kwargs)
        body = DocumentIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        try:
            document = case_document_attach(
                case=case,
                uploaded_file=values["file"],
                kind=values["kind"],
                reason=values.get("reason", ""),
                by=request.user,  # type: ignore[arg-type]
            )
        except RuleViolation as error:
            if error.field == "documents":
                error.field = "file"  # this endpoint's name for it
            raise
        return Response(DocumentOut(document).data, status=status.HTTP_201_CREATED)
