from django.urls import path

from . import views

app_name = "hsb"

urlpatterns = [
    path("", views.index, name="index"),
    path("continuum/", views.continuum, name="continuum"),
    path("figures/", views.figures, name="figures"),
    path("trained-practitioners/", views.trained, name="trained"),
    path("concerns/new/", views.concern_new, name="concern-new"),
    path("concerns/<str:reference>/", views.concern, name="concern"),
    path("concerns/<str:reference>/change/", views.concern_edit, name="concern-edit"),
    path("concerns/<str:reference>/strategy-meeting/", views.strategy, name="strategy"),
    path(
        "concerns/<str:reference>/investigation/", views.investigation_new, name="investigation-new"
    ),
    path("children/<uuid:person_id>/", views.child, name="child"),
    path(
        "children/<uuid:person_id>/internet-safety/", views.internet_advice, name="internet-advice"
    ),
    path("children/<uuid:person_id>/online-safety-lessons/", views.lessons, name="lessons"),
    path(
        "online-safety-lessons/<int:flag_id>/confirm/",
        views.lessons_confirm,
        name="lessons-confirm",
    ),
    path("pathways/<int:pathway_id>/keyworker/", views.keyworker, name="keyworker"),
    path("pathways/<int:pathway_id>/consent/", views.consent, name="consent"),
    path("pathways/<int:pathway_id>/close/", views.pathway_close, name="pathway-close"),
    path("pathways/<int:pathway_id>/assessments/new/", views.assessment_new, name="assessment-new"),
    path("assessments/<int:assessment_id>/", views.assessment, name="assessment"),
    path("assessments/<int:assessment_id>/update/", views.formulation_new, name="formulation-new"),
    path("investigations/<int:investigation_id>/", views.investigation, name="investigation"),
    path(
        "investigations/<int:investigation_id>/status/",
        views.investigation_status,
        name="investigation-status",
    ),
    path(
        "investigations/<int:investigation_id>/review/",
        views.investigation_review,
        name="investigation-review",
    ),
    path(
        "investigations/<int:investigation_id>/requests/",
        views.investigation_request,
        name="investigation-request",
    ),
    path("requests/<int:request_id>/answer/", views.request_answer, name="request-answer"),
]
