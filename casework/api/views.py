"""The API's base endpoints: token, me, units, people, memberships.
Every list starts from ``scope``; every detail from ``object_in_scope_or_404``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api import serializers as s
from casework.errors import RuleViolation
from casework.org.models import Membership, Unit
from casework.org.selectors import current_memberships
from casework.org.services import membership_end, membership_grant
from casework.people.models import Person
from casework.people.selectors import person_search
from casework.people.services import person_reveal
from permissions.access import acting_as, object_in_scope_or_404, scope

INTEGER = re.compile(r"-?[0-9]+")
# Beyond 64 bits no row has the id; int() itself refuses thousands of digits.
LONGEST_ID = len(str(2**63))


def whole_param(request: Request, name: str) -> int | None:
    """An optional id as a query parameter: any integer; anything else, an
    empty value too, is a 400 naming it. ASCII digits only: ``"²".isdigit()``
    is true, but ``int("²")`` fails. An id no row has (negative, zero,
    beyond 64 bits) simply matches nothing."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not INTEGER.fullmatch(raw):
        raise RuleViolation(_("%(name)s：应为整数。") % {"name": name}, code="invalid", field=name)
    return int(raw) if len(raw) <= LONGEST_ID else 0


def choice_param(request: Request, name: str, choices: Iterable[str]) -> str | None:
    """An optional query parameter from a fixed list; anything else (an
    empty value too: the schema's enum has no "") is a 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    allowed = list(choices)
    if raw not in allowed:
        raise RuleViolation(
            _("%(name)s：只能是%(choices)s之一。") % {"name": name, "choices": "、".join(allowed)},
            code="invalid",
            field=name,
        )
    return raw


class TokenView(APIView):
    """Exchange a username and password for a token (``Authorization: Token …``).
    Attempts count towards the login lockout like the login page's: a failure
    adds one, a success resets the count."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=s.TokenRequest, responses={200: s.TokenResponse})
    def post(self, request: Request) -> Response:
        data = s.TokenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request=request._request, **data.validated_data)
        if user is None or not user.is_active:
            raise RuleViolation(
                _("用户名或密码不正确，或账号已停用。"), code="auth.invalid_credentials", field="password"
            )
        # A token is a sign-in: the login page's signal resets the lockout
        # count (django-axes) and stamps last_login, here too.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    @extend_schema(responses=s.Me)
    def get(self, request: Request) -> Response:
        memberships = list(current_memberships(request.user))  # type: ignore[arg-type]
        return Response(s.Me(s.as_me(request.user, memberships)).data)  # type: ignore[arg-type]


@extend_schema(
    parameters=[
        OpenApiParameter("parent", int, description="only the children of this unit"),
        OpenApiParameter("q", str, description="code or name contains"),
    ]
)
class UnitList(generics.ListAPIView):
    serializer_class = s.UnitOut

    def get_queryset(self) -> QuerySet[Unit]:
        units = scope(self.request.user, Unit.objects.order_by("path"))
        parent = whole_param(self.request, "parent")
        if parent is not None:
            units = units.filter(parent_id=parent)
        q = self.request.query_params.get("q", "").strip()
        if q:
            units = units.filter(code__icontains=q) | units.filter(name__icontains=q)
        return units


class UnitDetail(generics.RetrieveAPIView):
    serializer_class = s.UnitOut

    def get_object(self) -> Unit:
        return object_in_scope_or_404(self.request.user, Unit.objects.all(), pk=self.kwargs["pk"])


@extend_schema(parameters=[OpenApiParameter("q", str, description="name, pinyin initials, last four of the ID")])
class PersonList(generics.ListAPIView):
    serializer_class = s.PersonOut

    def get_queryset(self) -> QuerySet[Person]:
        people = scope(self.request.user, Person.objects.select_related("employer").order_by("name", "id"))
        return person_search(people, self.request.query_params.get("q", ""))


class PersonDetail(generics.RetrieveAPIView):
    serializer_class = s.PersonOut

    def get_object(self) -> Person:
        return object_in_scope_or_404(
            self.request.user, Person.objects.select_related("employer"), pk=self.kwargs["pk"]
        )


class PersonReveal(APIView):
    """The full ID number and mobile, for roles allowed to see them, with a
    reason; every reveal is in the ledger (who, when, why)."""

    @extend_schema(request=s.RevealIn, responses={200: s.RevealOut})
    def post(self, request: Request, pk: int) -> Response:
        person = object_in_scope_or_404(request.user, Person.objects.all(), pk=pk)
        data = s.RevealIn(data=request.data)
        data.is_valid(raise_exception=True)
        shown = person_reveal(person=person, by=request.user, reason=data.validated_data["reason"])  # type: ignore[arg-type]
        return Response(shown)


class MembershipList(generics.ListCreateAPIView):
    serializer_class = s.MembershipOut

    def get_queryset(self) -> QuerySet[Membership]:
        return scope(self.request.user, Membership.objects.select_related("user", "unit").order_by("unit__path", "pk"))

    @extend_schema(request=s.MembershipIn, responses={201: s.MembershipOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.MembershipIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        unit = Unit.objects.filter(pk=values["unit"]).first()
        if unit is None or not scope(request.user, Unit.objects.filter(pk=unit.pk)).exists():
            raise RuleViolation(_("单位：不存在。"), code="not_found", field="unit")
        acting = acting_as(request.user, "membership.manage", unit)  # type: ignore[arg-type]
        membership = membership_grant(
            user=values["user"],
            unit=unit,
            role=values["role"],
            valid_from=values.get("valid_from"),
            valid_until=values.get("valid_until"),
            by=request.user,  # type: ignore[arg-type]
            acting_role=acting["role"],
            acting_unit=acting["unit"],
        )
        return Response(s.MembershipOut(membership).data, status=status.HTTP_201_CREATED)


class MembershipDetail(generics.RetrieveAPIView):
    serializer_class = s.MembershipOut

    def get_object(self) -> Membership:
        return object_in_scope_or_404(
            self.request.user, Membership.objects.select_related("user", "unit"), pk=self.kwargs["pk"]
        )


class MembershipEnd(APIView):
    @extend_schema(request=s.MembershipEndIn, responses={200: s.MembershipOut})
    def post(self, request: Request, pk: int) -> Response:
        membership = object_in_scope_or_404(request.user, Membership.objects.select_related("user", "unit"), pk=pk)
        data = s.MembershipEndIn(data=request.data)
        data.is_valid(raise_exception=True)
        acting = acting_as(request.user, "membership.manage", membership)  # type: ignore[arg-type]
        ended = membership_end(
            membership=membership,
            at=data.validated_data.get("at"),
            reason=data.validated_data["reason"],
            by=request.user,  # type: ignore[arg-type]
            acting_role=acting["role"],
            acting_unit=acting["unit"],
        )
        return Response(s.MembershipOut(ended).data)
