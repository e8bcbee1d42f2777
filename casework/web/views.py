"""Pages. Thin: read through selectors, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casework.web.selectors import home_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"page": home_page(user=request.user)})
