"""Honours in the API: campaigns (list, open, one with its places used
and the composition of its list), nominations (list, nominate, one with
its checks, vetting, tally and objections), and a department's vetting
answer with its letter. The steps themselves (notices, reviews, the votes,
approval, award, publication) go through the generic task API."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.accounts.models import User
from casework.api.cases import LARGEST_ID, CaseBrief, TaskBrief, with_open_tasks
from casework.api.serializers import Reason
from casework.api.views import choice_param, whole_param
from casework.cases.documents import Attachment, DocumentKind
from casework.errors import NotAllowed
from casework.honours.choices import Level, State
from casework.honours.models import Campaign, HonourNomination, HonourType, Revocation, VettingRequest
from casework.honours.selectors import campaign_summary, campaigns_seen, nomination_checks, vote_tally
from casework.honours.services import (
    honours_campaign_open,
    honours_list_approve,
    honours_nominate,
    honours_revocation_decide,
    honours_revocation_propose,
    honours_vetting_answer,
)
from casework.honours.transitions import DISTRICT_DECIDERS, DISTRICT_STAFF, UNIT_RECORDERS
from casework.org.models import Unit
from casework.org.selectors import current_memberships
from casework.people.models import Person
from permissions.access import REFUSALS, object_in_scope_or_404, require, scope


class HonoursCampaignOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    year = serializers.IntegerField()
    honour_type = serializers.CharField(source="honour_type.code")
    level = serializers.CharField()
    district = serializers.IntegerField(source="district_id")
    nominations_close_on = serializers.DateField()
    composition = serializers.JSONField()


class QuotaUseOut(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    name = serializers.CharField(source="unit.name")
    places = serializers.IntegerField()
    in_running = serializers.IntegerField()
    on_list = serializers.IntegerField()
    approved = serializers.IntegerField()


class ShareOut(serializers.Serializer):
    group = serializers.CharField()
    minimum = serializers.IntegerField(help_text="percent")
    count = serializers.IntegerField()
    total = serializers.IntegerField()
    met = serializers.BooleanField()


class HonoursCampaignDetailOut(HonoursCampaignOut):
    quotas = serializers.SerializerMethodField()
    composition_shares = serializers.SerializerMethodField()

    @extend_schema_field(QuotaUseOut(many=True))
    def get_quotas(self, campaign: Campaign) -> list[dict[str, Any]]:
        return [dict(QuotaUseOut(q).data) for q in self.context["summary"].quotas]

    @extend_schema_field(ShareOut(many=True))
    def get_composition_shares(self, campaign: Campaign) -> list[dict[str, Any]]:
        return [dict(ShareOut(s).data) for s in self.context["summary"].shares]


class HonoursCampaignIn(serializers.Serializer):
    district = serializers.IntegerField()
    honour_type = serializers.CharField(help_text="model_worker, advanced_worker, may_day_medal, model_workers_home")
    level = serializers.ChoiceField(choices=Level.choices)
    year = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    nominations_close_on = serializers.CharField(help_text="YYYY-MM-DD")
    quotas = serializers.DictField(child=serializers.IntegerField(), help_text="street or park id → places")
    composition = serializers.DictField(
        child=serializers.IntegerField(), required=False, help_text="group → minimum share in percent"
    )


def _holds_one_of(request: Request, roles: frozenset[str]) -> None:
    """Before reading a body that names the unit: the user holds one of
    ``roles`` somewhere (the unit's own check follows), else 403."""
    if not any(m.role in roles for m in current_memberships(cast(User, request.user))):
        raise NotAllowed(REFUSALS["access.no_role"], code="access.no_role")


class HonoursCampaignList(generics.ListCreateAPIView):
    """The honours campaigns in my scope, newest first; open one (district staff)."""

    serializer_class = HonoursCampaignOut

    def get_queryset(self) -> QuerySet[Campaign]:
        return campaigns_seen(self.request.user)  # type: ignore[arg-type]

    @extend_schema(request=HonoursCampaignIn, responses={201: HonoursCampaignOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _holds_one_of(request, DISTRICT_STAFF)
        body = HonoursCampaignIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        district = object_in_scope_or_404(request.user, Unit.objects.all(), pk=values.pop("district"))
        require(request.user, "case.prepare", district, roles=DISTRICT_STAFF)
        honour_type = HonourType.objects.filter(code=values.pop("honour_type")).first()
        if honour_type is None:
            raise serializers.ValidationError({"honour_type": ["荣誉类型：没有这一类型。"]})
        quotas = {
            object_in_scope_or_404(request.user, Unit.objects.all(), pk=int(pk)): places
            for pk, places in values.pop("quotas").items()
            if str(pk).isdigit() and 0 < int(pk) <= LARGEST_ID
        }
        campaign = honours_campaign_open(
            district=district,
            honour_type=honour_type,
            quotas=quotas,
            by=cast(User, request.user),
            **values,
        )
        return Response(HonoursCampaignOut(campaign).data, status=status.HTTP_201_CREATED)


class HonoursCampaignDetail(APIView):
    @extend_schema(responses=HonoursCampaignDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        if not 0 < pk <= LARGEST_ID:
            raise Http404
        campaign = object_in_scope_or_404(request.user, campaigns_seen(request.user), pk=pk)  # type: ignore[arg-type]
        return Response(HonoursCampaignDetailOut(campaign, context={"summary": campaign_summary(campaign)}).data)


class VettingOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    department = serializers.CharField()
    asked_on = serializers.DateField()
    answer = serializers.CharField()
    reason = serializers.CharField()
    answered_on = serializers.DateField(allow_null=True)


class ObjectionOut(serializers.Serializer):
    raised_on = serializers.DateField()
    upheld = serializers.BooleanField(allow_null=True)
    resolved = serializers.SerializerMethodField()

    def get_resolved(self, objection: Any) -> bool:
        return objection.resolved_at is not None


class CheckOut(serializers.Serializer):
    check = serializers.CharField(source="label")
    data_source = serializers.CharField(source="source")
    finding = serializers.CharField(allow_null=True)


class TallyOut(serializers.Serializer):
    members = serializers.IntegerField()
    voted = serializers.IntegerField()
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    abstain = serializers.IntegerField()


class NominationOut(CaseBrief):
    campaign = serializers.IntegerField(source="campaign_id")
    person = serializers.IntegerField(source="person_id", allow_null=True)
    category = serializers.CharField()
    ownership = serializers.CharField()
    tasks = serializers.SerializerMethodField()

    @extend_schema_field(TaskBrief(many=True))
    def get_tasks(self, case: HonourNomination) -> list[dict[str, Any]]:
        return [dict(TaskBrief(t).data) for t in getattr(case, "open_tasks", [])]


class RevocationOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    grounds = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    revoked = serializers.BooleanField(allow_null=True)
    decision_reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class NominationDetailOut(NominationOut):
    vetting = VettingOut(many=True)
    objections = ObjectionOut(many=True)
    revocations = RevocationOut(many=True)
    checks = serializers.SerializerMethodField()
    tally = serializers.SerializerMethodField()

    @extend_schema_field(CheckOut(many=True))
    def get_checks(self, case: HonourNomination) -> list[dict[str, Any]]:
        return [dict(CheckOut(c).data) for c in nomination_checks(case, timezone.localdate())]

    @extend_schema_field(TallyOut)
    def get_tally(self, case: HonourNomination) -> dict[str, Any]:
        return dict(TallyOut(vote_tally(case)).data)


class VoteIn(serializers.Serializer):
    vote_body = serializers.CharField()
    voted_on = serializers.CharField(help_text="YYYY-MM-DD")
    vote_total = serializers.IntegerField()
    vote_present = serializers.IntegerField()
    vote_yes = serializers.IntegerField()
    vote_no = serializers.IntegerField(required=False, default=0)
    vote_abstain = serializers.IntegerField(required=False, default=0)


class NominationIn(serializers.Serializer):
    campaign = serializers.IntegerField()
    unit = serializers.IntegerField(help_text="the nominating grass-roots union (the unit, for a Home)")
    person = serializers.IntegerField(required=False, allow_null=True, help_text="the nominee; none for a unit honour")
    deeds = serializers.CharField(allow_blank=True)
    category = serializers.CharField(required=False, allow_blank=True, default="")
    ownership = serializers.CharField()
    vote = VoteIn()
    unionisation_rate = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    satisfaction_rate = serializers.CharField(required=False, allow_blank=True, allow_null=True)


def _detail(queryset: QuerySet[HonourNomination]) -> QuerySet[HonourNomination]:
    return with_open_tasks(queryset.select_related("campaign__honour_type", "unit", "person")).prefetch_related(
        "vetting", "objections", "revocations"
    )


@extend_schema(
    parameters=[
        OpenApiParameter("campaign", int),
        OpenApiParameter("state", str, enum=[s.value for s in State]),
    ]
)
class NominationList(generics.ListCreateAPIView):
    """Nominations in my scope, newest first; nominate (an enterprise union's chair)."""

    serializer_class = NominationOut

    def get_queryset(self) -> QuerySet[HonourNomination]:
        found = HonourNomination.objects.all()
        campaign = whole_param(self.request, "campaign")
        state = choice_param(self.request, "state", State.values)
        if campaign is not None:
            found = found.filter(campaign_id=campaign)
        if state is not None:
            found = found.filter(state=state)
        return with_open_tasks(scope(self.request.user, found).order_by("-pk"))

    @extend_schema(request=NominationIn, responses={201: NominationDetailOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _holds_one_of(request, UNIT_RECORDERS)
        body = NominationIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        unit = object_in_scope_or_404(request.user, Unit.objects.all(), pk=values.pop("unit"))
        require(request.user, "case.file", unit, roles=UNIT_RECORDERS)
        campaign = Campaign.objects.filter(pk=values.pop("campaign"), district__path__in=_above(unit)).first()
        if campaign is None:
            raise Http404
        person_id = values.pop("person", None)
        person = object_in_scope_or_404(request.user, Person.objects.all(), pk=person_id) if person_id else None
        case = honours_nominate(
            campaign=campaign,
            unit=unit,
            person=person,
            by=cast(User, request.user),
            **values,
        )
        fresh = _detail(HonourNomination.objects.filter(pk=case.pk)).get()
        return Response(NominationDetailOut(fresh).data, status=status.HTTP_201_CREATED)


def _above(unit: Unit) -> list[str]:
    from casework.org.models import unit_path_ancestors

    return unit_path_ancestors(unit.path)


def _nomination(request: Request, pk: int) -> HonourNomination:
    if not 0 < pk <= LARGEST_ID:
        raise Http404
    return object_in_scope_or_404(request.user, _detail(HonourNomination.objects.all()), pk=pk)


class NominationDetail(APIView):
    @extend_schema(responses=NominationDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(NominationDetailOut(_nomination(request, pk)).data)


class VettingAnswerIn(serializers.Serializer):
    answer = serializers.CharField(help_text="clear or veto")
    answered_on = serializers.CharField(help_text="YYYY-MM-DD")
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="required for a veto")
    file = serializers.FileField(allow_empty_file=True, help_text="the department's letter: PDF, JPEG or PNG")


class VettingAnswer(APIView):
    """Record one department's answer with its letter (multipart). When the
    last answer is in, the system joins the vetting in the same request."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=VettingAnswerIn, responses=NominationDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        if not 0 < pk <= LARGEST_ID:
            raise Http404
        vetting = VettingRequest.objects.filter(pk=pk).first()
        if vetting is None:
            raise Http404
        case = _nomination(request, vetting.nomination_id)  # outside one's scope: 404 as well
        require(request.user, "case.prepare", case, roles=DISTRICT_STAFF)
        body = VettingAnswerIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        honours_vetting_answer(
            request=vetting,
            answer=values["answer"],
            answered_on=values["answered_on"],
            reason=values["reason"],
            documents=[Attachment(values["file"], DocumentKind.LETTER)],
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(NominationDetailOut(_nomination(request, case.pk)).data)


class RevocationProposeIn(serializers.Serializer):
    grounds = serializers.CharField(allow_blank=True)
    file = serializers.FileField(allow_empty_file=True, help_text="the papers the grounds rest on: PDF, JPEG or PNG")


class RevocationPropose(APIView):
    """District staff propose to revoke an awarded honour (multipart)."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=RevocationProposeIn, responses={201: NominationDetailOut})
    def post(self, request: Request, pk: int) -> Response:
        case = _nomination(request, pk)
        require(request.user, "case.prepare", case, roles=DISTRICT_STAFF)
        body = RevocationProposeIn(data=request.data)
        body.is_valid(raise_exception=True)
        honours_revocation_propose(
            nomination=case,
            grounds=body.validated_data["grounds"],
            documents=[Attachment(body.validated_data["file"], DocumentKind.RECORD)],
            by=cast(User, request.user),
        )
        return Response(NominationDetailOut(_nomination(request, pk)).data, status=status.HTTP_201_CREATED)


class RevocationDecideIn(serializers.Serializer):
    revoke = serializers.BooleanField()
    reason = Reason()


class RevocationDecide(APIView):
    """A district approver, never the proposer, decides with reasons."""

    @extend_schema(request=RevocationDecideIn, responses=NominationDetailOut)
    def post(self, request: Request, pk: int) -> Response:
        if not 0 < pk <= LARGEST_ID:
            raise Http404
        revocation = Revocation.objects.filter(pk=pk).first()
        if revocation is None:
            raise Http404
        case = _nomination(request, revocation.nomination_id)  # outside one's scope: 404 as well
        require(request.user, "case.decide", case, roles=DISTRICT_DECIDERS)
        body = RevocationDecideIn(data=request.data)
        body.is_valid(raise_exception=True)
        honours_revocation_decide(
            revocation=revocation,
            revoke=body.validated_data["revoke"],
            reason=body.validated_data["reason"],
            by=cast(User, request.user),
        )
        return Response(NominationDetailOut(_nomination(request, case.pk)).data)


class HonoursCampaignApprove(APIView):
    """Approve the campaign's whole list at once (district approvers): each
    nomination awaiting approval is its own step; all or nothing."""

    @extend_schema(request=None, responses=NominationOut(many=True))
    def post(self, request: Request, pk: int) -> Response:
        if not 0 < pk <= LARGEST_ID:
            raise Http404
        campaign = object_in_scope_or_404(request.user, campaigns_seen(request.user), pk=pk)  # type: ignore[arg-type]
        require(request.user, "case.decide", campaign.district, roles=DISTRICT_DECIDERS)
        approved = honours_list_approve(campaign=campaign, by=cast(User, request.user))
        return Response(NominationOut(approved, many=True).data)


urlpatterns: list[URLPattern] = [
    path("honours/campaigns/", HonoursCampaignList.as_view(), name="honours-campaigns"),
    path("honours/campaigns/<int:pk>/", HonoursCampaignDetail.as_view(), name="honours-campaign"),
    path("honours/campaigns/<int:pk>/approve/", HonoursCampaignApprove.as_view(), name="honours-campaign-approve"),
    path("honours/nominations/", NominationList.as_view(), name="honours-nominations"),
    path("honours/nominations/<int:pk>/", NominationDetail.as_view(), name="honours-nomination"),
    path("honours/vetting/<int:pk>/answer/", VettingAnswer.as_view(), name="honours-vetting-answer"),
    path("honours/nominations/<int:pk>/revocations/", RevocationPropose.as_view(), name="honours-revocation-propose"),
    path("honours/revocations/<int:pk>/decide/", RevocationDecide.as_view(), name="honours-revocation-decide"),
]
