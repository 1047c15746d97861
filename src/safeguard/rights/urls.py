"""People's rights: subject access requests and retention reviews (under /sharing/)."""

from django.urls import path

from . import views

app_name = "rights"

urlpatterns = [
    path(
        "people/<uuid:person_id>/subject-access/",
        views.person_subject_access,
        name="person-subject-access",
    ),
    path("subject-access/", views.rights_register, name="subject-access"),
    path(
        "subject-access/<uuid:request_id>/copy.<str:fmt>",
        views.subject_access_download,
        name="subject-access-download",
    ),
    path(
        "subject-access/<uuid:request_id>/complete/",
        views.subject_access_complete,
        name="subject-access-complete",
    ),
    path("retention/", views.retention_review, name="retention-review"),
    path("retention/propose/", views.retention_propose, name="retention-propose"),
    path(
        "retention/<uuid:deletion_id>/decide/",
        views.retention_decide,
        name="retention-decide",
    ),
]
