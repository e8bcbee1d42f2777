from __future__ import annotations

from django.urls import path

from casework.hardship import views

app_name = "hardship"
urlpatterns = [
    path("new/", views.file_case, name="file"),
    path("<int:pk>/payments/", views.request_payment, name="request-payment"),
    path("payments/<int:pk>/decide/", views.decide_payment, name="decide-payment"),
]
