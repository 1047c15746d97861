"""Paths under /insight/."""

from django.urls import path

from . import output_views, views

app_name = "insight"

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("download/<str:label>.xlsx", views.download_xlsx, name="download-xlsx"),
    path("download/<str:label>.csv", views.download_csv, name="download-csv"),
    path("download/<str:label>.pdf", views.download_pdf, name="download-pdf"),
    path("census/", output_views.census, name="census"),
    path("measures/", output_views.measures, name="measures"),
    path("measures/enter/", output_views.measure_enter, name="measure_enter"),
    path("comparison/", output_views.comparison, name="comparison"),
]
