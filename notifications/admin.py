"""Operations: the delivery log (retry failed ones), webhook subscribers
(secret masked: shown in full once, when created or rotated; pause and
resume), and read-only lists of the outbox. Each action calls a service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.errors import RuleViolation
from notifications.models import Delivery, DeliveryStatus, NotificationPreference, OutboxMessage, WebhookSubscriber
from notifications.services import (
    delivery_retry,
    webhook_subscriber_pause,
    webhook_subscriber_resume,
    webhook_subscriber_rotate_secret,
    webhook_subscriber_save,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("at", "channel", "target", "attempt", "status", "status_code", "short_error", "retry_in")
    list_filter = ("channel", "status")
    search_fields = ("=delivery_id", "target")
    list_select_related = ("subscriber",)
    actions = ["retry"]
    show_full_result_count = False

    @admin.display(description=_("错误"))
    def short_error(self, delivery: Delivery) -> str:
        return delivery.error[:80]

    @admin.action(description=_("重试所选的失败投递"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        failed = queryset.filter(status=DeliveryStatus.FAILED)
        done = sum(delivery_retry(delivery=d, by=request.user) for d in failed)  # type: ignore[arg-type]
        messages.info(request, gettext("已重新排队%(n)d项投递。") % {"n": done})

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_delivery")


@admin.register(WebhookSubscriber)
class WebhookSubscriberAdmin(admin.ModelAdmin):
    list_display = ("unit", "url", "secret_masked", "active", "consecutive_failures", "owner", "last_success_at")
    list_filter = ("active",)
    search_fields = ("url", "unit__name", "unit__code")
    list_select_related = ("unit", "owner")
    autocomplete_fields = ("unit", "owner")
    fields = ("unit", "url", "owner", "description", "secret_masked", "active", "paused_at", "consecutive_failures")
    readonly_fields = ("secret_masked", "active", "paused_at", "consecutive_failures")
    actions = ["pause", "resume", "rotate_secret"]
    # An address typed without a scheme is taken as https (Django 6's default, asked for now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("签名密钥"))
    def secret_masked(self, subscriber: WebhookSubscriber) -> str:
        return subscriber.masked_secret if subscriber.pk else gettext("保存后生成，只显示一次")

    def changeform_view(
        self, request: HttpRequest, object_id: Any = None, form_url: str = "", extra_context: Any = None
    ) -> Any:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RuleViolation as error:
            self.message_user(request, str(error.message), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: WebhookSubscriber, form: Any, change: bool) -> None:
        secret = webhook_subscriber_save(subscriber=obj, by=request.user)  # type: ignore[arg-type]
        if secret:
            messages.warning(
                request,
                gettext("签名密钥（只显示这一次，请立即交给接收方保存）：%(secret)s") % {"secret": secret},
            )

    @admin.action(description=_("暂停所选订阅"))
    def pause(self, request: HttpRequest, queryset: QuerySet[WebhookSubscriber]) -> None:
        for subscriber in queryset:
            webhook_subscriber_pause(subscriber=subscriber, by=request.user, reason=gettext("管理员暂停"))  # type: ignore[arg-type]
        messages.info(request, gettext("已暂停。"))

    @admin.action(description=_("恢复所选订阅（补发暂停期间的事件）"))
    def resume(self, request: HttpRequest, queryset: QuerySet[WebhookSubscriber]) -> None:
        resent = 0
        for subscriber in queryset:
            resent += webhook_subscriber_resume(subscriber=subscriber, by=request.user)  # type: ignore[arg-type]
        messages.info(request, gettext("已恢复，补发%(n)d个事件。") % {"n": resent})

    @admin.action(description=_("更换签名密钥"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookSubscriber]) -> None:
        for subscriber in queryset:
            secret = webhook_subscriber_rotate_secret(subscriber=subscriber, by=request.user)  # type: ignore[arg-type]
            messages.warning(
                request,
                gettext("%(subscriber)s 的新签名密钥（只显示这一次）：%(secret)s")
                % {"subscriber": subscriber, "secret": secret},
            )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnly):
    list_display = ("created_at", "event", "recipient", "subject_type", "subject_id", "delivered_at", "read_at")
    list_filter = ("event",)
    search_fields = ("=subject_id", "recipient__username")
    list_select_related = ("recipient",)
    show_full_result_count = False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_enabled", "language", "updated_at")
    list_filter = ("email_enabled", "language")
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)
