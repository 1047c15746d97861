from django.urls import path

from . import record_views, views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.person_create, name="create"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/edit/", views.person_edit, name="edit"),
    path("<uuid:person_id>/viewed/", views.person_viewers, name="viewers"),
    path("<uuid:person_id>/look-up/", views.person_look_up, name="look-up"),
    path("<uuid:person_id>/open/", views.search_all_open, name="open-with-reason"),
    path("records/", record_views.review_queue, name="records-queue"),
    path("records/reviews/<int:review_id>/", record_views.review_detail, name="records-review"),
    path("records/import/", record_views.import_upload, name="records-import-upload"),
    path("records/import/<uuid:import_id>/", record_views.import_detail, name="records-import"),
    path(
        "records/import/<uuid:import_id>/columns/",
        record_views.import_map,
        name="records-import-map",
    ),
    path(
        "records/import/<uuid:import_id>/check/",
        record_views.import_preview,
        name="records-import-preview",
    ),
    path(
        "records/import/<uuid:import_id>/problems.csv",
        record_views.import_problems_csv,
        name="records-import-problems",
    ),
    path("records/merges/<int:merge_id>/undo/", record_views.merge_undo, name="records-merge-undo"),
    path("records/<uuid:record_id>/unlink/", record_views.record_unlink, name="records-unlink"),
    path("<uuid:person_id>/records/", record_views.person_records, name="records-person"),
]
