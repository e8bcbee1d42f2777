"""The page of a case step. Each flow's human steps use this one view; the
step's own fields come from its transition's data schema."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def case_step_view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    # The task pages arrive with the hardship pages (issue 5); until then a
    # step is taken through casework.cases.tasks.task_complete.
    raise Http404
