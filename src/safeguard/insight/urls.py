"""Paths under /insight/."""

from django.urls import path

from safeguard.insight import views

app_name = "insight"

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("download/<str:label>.xlsx", views.download_xlsx, name="download-xlsx"),
    path("download/<str:label>.csv", views.download_csv, name="download-csv"),
]
