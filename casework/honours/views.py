"""The honours pages of their own: the campaigns (open one, its page with
places used per street, the composition of its list, its nominations and
the list for publication as XLSX and PDF), a nomination, the records the
checks read, and on the case page the vote, the checks, the vetting with
its answer forms, the committee's tally and the notices' objections. The
steps are the case page's own (casework/cases/views.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.accounts.models import User
from casework.cases.documents import Attachment, DocumentKind
from casework.cases.views import case_page_refused
from casework.errors import CaseworkError, NotAllowed, RuleViolation
from casework.hardship.exports import XLSX_TYPE
from casework.honours.choices import HELD_STATES, Category, Group, Level, Ownership, State, VoteBody
from casework.honours.exports import publication_pdf, publication_workbook
from casework.honours.models import Campaign, HonourNomination, HonourType, Objection, Revocation, VettingRequest
from casework.honours.selectors import (
    campaign_nominations,
    campaign_summary,
    campaigns_open_to,
    campaigns_seen,
    nomination_checks,
    vote_tally,
)
from casework.honours.services import (
    INVESTIGATORS,
    NOTICE_STATES,
    honours_campaign_open,
    honours_list_approve,
    honours_nominate,
    honours_objection_record,
    honours_objection_resolve,
    honours_record_accident,
    honours_record_arrears,
    honours_record_held,
    honours_revocation_decide,
    honours_revocation_propose,
    honours_vetting_answer,
)
from casework.honours.transitions import DISTRICT_DECIDERS, DISTRICT_STAFF
from casework.org.models import Unit, UnitKind
from casework.people.models import Person
from permissions.access import can, object_in_scope_or_404, scope

VOTE_FIELDS = ("vote_body", "voted_on", "vote_total", "vote_present", "vote_yes", "vote_no", "vote_abstain")
VETTING_STATES = (State.VETTING, State.VETTING_FOLLOW_UP)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _districts(user: User) -> list[Unit]:
    """The districts where the user may open a campaign or enter records."""
    found = scope(user, Unit.objects.filter(kind=UnitKind.DISTRICT, closed_on=None).order_by("path"), "case.prepare")
    return [u for u in found if can(user, "case.prepare", u, roles=DISTRICT_STAFF)]


@login_required
def honours_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "honours/home.html",
        {
            "campaigns": campaigns_seen(user),
            "open_to_me": campaigns_open_to(user, timezone.localdate()),
            "may_open": bool(_districts(user)),
        },
    )


def _refuse(error: NotAllowed) -> PermissionDenied:
    return PermissionDenied(str(error.message))


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    districts = _districts(user)
    if not districts:
        raise PermissionDenied(_("您不能发起评选活动。"))
    streets = list(
        Unit.objects.filter(kind__in=[UnitKind.STREET, UnitKind.PARK], closed_on=None, parent__in=districts).order_by(
            "path"
        )
    )
    posted = request.POST if request.method == "POST" else {}
    context: dict[str, Any] = {
        "districts": districts,
        "quota_rows": [(s, posted.get(f"quota_{s.pk}")) for s in streets],
        "share_rows": [(g, label, posted.get(f"share_{g}")) for g, label in Group.choices],
        "honour_types": HonourType.objects.all(),
        "levels": Level.choices,
        "posted": posted,
    }
    if request.method == "POST":
        district = next((u for u in districts if str(u.pk) == posted.get("district")), None)
        try:
            if district is None:
                raise RuleViolation(_("区总工会：请选择。"), code="field_required", field="district")
            honour_type = HonourType.objects.filter(pk=posted.get("honour_type") or 0).first()
            if honour_type is None:
                raise RuleViolation(_("荣誉类型：请选择。"), code="field_required", field="honour_type")
            quotas = {s: posted.get(f"quota_{s.pk}", "") for s in streets if posted.get(f"quota_{s.pk}", "").strip()}
            composition = {
                g: posted.get(f"share_{g}", "") for g in Group.values if posted.get(f"share_{g}", "").strip()
            }
            campaign = honours_campaign_open(
                district=district,
                honour_type=honour_type,
                level=posted.get("level", ""),
                year=posted.get("year", ""),
                name=posted.get("name", ""),
                nominations_close_on=posted.get("nominations_close_on", ""),
                quotas=quotas,
                composition=composition,
                by=user,
            )
        except NotAllowed as error:
            raise _refuse(error) from error
        except CaseworkError as error:
            context["error"] = error
            return render(request, "honours/campaign_new.html", context, status=400)
        messages.success(request, _("评选活动已发起。"))
        return redirect("honours:campaign", pk=campaign.pk)
    return render(request, "honours/campaign_new.html", context)


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return object_in_scope_or_404(request.user, Campaign.objects.select_related("district", "honour_type"), pk=pk)


@login_required
def campaign_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    state = request.GET.get("state") if request.GET.get("state") in State.values else None
    user = _user(request)
    return render(
        request,
        "honours/campaign.html",
        {
            "may_approve_list": can(user, "case.decide", campaign.district, roles=DISTRICT_DECIDERS)
            and campaign.nominations.filter(state=State.APPROVAL).exists(),
            "campaign": campaign,
            "summary": campaign_summary(campaign),
            "nominations": campaign_nominations(_user(request), campaign, state),
            "state": state,
            "states": State.choices,
        },
    )


@login_required
@require_POST
def campaign_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the campaign's whole list at once (district approvers)."""
    campaign = _campaign(request, pk)
    try:
        approved = honours_list_approve(campaign=campaign, by=_user(request))
    except NotAllowed as error:
        raise _refuse(error) from error
    except CaseworkError as error:
        messages.error(request, str(error.message))
        return redirect("honours:campaign", pk=campaign.pk)
    messages.success(request, _("已审定%(n)d名人选。") % {"n": len(approved)})
    return redirect("honours:campaign", pk=campaign.pk)


