"""What the API shows. Personal numbers are masked here, always; the reveal
endpoint is the only way to the full values, and it is logged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.accounts.models import User
from casework.org.models import Membership, Unit
from casework.people.idnumber import mask_id_number, mask_phone
from casework.people.models import Person
from permissions.roles import ROLES

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise


class Reason(serializers.RegexField):
    """A reason: text with at least one visible character. A number or any
    other JSON type is refused, not turned into text."""

    def __init__(self, **kwargs: Any) -> None:
        missing = _("理由：必填，请说明原因。")
        messages: dict[str, str | StrPromise] = dict.fromkeys(("required", "null", "blank", "invalid"), missing)
        super().__init__(r"\S", max_length=500, error_messages=messages, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    # A password is checked as typed: spaces at either end are part of it.
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()


class MembershipBrief(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    unit_code = serializers.CharField(source="unit.code")
    role = serializers.CharField()
    role_label = serializers.SerializerMethodField()

    def get_role_label(self, membership: Membership) -> str:
        return str(ROLES[membership.role].label)


class Me(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    memberships = MembershipBrief(many=True)
    actions = serializers.ListField(child=serializers.CharField())


class UnitOut(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "parent", "path", "depth", "closed_on"]


class PersonOut(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    mobile = serializers.SerializerMethodField()
    birth_year = serializers.SerializerMethodField()
    employer_name = serializers.CharField(source="employer.name", default=None)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "birth_year",
            "id_number",
            "mobile",
            "employer",
            "employer_name",
            "is_member",
            "is_migrant_worker",
            "new_form_category",
        ]

    def get_id_number(self, person: Person) -> str:
        return mask_id_number(person.id_number)

    def get_mobile(self, person: Person) -> str:
        return mask_phone(person.mobile)

    def get_birth_year(self, person: Person) -> int:
        return person.birth_date.year


class RevealIn(serializers.Serializer):
    reason = Reason(help_text="why the full numbers are needed")


class RevealOut(serializers.Serializer):
    id_number = serializers.CharField()
    mobile = serializers.CharField()


class MembershipOut(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    unit_name = serializers.CharField(source="unit.name")

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "unit", "unit_name", "role", "valid_from", "valid_until"]


class MembershipIn(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    unit = serializers.IntegerField()
    role = serializers.ChoiceField(choices=sorted(ROLES))
    valid_from = serializers.DateTimeField(required=False, allow_null=True)
    valid_until = serializers.DateTimeField(required=False, allow_null=True)


class MembershipEndIn(serializers.Serializer):
    reason = Reason()
    at = serializers.DateTimeField(required=False, allow_null=True)


def actions_of(memberships: list[Membership]) -> list[str]:
    found: set[str] = set()
    for membership in memberships:
        found |= ROLES[membership.role].actions
    return sorted(found)


def as_me(user: User, memberships: list[Membership]) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": user.display_name,
        "memberships": memberships,
        "actions": actions_of(memberships),
    }
