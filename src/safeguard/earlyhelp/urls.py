"""Early help: assessments, Team Around the Family, central record of support."""

from django.urls import path

from . import views

app_name = "earlyhelp"

urlpatterns = [
    path("", views.episode_list, name="list"),
    path("start/", views.find_child, name="find-child"),
    path("start/<uuid:person_id>/", views.episode_open, name="open"),
    path("<uuid:episode_id>/", views.episode_detail, name="detail"),
    path("<uuid:episode_id>/assessment/", views.assessment_start, name="assessment-start"),
    path(
        "<uuid:episode_id>/assessment/<uuid:assessment_id>/",
        views.assessment_edit,
        name="assessment",
    ),
    path("<uuid:episode_id>/consent/", views.consent_record, name="consent"),
    path(
        "<uuid:episode_id>/consent/<int:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    path("<uuid:episode_id>/team-around-the-family/", views.taf_meeting_create, name="taf"),
    path("<uuid:episode_id>/support/", views.support_record, name="support"),
    path("<uuid:episode_id>/support/add/", views.support_create, name="support-add"),
    path("<uuid:episode_id>/change/", views.change_create, name="change"),
    path("<uuid:episode_id>/close/", views.episode_close, name="close"),
    path("<uuid:episode_id>/allocate/", views.lead_allocate, name="allocate"),
]
