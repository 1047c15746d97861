"""Information sharing: decisions, consent, grants, break-glass, requests and the sharing log."""

from django.urls import path

from . import rights_views, views

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
    # People's rights: subject access and retention (subject-access helper)
    path(
        "people/<uuid:person_id>/subject-access/",
        rights_views.person_subject_access,
        name="person-subject-access",
    ),
    path("subject-access/", rights_views.rights_register, name="subject-access"),
    path(
        "subject-access/<uuid:request_id>/copy.<str:fmt>",
        rights_views.subject_access_download,
        name="subject-access-download",
    ),
    path(
        "subject-access/<uuid:request_id>/complete/",
        rights_views.subject_access_complete,
        name="subject-access-complete",
    ),
    path("retention/", rights_views.retention_review, name="retention-review"),
    path("retention/propose/", rights_views.retention_propose, name="retention-propose"),
    path(
        "retention/<uuid:deletion_id>/decide/",
        rights_views.retention_decide,
        name="retention-decide",
    ),
]
