"""The district's bargaining campaigns (集中要约) in the API: the list, a new
campaign (by range or a list of unit codes), one campaign with its figures.
A campaign outside the caller's scope answers 404 like one that does not
exist."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from casework.accounts.models import User
from casework.api.cases import LARGEST_ID
from casework.api.errors import body
from casework.bargaining.campaign_selection import KIND_LABELS, MAX_ENTERPRISES, Listed
from casework.bargaining.campaign_selectors import campaign_summary, campaigns
from casework.bargaining.campaign_services import SKIP_REASONS, campaign_start
from casework.bargaining.campaigns import Campaign
from casework.errors import LineErrors
from casework.org.models import Unit, UnitKind
from permissions.access import object_in_scope_or_404


class SkippedOut(serializers.Serializer):
    unit = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.ChoiceField(choices=list(SKIP_REASONS))
    reason_label = serializers.SerializerMethodField()
    case = serializers.IntegerField(allow_null=True, help_text="the case the enterprise already has, if any")
    number = serializers.CharField(allow_blank=True)

    def get_reason_label(self, item: dict[str, Any]) -> str:
        return str(SKIP_REASONS.get(item["reason"], item["reason"]))


class CampaignOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    year = serializers.IntegerField()
    district = serializers.IntegerField(source="district_id")
    district_name = serializers.CharField(source="district.name")
    offer_served_on = serializers.DateField()
    offered_by = serializers.CharField()
    selection = serializers.JSONField(help_text="how the enterprises were chosen: subtree, kinds, min_workers; or list")
    skipped = SkippedOut(many=True)
    created_by = serializers.CharField(source="created_by.username")
    created_at = serializers.DateTimeField()
    cases = serializers.IntegerField(source="total", help_text="bargaining cases started")
    signed = serializers.IntegerField()
    effective = serializers.IntegerField()


class StateCountOut(serializers.Serializer):
    state = serializers.CharField()
    state_label = serializers.CharField(source="label")
    cases = serializers.IntegerField()
    workers_covered = serializers.IntegerField()


class StreetOut(serializers.Serializer):
    unit = serializers.IntegerField(allow_null=True, source="unit.pk", help_text="null: directly under the district")
    code = serializers.CharField(allow_null=True, source="unit.code")
    name = serializers.CharField(allow_null=True, source="unit.name")
    cases = serializers.IntegerField()
    signed = serializers.IntegerField()
    effective = serializers.IntegerField()
    workers_covered = serializers.IntegerField()
    workers_in_force = serializers.IntegerField()
    signing_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, help_text="per cent")


class SummaryOut(serializers.Serializer):
    total = serializers.IntegerField()
    by_state = StateCountOut(many=True)
    replies_overdue = serializers.IntegerField(help_text="offers past the reply period, not yet answered")
    no_reply = serializers.IntegerField(help_text="no answer in time: the labour bureau was asked to coordinate")
    signed = serializers.IntegerField()
    effective = serializers.IntegerField()
    workers_covered = serializers.IntegerField(help_text="all the campaign's cases")
    workers_in_force = serializers.IntegerField(help_text="cases whose agreement is in force")
    signing_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, help_text="per cent")
    streets = StreetOut(many=True)


class CampaignDetailOut(CampaignOut):
    summary = serializers.SerializerMethodField()

    @extend_schema_field(SummaryOut)
    def get_summary(self, campaign: Campaign) -> dict[str, Any]:
        return dict(SummaryOut(campaign_summary(self.context["request"].user, campaign)).data)


class ListedIn(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    workers_covered = serializers.IntegerField(required=False, min_value=1, max_value=10_000_000)


class CampaignIn(serializers.Serializer):
    district = serializers.IntegerField(min_value=1, max_value=LARGEST_ID, help_text="the district starting it")
    name = serializers.CharField(max_length=100)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    offer_served_on = serializers.DateField()
    subtree = serializers.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID, help_text="a street or park of it; default: the district"
    )
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=list(KIND_LABELS)), required=False, min_length=1, max_length=2
    )
    min_workers = serializers.IntegerField(
        required=False, min_value=0, max_value=10_000_000, help_text="at least this many registered members"
    )
    units = serializers.ListField(
        child=ListedIn(), required=False, max_length=MAX_ENTERPRISES, help_text="instead of a range: units by code"
    )


class CampaignList(generics.ListCreateAPIView):
    """The campaigns in the caller's scope, newest first; POST starts one
    (district caseworkers): the offers are served, a case per enterprise."""

    serializer_class = CampaignOut

    def get_queryset(self) -> QuerySet[Campaign]:
        return campaigns(self.request.user)  # type: ignore[arg-type]

    @extend_schema(request=CampaignIn, responses={201: CampaignDetailOut})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CampaignIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user: User = request.user  # type: ignore[assignment]
        district = object_in_scope_or_404(user, Unit.objects.filter(kind=UnitKind.DISTRICT), pk=values["district"])
        subtree = None
        if "subtree" in values:
            subtree = object_in_scope_or_404(user, Unit.objects.all(), pk=values["subtree"])
        units = values.get("units")
        listed = None
        if units is not None:
            listed = [Listed(i, u["code"], u.get("workers_covered")) for i, u in enumerate(units, start=1)]
        try:
            campaign = campaign_start(
                district=district,
                name=values["name"],
                year=values.get("year"),
                offer_served_on=values["offer_served_on"],
                subtree=subtree,
                kinds=values.get("kinds"),
                min_workers=values.get("min_workers"),
                listed=listed,
                by=user,
            )
        except LineErrors as error:
            fields = {f"units[{line['line'] - 1}].{line['field']}": [line["message"]] for line in error.lines}
            return Response(body(error.code, str(error.message), fields), status=status.HTTP_400_BAD_REQUEST)
        fresh = campaigns(user).get(pk=campaign.pk)
        return Response(CampaignDetailOut(fresh, context={"request": request}).data, status=status.HTTP_201_CREATED)


class CampaignDetail(generics.RetrieveAPIView):
    """One campaign with its figures: by state, replies overdue, signed, in
    force, workers covered, and per street with its signing rate."""

    serializer_class = CampaignDetailOut

    def get_object(self) -> Campaign:
        return object_in_scope_or_404(self.request.user, campaigns(self.request.user), pk=self.kwargs["pk"])  # type: ignore[arg-type]


urlpatterns: list[URLPattern] = [
    path("bargaining/campaigns/", CampaignList.as_view(), name="bargaining-campaigns"),
    path("bargaining/campaigns/<int:pk>/", CampaignDetail.as_view(), name="bargaining-campaign"),
]
