"""Admin pages for units and memberships. Thin: every save calls a service
(one ledger entry per change), never a raw ``save()``.

The forms check by running the same services inside a savepoint that is
always rolled back (``_dry_run``), so the page shows exactly the rules the
service applies, next to the field they are about, and nothing is written
until the form is valid. Nothing is deleted here: closing a unit or ending a
membership is how things stop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casework.errors import RuleViolation
from casework.org.models import Membership, Unit
from casework.org.selectors import current_memberships
from casework.org.services import (
    membership_end,
    membership_grant,
    unit_close,
    unit_create,
    unit_move,
    unit_rename,
)
from permissions.roles import ADMINISTRATOR

# The service's ``field`` → the form field that shows the error.
_FIELD_NAMES = {"new_parent": "parent", "at": "end_at", "reason": "reason"}


class _DryRun(Exception):
    """Raised to roll the savepoint back after a successful check."""


def _dry_run(form: forms.BaseForm, work: Callable[[], Any], rename: dict[str, str] | None = None) -> None:
    """Run ``work`` (service calls) in a savepoint that is always rolled
    back; show a RuleViolation on the field it names."""
    try:
        with transaction.atomic():
            work()
            raise _DryRun
    except _DryRun:
        pass
    except RuleViolation as exc:
        names = {**_FIELD_NAMES, **(rename or {})}
        name = names.get(exc.field or "", exc.field)
        form.add_error(name if name in form.fields else None, str(exc.message))


def _actor(request: HttpRequest) -> dict[str, Any]:
    """Who acts, and as what: the user's current administrator membership
    nearest the top of the tree, if any."""
    user = request.user if request.user.is_authenticated else None
    if user is None:
        return {"by": None}
    held = current_memberships(user).filter(role=ADMINISTRATOR).order_by("unit__depth").first()
    return {"by": user, "role": held.role if held else "", "unit": held.unit if held else None}


def _acting(actor: dict[str, Any]) -> dict[str, Any]:
    """The same, spelled the way the services other than unit_create take it."""
    return {"by": actor["by"], "acting_role": actor.get("role", ""), "acting_unit": actor.get("unit")}


def _open_units() -> QuerySet[Unit]:
    return Unit.objects.filter(closed_on__isnull=True).order_by("path")


class UnitAddForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ("code", "name", "kind", "parent")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.actor: dict[str, Any] = kwargs.pop("actor", {"by": None})
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _open_units()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors:
            _dry_run(self, lambda: unit_create(**self.service_kwargs(), **self.actor))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"code": data["code"], "name": data["name"], "kind": data["kind"], "parent": data.get("parent")}

    def validate_unique(self) -> None:
        # The service checks the code, ignoring case; the dry run reported it.
        pass


class UnitChangeForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("上级单位"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("改变上级单位即迁移本单位及其全部下级单位。"),
    )
    reason = forms.CharField(
        label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("迁移或撤销时必填。")
    )

    class Meta:
        model = Unit
        fields = ("name", "parent", "closed_on", "merged_into")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.actor: dict[str, Any] = kwargs.pop("actor", {"by": None})
        super().__init__(*args, **kwargs)
        # Absent when the page is read-only (a closed unit).
        if "parent" in self.fields:
            subtree = _open_units().exclude(path__startswith=self.instance.path)
            self.fields["parent"].queryset = subtree  # type: ignore[attr-defined]
        if "merged_into" in self.fields:
            self.fields["merged_into"].queryset = _open_units().exclude(pk=self.instance.pk)  # type: ignore[attr-defined]

    def changes(self) -> list[Callable[[], Any]]:
        """The service calls this form asks for, in order: rename, move, close."""
        current = Unit.objects.get(pk=self.instance.pk)
        data = self.cleaned_data
        acting = _acting(self.actor)
        reason = data.get("reason") or ""
        calls: list[Callable[[], Any]] = []
        if data.get("name") and data["name"] != current.name:
            calls.append(lambda: unit_rename(unit=current, name=data["name"], reason=reason, **acting))
        if (data["parent"].pk if data.get("parent") else None) != current.parent_id:
            calls.append(lambda: unit_move(unit=current, new_parent=data.get("parent"), reason=reason, **acting))
        if data.get("closed_on"):
            merged_into = data.get("merged_into")
            calls.append(
                lambda: unit_close(
                    unit=current, closed_on=data["closed_on"], merged_into=merged_into, reason=reason, **acting
                )
            )
        return calls

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("merged_into") and not data.get("closed_on"):
            self.add_error("closed_on", _("撤销日期：填写并入单位时必须同时填写撤销日期。"))
        if not self.errors:
            calls = self.changes()
            _dry_run(self, lambda: [call() for call in calls])
        return data

    def _post_clean(self) -> None:
        # The model's checks would compare the form's values with the row;
        # the dry run above already checked them the way the services do.
        pass


class ClosedFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("open", _("存续")), ("closed", _("已撤销"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "open":
            return queryset.filter(closed_on__isnull=True)
        if self.value() == "closed":
            return queryset.filter(closed_on__isnull=False)
        return queryset


class _ServiceAdmin(admin.ModelAdmin):
    """Shared: the form gets the actor; a rule that fails between the check
    and the save (someone else changed the tree) becomes a message."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        actor = _actor(request)

        class WithActor(form):  # type: ignore[valid-type, misc]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, actor=actor, **inner)

        return WithActor

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RuleViolation as exc:
            self.message_user(request, str(exc.message), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(_ServiceAdmin):
    list_display = ("tree_name", "code", "kind", "depth", "parent", "closed_on")
    list_filter = ("kind", ClosedFilter)
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    search_help_text = _("按单位代码或名称查找。")
    ordering = ("path",)
    show_full_result_count = False
    list_per_page = 200

    @admin.display(description=_("名称"), ordering="path")
    def tree_name(self, unit: Unit) -> str:
        # Indent by depth so the list reads as the tree.
        return format_html('<span style="padding-left:{}em">{}</span>', f"{unit.depth * 1.5:g}", unit.name)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = UnitChangeForm if obj is not None else UnitAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        if obj is None:
            return ["code", "name", "kind", "parent"]
        if obj.closed_on is not None:
            return ["code", "name", "kind", "parent", "path", "depth", "closed_on", "merged_into", "created_at"]
        return ["code", "kind", "path", "depth", "name", "parent", "closed_on", "merged_into", "reason", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        if obj.closed_on is not None:
            return self.get_fields(request, obj)
        return ["code", "kind", "path", "depth", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A closed unit is history: viewable, not changeable.
        return super().has_change_permission(request, obj) and (obj is None or obj.closed_on is None)

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if change:
            for call in form.changes():
                call()
            saved = Unit.objects.get(pk=obj.pk)
        else:
            saved = unit_create(**form.service_kwargs(), **form.actor)
        # The admin logs and redirects with ``obj``: give it the saved state.
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False


class MembershipAddForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "unit", "role", "valid_from", "valid_until")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.actor: dict[str, Any] = kwargs.pop("actor", {"by": None})
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _open_units()  # type: ignore[attr-defined]
        self.fields["valid_from"].required = False
        self.fields["valid_from"].initial = None
        self.fields["valid_from"].help_text = _("留空则立即生效。")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data.get(k) for k in ("user", "unit", "role", "valid_from", "valid_until")}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors:
            _dry_run(self, lambda: membership_grant(**self.service_kwargs(), **_acting(self.actor)))
        return data

    def _post_clean(self) -> None:
        # An empty valid_from means "now" in the service; the model would refuse None.
        pass


class MembershipEndForm(forms.ModelForm):
    end = forms.BooleanField(label=_("终止此任职"), required=False)
    end_at = forms.DateTimeField(label=_("终止时间"), required=False, help_text=_("留空则立即终止。"))
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Membership
        fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.actor: dict[str, Any] = kwargs.pop("actor", {"by": None})
        super().__init__(*args, **kwargs)

    def end_call(self) -> Callable[[], Any] | None:
        data = self.cleaned_data
        if not data.get("end"):
            return None
        membership = Membership.objects.get(pk=self.instance.pk)
        return lambda: membership_end(
            membership=membership, at=data.get("end_at"), reason=data.get("reason") or "", **_acting(self.actor)
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        call = self.end_call() if not self.errors else None
        if call is not None:
            _dry_run(self, call, {"membership": "end"})
        return data


class CurrentFilter(admin.SimpleListFilter):
    title = _("是否有效")
    parameter_name = "current"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("当前有效")), ("no", _("已终止或未生效"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        current = Membership.objects.current().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=current)
        if self.value() == "no":
            return queryset.exclude(pk__in=current)
        return queryset


@admin.register(Membership)
class MembershipAdmin(_ServiceAdmin):
    list_display = ("user", "role", "unit", "valid_from", "valid_until", "is_current")
    list_filter = ("role", CurrentFilter, "unit__kind")
    list_select_related = ("user", "unit")
    search_fields = ("user__username", "unit__code", "unit__name")
    search_help_text = _("按用户名、单位代码或单位名称查找。")
    autocomplete_fields = ("user", "unit")
    show_full_result_count = False

    @admin.display(description=_("当前有效"), boolean=True)
    def is_current(self, membership: Membership) -> bool:
        now = timezone.now()
        return membership.valid_from <= now and (membership.valid_until is None or membership.valid_until > now)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = MembershipEndForm if obj is not None else MembershipAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        if obj is None:
            return ["user", "unit", "role", "valid_from", "valid_until"]
        shown = ["user", "unit", "role", "valid_from", "valid_until", "granted_by", "created_at"]
        return shown if self._ended(obj) else [*shown, "end", "end_at", "reason"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["user", "unit", "role", "valid_from", "valid_until", "granted_by", "created_at"]

    @staticmethod
    def _ended(membership: Membership) -> bool:
        return membership.valid_until is not None and membership.valid_until <= timezone.now()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or not self._ended(obj))

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            call = form.end_call()
            if call is None:
                return
            saved = call()
        else:
            saved = membership_grant(**form.service_kwargs(), **_acting(form.actor))
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False
