"""Pages of the district's bargaining campaigns (集中要约): the campaigns in
scope, a new campaign (by range or from an uploaded list), one campaign
with its figures, streets and enterprises, and its XLSX."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from casework.accounts.models import User
from casework.bargaining.campaign_exports import campaign_workbook
from casework.bargaining.campaign_selection import KIND_LABELS, listed_from_file
from casework.bargaining.campaign_selectors import (
    campaign_case_rows,
    campaign_summary,
    campaigns,
    start_districts,
    street_names,
)
from casework.bargaining.campaign_services import SKIP_REASONS, campaign_start
from casework.bargaining.campaigns import Campaign
from casework.bargaining.choices import State
from casework.errors import CaseworkError, LineErrors, NotAllowed, RuleViolation
from casework.hardship.exports import XLSX_TYPE
from casework.ledger.models import LedgerEntry
from casework.ledger.services import subject_of
from casework.org.models import Unit, UnitKind
from casework.web.paging import list_page
from permissions.access import object_in_scope_or_404

UPLOAD_LIMIT = 5 * 1024 * 1024
SOURCES = [("subtree", _l("按范围选取")), ("list", _l("上传企业名单"))]


class CampaignForm(forms.Form):
    district = forms.ModelChoiceField(label=_l("区总工会"), queryset=Unit.objects.none(), empty_label=None)
    name = forms.CharField(label=_l("活动名称"), max_length=100)
    year = forms.IntegerField(label=_l("年度"), required=False, min_value=2000, max_value=2100)
    offer_served_on = forms.DateField(
        label=_l("要约送达日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    source = forms.ChoiceField(label=_l("选取企业"), choices=SOURCES, initial="subtree", widget=forms.RadioSelect)
    subtree = forms.ModelChoiceField(label=_l("范围"), queryset=Unit.objects.none(), required=False)
    kinds = forms.MultipleChoiceField(
        label=_l("单位类型"),
        choices=list(KIND_LABELS.items()),
        initial=[UnitKind.ENTERPRISE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_workers = forms.IntegerField(label=_l("会员人数下限"), required=False, min_value=0)
    file = forms.FileField(
        label=_l("企业名单（CSV或XLSX）"),
        required=False,
        help_text=_l("第一行为表头，须有“单位代码”一列，可有“覆盖职工人数”一列。"),
    )

    def __init__(self, *args: Any, districts: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Unit.objects.filter(pk__in=[u.pk for u in districts])  # type: ignore[attr-defined]
        ranges = Unit.objects.none()
        for district in districts:
            ranges |= Unit.objects.filter(
                path__startswith=district.path, kind__in=(UnitKind.DISTRICT, UnitKind.STREET, UnitKind.PARK)
            )
        self.fields["subtree"].queryset = ranges.order_by("path")  # type: ignore[attr-defined]
        self.fields["offer_served_on"].initial = timezone.localdate()


# Where a service's refusal is shown on the form.
FORM_FIELDS = {
    "district",
    "name",
    "year",
    "offer_served_on",
    "subtree",
    "kinds",
    "min_workers",
    "file",
}


def _show(form: CampaignForm, error: CaseworkError) -> None:
    field = "file" if error.field == "units" else error.field
    if isinstance(error, LineErrors):
        for line in error.lines[:50]:
            form.add_error("file", _("第%(line)d行：%(message)s") % line)
    form.add_error(field if field in FORM_FIELDS else None, str(error.message))


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    page = list_page(campaigns(user), request)
    return render(request, "bargaining/campaign_list.html", {"page": page, "may_start": bool(start_districts(user))})


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    """Name the campaign and the day its offers were served, then choose the
    enterprises by range (kind, minimum members) or upload their list."""
    user: User = request.user  # type: ignore[assignment]
    districts = start_districts(user)
    if not districts:
        raise PermissionDenied(_("只有区总工会工作人员可以发起集中要约。"))
    form = CampaignForm(request.POST or None, request.FILES or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            listed = None
            if values["source"] == "list":
                upload = values.get("file")
                if upload is None:
                    raise RuleViolation(_("企业名单：请选择要上传的文件。"), code="field_required", field="file")
                if upload.size > UPLOAD_LIMIT:
                    raise RuleViolation(_("企业名单：文件不能超过5MB。"), code="file_too_large", field="file")
                listed = listed_from_file(upload.read(), upload.name or "")
            campaign = campaign_start(
                district=values["district"],
                name=values["name"],
                year=values["year"],
                offer_served_on=values["offer_served_on"],
                subtree=values["subtree"] if listed is None else None,
                kinds=values["kinds"] if listed is None else None,
                min_workers=values["min_workers"] if listed is None else None,
                listed=listed,
                by=user,
            )
        except NotAllowed as error:
            raise PermissionDenied(str(error.message)) from error
        except CaseworkError as error:
            _show(form, error)
        else:
            started = campaign.cases.count()
            messages.success(
                request,
                _("集中要约已发起：%(n)d家企业已送达要约，%(skipped)d家未纳入。")
                % {"n": started, "skipped": len(campaign.skipped)},
            )
            return redirect("campaigns:campaign", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "bargaining/campaign_new.html", {"form": form}, status=status)


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return object_in_scope_or_404(request.user, Campaign.objects.select_related("district", "created_by"), pk=pk)


@login_required
def campaign_page(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    campaign = _campaign(request, pk)
    summary = campaign_summary(user, campaign)
    state = request.GET.get("state")
    state = state if state in State.values else None
    overdue = request.GET.get("overdue") == "1"
    page = list_page(campaign_case_rows(user, campaign, state=state, overdue=overdue), request)
    names = street_names(campaign, [case.unit_path for case in page])
    rows = [{"case": case, "street": names.get(case.unit_path, "")} for case in page]
    trail = (
        LedgerEntry.objects.filter(subject_type=subject_of(campaign)[0], subject_id=subject_of(campaign)[1])
        .select_related("actor", "actor_unit")
        .order_by("seq")
    )
    skipped = [{**item, "reason_label": SKIP_REASONS.get(item["reason"], item["reason"])} for item in campaign.skipped]
    context = {
        "campaign": campaign,
        "summary": summary,
        "page": page,
        "rows": rows,
        "states": State.choices,
        "state": state,
        "overdue": overdue,
        "skipped": skipped,
        "trail": trail,
        "offer_served": State.OFFER_SERVED,
    }
    return render(request, "bargaining/campaign.html", context)


@login_required
def campaign_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    response = HttpResponse(campaign_workbook(request.user, campaign), content_type=XLSX_TYPE)  # type: ignore[arg-type]
    response["Content-Disposition"] = f'attachment; filename="bargaining-campaign-{campaign.pk}.xlsx"'
    return response
