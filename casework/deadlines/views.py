"""The case page's clock form: pause or resume the open step's clock."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.cases.models import Case
from casework.cases.selectors import case_open_task
from casework.deadlines.services import deadline_pause, deadline_resume
from casework.errors import CaseworkError, NotAllowed
from permissions.access import object_in_scope_or_404


@login_required
@require_POST
def case_clock(request: HttpRequest, pk: int) -> HttpResponse:
    case = object_in_scope_or_404(request.user, Case.objects.all(), pk=pk)
    task = case_open_task(case)
    if task is None:
        raise PermissionDenied(_("此案件没有待办步骤。"))
    change = deadline_pause if request.POST.get("change") == "pause" else deadline_resume
    try:
        change(task=task, by=request.user, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except CaseworkError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("已暂停计时。") if change is deadline_pause else _("已恢复计时，办理期限已顺延。"))
    return redirect("cases:case", pk=case.pk)
