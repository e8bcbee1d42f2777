"""Pages of delegation: my delegations given and held, giving one to a
colleague of the same role and unit, taking one back."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.accounts.models import User
from casework.cases.delegation import Delegation, delegation_give, delegation_revoke
from casework.errors import CaseworkError, NotAllowed, RuleViolation
from casework.org.models import Membership
from permissions.access import can


def _day(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise RuleViolation(_("日期格式应为YYYY-MM-DD。"), code="field_date_invalid", field=field) from None


@login_required
def delegation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = list(Membership.objects.current().filter(user=user).select_related("unit"))  # type: ignore[misc]
    # Colleagues: the same role at the same unit, for each of my memberships
    # (read at once, not a query per membership).
    held: dict[tuple[str, int], list[User]] = {(m.role, m.unit_id): [] for m in mine}
    others = (
        Membership.objects.current()
        .filter(role__in={role for role, _unit in held}, unit__in={unit for _role, unit in held})
        .exclude(user=user)  # type: ignore[misc]
        .select_related("user")
        .order_by("pk")
    )
    for other in others:
        if (other.role, other.unit_id) in held:
            held[(other.role, other.unit_id)].append(other.user)
    colleagues = {m.pk: held[(m.role, m.unit_id)] for m in mine}
    error = None
    if request.method == "POST":
        membership = next((m for m in mine if str(m.pk) == request.POST.get("membership")), None)
        delegate = (
            next((u for u in colleagues.get(membership.pk, []) if str(u.pk) == request.POST.get("delegate")), None)
            if membership
            else None
        )
        try:
            if membership is None:
                raise RuleViolation(_("角色：请选择要委托的角色。"), code="field_required", field="role")
            if delegate is None:
                raise RuleViolation(
                    _("受托人：须是在同一单位担任同一角色的同事。"), code="delegation.not_a_colleague", field="delegate"
                )
            delegation_give(
                by=user,  # type: ignore[arg-type]
                delegate=delegate,
                role=membership.role,
                unit=membership.unit,
                starts_on=_day(request.POST.get("starts_on", ""), "starts_on"),
                ends_on=_day(request.POST.get("ends_on", ""), "ends_on"),
                reason=request.POST.get("reason", ""),
            )
        except CaseworkError as exc:
            error = exc
        else:
            messages.success(request, _("已委托，委托期内受托人可以办理您认领的任务。"))
            return redirect("cases:delegations")
    rows = Delegation.objects.filter(Q(delegator=user) | Q(delegate=user)).select_related(
        "delegator", "delegate", "unit"
    )
    context = {
        "memberships": [(m, colleagues[m.pk]) for m in mine],
        "delegations": rows.order_by("-starts_on", "-pk"),
        "error": error,
        "posted": request.POST,
    }
    return render(request, "cases/delegations.html", context, status=400 if error else 200)


@login_required
@require_POST
def delegation_take_back(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = Delegation.objects.select_related("unit").filter(pk=pk).first()
    user: User = request.user  # type: ignore[assignment]
    if delegation is None or (delegation.delegator_id != user.pk and not can(user, "membership.view", delegation)):
        raise Http404
    try:
        delegation_revoke(delegation=delegation, by=user, reason=request.POST.get("reason", ""))
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except CaseworkError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("委托已收回。"))
    return redirect("cases:delegations")
