"""Information sharing: decisions, consent, grants, break-glass, requests and the sharing log."""

from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("", views.index, name="index"),
    path("people/<uuid:person_id>/", views.person, name="person"),
    path("people/<uuid:person_id>/share/", views.share, name="share"),
    path("people/<uuid:person_id>/request/", views.request_create, name="request-create"),
    path("people/<uuid:person_id>/break-glass/", views.break_glass, name="break-glass"),
    path("grants/<int:grant_id>/revoke/", views.grant_revoke, name="grant-revoke"),
    path("requests/", views.requests, name="requests"),
    path("log/", views.log, name="log"),
    path("log.csv", views.log_csv, name="log-csv"),
    path("break-glass/", views.break_glass_find, name="break-glass-find"),
    path("break-glass/reviews/", views.reviews, name="reviews"),
    path("break-glass/reviews/<int:use_id>/", views.review, name="review"),
    path("break-glass/report/", views.break_glass_report, name="break-glass-report"),
]
