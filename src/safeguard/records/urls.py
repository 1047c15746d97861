"""Agency records: the review queue, imports, merges and each person's records (under /people/)."""

from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("records/", views.review_queue, name="queue"),
    path("records/reviews/<int:review_id>/", views.review_detail, name="review"),
    path("records/import/", views.import_upload, name="import-upload"),
    path("records/import/<uuid:import_id>/", views.import_detail, name="import"),
    path("records/import/<uuid:import_id>/columns/", views.import_map, name="import-map"),
    path("records/import/<uuid:import_id>/check/", views.import_preview, name="import-preview"),
    path(
        "records/import/<uuid:import_id>/problems.csv",
        views.import_problems_csv,
        name="import-problems",
    ),
    path("records/merges/<int:merge_id>/undo/", views.merge_undo, name="merge-undo"),
    path("records/<uuid:record_id>/unlink/", views.record_unlink, name="unlink"),
    path("<uuid:person_id>/records/", views.person_records, name="person"),
]
