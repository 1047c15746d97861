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
        "subject-access/<uuid:request_id>/",
        views.subject_access_request_page,
        name="subject-access-request",
    ),
    path(
        "subject-access/<uuid:request_id>/identity/",
        views.subject_access_identity,
        name="subject-access-identity",
    ),
    path(
        "subject-access/<uuid:request_id>/standing/",
        views.subject_access_standing,
        name="subject-access-standing",
    ),
    path(
        "subject-access/<uuid:request_id>/extend/",
        views.subject_access_extend,
        name="subject-access-extend",
    ),
    path(
        "subject-access/<uuid:request_id>/records/",
        views.subject_access_items,
        name="subject-access-items",
    ),
    path(
        "subject-access/<uuid:request_id>/records/<int:item_id>/",
        views.subject_access_item,
        name="subject-access-item",
    ),
    path(
        "subject-access/<uuid:request_id>/sign-off/",
        views.subject_access_sign_off,
        name="subject-access-sign-off",
    ),
    path(
        "subject-access/<uuid:request_id>/release/",
        views.subject_access_release,
        name="subject-access-release",
    ),
    path(
        "subject-access/<uuid:request_id>/close/",
        views.subject_access_refuse,
        name="subject-access-refuse",
    ),
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
