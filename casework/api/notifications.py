"""The caller's own notifications: list (``?unread=``), mark one read, mark
all read. Another user's notification answers 404, the same as none."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.views import choice_param
from notifications.events import Rendered, case_numbers, render_message
from notifications.models import OutboxMessage
from notifications.selectors import notification_of_or_404, notifications_of
from notifications.services import notification_mark_read, notifications_mark_all_read


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.CharField()
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    link = serializers.SerializerMethodField(help_text="the subject's page on this site, when it has one")
    subject_type = serializers.CharField()
    subject_id = serializers.CharField()
    payload = serializers.DictField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.SerializerMethodField()

    def _text(self, message: OutboxMessage) -> Rendered:
        cache: dict[int, Rendered] = self.context.setdefault("texts", {})
        if message.pk not in cache:
            cache[message.pk] = render_message(message, self.context.get("numbers"))
        return cache[message.pk]

    def get_title(self, message: OutboxMessage) -> str:
        return self._text(message).title

    def get_body(self, message: OutboxMessage) -> str:
        return self._text(message).body

    def get_link(self, message: OutboxMessage) -> str | None:
        return self._text(message).link

    def get_unread(self, message: OutboxMessage) -> bool:
        return message.read_at is None


class ReadAllOut(serializers.Serializer):
    marked = serializers.IntegerField(help_text="how many were unread")


@extend_schema(
    parameters=[OpenApiParameter("unread", str, enum=["true", "false"], description="only unread, or only read")]
)
class NotificationList(generics.ListAPIView):
    """My notifications, newest first."""

    serializer_class = NotificationOut

    def get_queryset(self) -> QuerySet[OutboxMessage]:
        unread = choice_param(self.request, "unread", ["true", "false"])
        return notifications_of(self.request.user, unread=None if unread is None else unread == "true")  # type: ignore[arg-type]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page) if page is not None else list(self.get_queryset())
        numbers = case_numbers((m.subject_type, m.subject_id) for m in rows)
        data = NotificationOut(rows, many=True, context={"request": request, "numbers": numbers}).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class NotificationRead(APIView):
    @extend_schema(request=None, responses=NotificationOut)
    def post(self, request: Request, pk: int) -> Response:
        message = notification_of_or_404(request.user, pk)  # type: ignore[arg-type]
        message = notification_mark_read(message=message, by=request.user)  # type: ignore[arg-type]
        return Response(NotificationOut(message).data)


class NotificationReadAll(APIView):
    @extend_schema(request=None, responses=ReadAllOut)
    def post(self, request: Request) -> Response:
        return Response({"marked": notifications_mark_all_read(by=request.user)})  # type: ignore[arg-type]
