from __future__ import annotations

from django.urls import path

from casework.hardship import batch_views, views

app_name = "hardship"
urlpatterns = [
    path("new/", views.file_case, name="file"),
    path("<int:pk>/payments/", views.request_payment, name="request-payment"),
    path("payments/<int:pk>/decide/", views.decide_payment, name="decide-payment"),
    path("batches/", batch_views.batch_list, name="batches"),
    path("batches/new/", batch_views.batch_new, name="batch-new"),
    path("batches/<int:pk>/", batch_views.batch_page, name="batch"),
    path("batches/<int:pk>/decide/", batch_views.batch_decide, name="batch-decide"),
    path("batches/<int:pk>/xlsx/", batch_views.batch_xlsx, name="batch-xlsx"),
]
