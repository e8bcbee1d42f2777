"""Admin pages for the registry. Thin: the forms check with the same rules as
the services, and saving calls the services (so each save is one ledger entry).

Display is masked: lists, the change page and the history show ID numbers
and phones masked; the change page takes a *new* ID number or phone instead of
showing the stored one. Revealing a full value (with a logged reason) comes
with the access-control issue. Nothing is deleted here: there is no service
for it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from casework.people.models import HouseholdMember, Person
from casework.people.rules import FieldError, household_member_clean, person_clean
from casework.people.selectors import person_search
from casework.people.services import household_member_add, person_register, person_update

_EDITABLE = ("name", "employer", "is_member", "member_since", "is_migrant_worker", "new_form_category")


def _add_errors(form: forms.ModelForm, errors: list[FieldError], rename: dict[str, str]) -> None:
    for error in errors:
        name = rename.get(error.field, error.field)
        form.add_error(name if name in form.fields else None, error.message)


PERSON_ADD_FIELDS = ("name", "id_number", "mobile", *_EDITABLE[1:])


class PersonAddForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_ADD_FIELDS

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        values, errors = person_clean({k: data.get(k) for k in PERSON_ADD_FIELDS})
        _add_errors(self, errors, {})
        if not errors and Person.objects.filter(id_number=values["id_number"]).exists():
            self.add_error("id_number", _("身份证号：该号码已登记，同一身份证号只能登记一人。"))
        return data

    def validate_unique(self) -> None:
        # Checked in clean() on the normalised number (a lower-case x is the same number).
        pass


class PersonChangeForm(forms.ModelForm):
    new_id_number = forms.CharField(
        label=_("更正身份证号"), required=False, max_length=32, help_text=_("留空则不变。原号码不在此显示。")
    )
    new_mobile = forms.CharField(label=_("新手机号"), required=False, max_length=32, help_text=_("留空则不变。"))
    clear_mobile = forms.BooleanField(label=_("清除手机号"), required=False)

    class Meta:
        model = Person
        fields = _EDITABLE

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes = {k: data.get(k) for k in _EDITABLE}
        if data.get("new_id_number"):
            changes["id_number"] = data["new_id_number"]
        if data.get("clear_mobile"):
            changes["mobile"] = ""
        elif data.get("new_mobile"):
            changes["mobile"] = data["new_mobile"]
        return changes

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        current = Person.objects.get(pk=self.instance.pk)
        merged = {
            "name": current.name,
            "id_number": current.id_number,
            "mobile": current.mobile,
            **{k: getattr(current, k) for k in _EDITABLE},
            **self.changes(),
        }
        employer_changed = merged["employer"] != current.employer
        values, errors = person_clean(merged, check_employer_open=employer_changed)
        _add_errors(self, errors, {"id_number": "new_id_number", "mobile": "new_mobile"})
        if (
            not errors
            and values["id_number"] != current.id_number
            and Person.objects.filter(id_number=values["id_number"]).exists()
        ):
            self.add_error("new_id_number", _("身份证号：该号码已登记，同一身份证号只能登记一人。"))
        return data


class HouseholdInline(admin.TabularInline):
    model = HouseholdMember
    fields = ("name", "relation", "masked_id_number", "monthly_income")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, member: HouseholdMember) -> str:
        return member.masked_id_number


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "masked_id_number",
        "gender",
        "masked_mobile",
        "employer",
        "is_member",
        "is_migrant_worker",
        "new_form_category",
    )
    list_filter = ("is_member", "is_migrant_worker", "new_form_category", "gender")
    list_select_related = ("employer",)
    # Non-empty so the search box shows; the search itself is person_search.
    search_fields = ("name",)
    search_help_text = _("按姓名、拼音首字母（如 zs）或身份证号后四位查找。")
    show_full_result_count = False
    inlines = (HouseholdInline,)

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, person: Person) -> str:
        return person.masked_id_number

    @admin.display(description=_("手机号"))
    def masked_mobile(self, person: Person) -> str:
        return person.masked_mobile

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Person], search_term: str
    ) -> tuple[QuerySet[Person], bool]:
        return person_search(queryset, search_term), False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = PersonChangeForm if obj is not None else PersonAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("masked_id_number", "masked_mobile", "gender", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        user = request.user if request.user.is_authenticated else None
        if change:
            person = person_update(person=obj, by=user, **form.changes())
        else:
            person = person_register(by=user, **{k: form.cleaned_data.get(k) for k in PERSON_ADD_FIELDS})
        # The admin logs and redirects with ``obj``: give it the saved state.
        obj.__dict__.update({k: v for k, v in person.__dict__.items() if not k.startswith("_")})

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


HOUSEHOLD_ADD_FIELDS = ("person", "name", "relation", "id_number", "monthly_income")


class HouseholdMemberAddForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = HOUSEHOLD_ADD_FIELDS

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        values, errors = household_member_clean({k: data.get(k) for k in HOUSEHOLD_ADD_FIELDS[1:]})
        _add_errors(self, errors, {})
        person = data.get("person")
        if not errors and person is not None and values["id_number"]:
            if values["id_number"] == person.id_number:
                self.add_error("id_number", _("身份证号：家庭成员不能是本人。"))
            elif person.household.filter(id_number=values["id_number"]).exists():
                self.add_error("id_number", _("身份证号：该家庭成员已登记。"))
        return data

    def validate_unique(self) -> None:
        # Checked in clean() on the normalised number.
        pass


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(admin.ModelAdmin):
    list_display = ("name", "relation", "masked_id_number", "person")
    list_filter = ("relation",)
    list_select_related = ("person",)
    raw_id_fields = ("person",)
    form = HouseholdMemberAddForm
    search_fields = ("name",)
    search_help_text = _("按家庭成员姓名，或所属人员的姓名、拼音首字母、身份证号后四位查找。")
    show_full_result_count = False

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, member: HouseholdMember) -> str:
        return member.masked_id_number

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[HouseholdMember], search_term: str
    ) -> tuple[QuerySet[HouseholdMember], bool]:
        if not search_term.strip():
            return queryset, False
        people = person_search(Person.objects.all(), search_term)
        return queryset.filter(person__in=people) | queryset.filter(name__contains=search_term.strip()), False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        if obj is None:
            return list(HOUSEHOLD_ADD_FIELDS)
        return ["person", "name", "relation", "masked_id_number", "monthly_income", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else self.get_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: HouseholdMember, form: Any, change: bool) -> None:
        data = form.cleaned_data
        member = household_member_add(
            person=data["person"],
            by=request.user if request.user.is_authenticated else None,
            name=data["name"],
            relation=data["relation"],
            id_number=data.get("id_number") or "",
            monthly_income=data["monthly_income"],
        )
        obj.__dict__.update({k: v for k, v in member.__dict__.items() if not k.startswith("_")})

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