@login_required
def campaign_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    response = HttpResponse(publication_workbook(_user(request), campaign), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="honours-{campaign.pk}.xlsx"'
    return response


@login_required
def campaign_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    response = HttpResponse(publication_pdf(_user(request), campaign), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="honours-{campaign.pk}.pdf"'
    return response


@login_required
def nomination_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    open_to_me = campaigns_open_to(user, timezone.localdate())
    if not open_to_me:
        raise PermissionDenied(_("没有您可以推荐的评选活动。"))
    posted = request.POST if request.method == "POST" else {}
    context: dict[str, Any] = {
        "open_to_me": open_to_me,
        "posted": posted,
        "categories": Category.choices,
        "ownerships": Ownership.choices,
        "vote_bodies": VoteBody.choices,
    }
    if request.method == "POST":
        chosen = next(((c, us) for c, us in open_to_me if str(c.pk) == posted.get("campaign")), None)
        try:
            if chosen is None:
                raise RuleViolation(_("评选活动：请选择。"), code="field_required", field="campaign")
            campaign, units = chosen
            unit = next((u for u in units if str(u.pk) == posted.get("unit")), None)
            if unit is None:
                raise RuleViolation(_("推荐单位：请选择。"), code="field_required", field="unit")
            person = None
            if not campaign.honour_type.for_units:
                number = posted.get("id_number", "").strip().upper()
                person = scope(user, Person.objects.all()).filter(id_number=number).first()
                if person is None:
                    raise RuleViolation(
                        _("被推荐人身份证号：登记册中没有此人，请先登记人员。"),
                        code="honours.person_unknown",
                        field="id_number",
                    )
            case = honours_nominate(
                campaign=campaign,
                unit=unit,
                person=person,
                deeds=posted.get("deeds", ""),
                category=posted.get("category", ""),
                ownership=posted.get("ownership", ""),
                vote={name: posted.get(name, "") for name in VOTE_FIELDS},
                unionisation_rate=posted.get("unionisation_rate", ""),
                satisfaction_rate=posted.get("satisfaction_rate", ""),
                documents=[Attachment(f, DocumentKind.RECORD) for f in request.FILES.getlist("documents")],
                by=user,
            )
        except NotAllowed as error:
            raise _refuse(error) from error
        except CaseworkError as error:
            context["error"] = error
            return render(request, "honours/new.html", context, status=400)
        messages.success(request, _("已推荐，请在本单位公示。"))
        return redirect("cases:case", pk=case.pk)
    return render(request, "honours/new.html", context)


def case_page_honours(request: HttpRequest, case: HonourNomination) -> dict[str, Any]:
    """What the case page shows of a nomination beyond its steps."""
    user = _user(request)
    in_vetting = case.state in VETTING_STATES
    notice = NOTICE_STATES.get(case.state)
    investigators = INVESTIGATORS.get(case.state)
    staff = can(user, "case.prepare", case, roles=DISTRICT_STAFF)
    return {
        "nomination": case,
        "checks": nomination_checks(case, timezone.localdate()) if case.state not in (State.PUBLISHED,) else [],
        "vetting": list(case.vetting.select_related("recorded_by")),
        "may_answer": in_vetting and staff,
        "answers": [("clear", _("无异议")), ("veto", _("有否决事项"))],
        # While the vote is open, members see only that it is open: no one votes knowing the count.
        "tally": vote_tally(case) if case.votes.exists() and (staff or case.state != State.COMMITTEE) else None,
        "votes": list(case.votes.select_related("member")) if staff or case.state != State.COMMITTEE else [],
        "objections": list(case.objections.all()),
        "may_record_objection": notice is not None and can(user, notice[0], case, roles=notice[1]),
        "revocations": list(case.revocations.select_related("proposed_by", "decided_by")),
        "may_propose_revocation": case.state in HELD_STATES
        and staff
        and not any(r.decided_at is None for r in case.revocations.all()),
        "may_decide_revocation": can(user, "case.decide", case, roles=DISTRICT_DECIDERS),
        "may_resolve": investigators is not None and can(user, investigators[0], case, roles=investigators[1]),
    }


def _nomination(request: HttpRequest, pk: int) -> HonourNomination:
    return object_in_scope_or_404(
        request.user, HonourNomination.objects.select_related("unit", "person", "campaign"), pk=pk
    )


def _post(request: HttpRequest, case: HonourNomination, write: Callable[[], Any], done: str) -> HttpResponse:
    try:
        write()
    except NotAllowed as error:
        raise _refuse(error) from error
    except CaseworkError as error:
        return case_page_refused(request, case, honours_error=error)
    messages.success(request, done)
    return redirect("cases:case", pk=case.pk)


@login_required
@require_POST
def vetting_answer(request: HttpRequest, pk: int) -> HttpResponse:
    vetting = VettingRequest.objects.filter(pk=pk).first()
    if vetting is None:
        raise Http404
    case = _nomination(request, vetting.nomination_id)  # outside one's scope: 404 as well
    return _post(
        request,
        case,
        lambda: honours_vetting_answer(
            request=vetting,
            answer=request.POST.get("answer", ""),
            answered_on=request.POST.get("answered_on", ""),
            reason=request.POST.get("reason", ""),
            documents=[Attachment(f, DocumentKind.LETTER) for f in request.FILES.getlist("documents")],
            by=_user(request),
        ),
        _("联审意见已登记。"),
    )


@login_required
@require_POST
def objection_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = _nomination(request, pk)
    return _post(
        request,
        case,
        lambda: honours_objection_record(
            case=case,
            objector=request.POST.get("objector", ""),
            content=request.POST.get("content", ""),
            raised_on=request.POST.get("raised_on", ""),
            by=_user(request),
        ),
        _("异议已登记。"),
    )


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int, objection_pk: int) -> HttpResponse:
    case = _nomination(request, pk)
    objection = Objection.objects.filter(case=case, pk=objection_pk).first()
    if objection is None:
        raise Http404
    return _post(
        request,
        case,
        lambda: honours_objection_resolve(
            objection=objection,
            upheld=request.POST.get("upheld") == "1",
            resolution=request.POST.get("resolution", ""),
            by=_user(request),
        ),
        _("异议处理结果已登记。"),
    )


@login_required
def records_page(request: HttpRequest) -> HttpResponse:
    """The records the automatic checks read: wage arrears and safety
    accidents at units, and honours held from before this system or from
    elsewhere, entered by district staff."""
    from casework.honours.models import HonourHeld, SafetyAccident, WageArrears

    user = _user(request)
    if not _districts(user):
        raise PermissionDenied(_("您不能登记评选核查记录。"))
    units = scope(user, Unit.objects.filter(kind__in=["enterprise", "institution"], closed_on=None).order_by("path"))
    context: dict[str, Any] = {
        "arrears": scope(user, WageArrears.objects.select_related("unit")).order_by("-found_on")[:100],
        "accidents": scope(user, SafetyAccident.objects.select_related("unit")).order_by("-occurred_on")[:100],
        "held": scope(user, HonourHeld.objects.select_related("person", "unit", "honour_type")).order_by("-awarded_on")[
            :100
        ],
        "honour_types": HonourType.objects.all(),
        "levels": Level.choices,
        "units": units,
        "posted": request.POST if request.method == "POST" else {},
    }
    if request.method == "POST":
        unit = units.filter(pk=request.POST.get("unit") or 0).first()
        kind = request.POST.get("kind")
        try:
            if kind == "held":
                _held_record(request, user, unit)
            elif unit is None:
                raise RuleViolation(_("单位：请选择。"), code="field_required", field="unit")
            elif kind == "accident":
                honours_record_accident(
                    unit=unit,
                    occurred_on=request.POST.get("occurred_on", ""),
                    serious=request.POST.get("serious") == "1",
                    description=request.POST.get("description", ""),
                    source=request.POST.get("source", ""),
                    by=user,
                )
            else:
                honours_record_arrears(
                    unit=unit,
                    found_on=request.POST.get("found_on", ""),
                    amount=request.POST.get("amount", ""),
                    source=request.POST.get("source", ""),
                    by=user,
                )
        except NotAllowed as error:
            raise _refuse(error) from error
        except CaseworkError as error:
            context["error"] = error
            return render(request, "honours/records.html", context, status=400)
        messages.success(request, _("已登记。"))
        return redirect("honours:records")
    return render(request, "honours/records.html", context)


def _held_record(request: HttpRequest, user: User, unit: Unit | None) -> None:
    """An honour held: a person's (by ID number) or, with none given, the unit's."""
    number = request.POST.get("id_number", "").strip().upper()
    person = scope(user, Person.objects.all()).filter(id_number=number).first() if number else None
    if number and person is None:
        raise RuleViolation(_("获得者身份证号：登记册中没有此人。"), code="honours.person_unknown", field="id_number")
    honour_type = HonourType.objects.filter(pk=request.POST.get("honour_type") or 0).first()
    if honour_type is None:
        raise RuleViolation(_("荣誉类型：请选择。"), code="field_required", field="honour_type")
    honours_record_held(
        honour_type=honour_type,
        level=request.POST.get("level", ""),
        awarded_on=request.POST.get("awarded_on", ""),
        source=request.POST.get("source", ""),
        person=person,
        unit=None if person else unit,
        by=user,
    )


@login_required
@require_POST
def revocation_propose(request: HttpRequest, pk: int) -> HttpResponse:
    case = _nomination(request, pk)
    return _post(
        request,
        case,
        lambda: honours_revocation_propose(
            nomination=case,
            grounds=request.POST.get("grounds", ""),
            documents=[Attachment(f, DocumentKind.RECORD) for f in request.FILES.getlist("documents")],
            by=_user(request),
        ),
        _("撤销提议已提交。"),
    )


@login_required
@require_POST
def revocation_decide(request: HttpRequest, pk: int, revocation_pk: int) -> HttpResponse:
    case = _nomination(request, pk)
    revocation = Revocation.objects.filter(nomination=case, pk=revocation_pk).first()
    if revocation is None:
        raise Http404
    return _post(
        request,
        case,
        lambda: honours_revocation_decide(
            revocation=revocation,
            revoke=request.POST.get("revoke") == "1",
            reason=request.POST.get("reason", ""),
            by=_user(request),
        ),
        _("撤销提议已决定。"),
    )
