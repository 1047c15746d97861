"""Paths under /contextual/."""

from django.urls import path

from . import views

app_name = "contextual"

urlpatterns = [
    path("", views.index, name="index"),
    path("places/", views.places, name="places"),
    path("places/new/", views.place_new, name="place-new"),
    path("places/<int:pk>/", views.place, name="place"),
    path("places/<int:pk>/network/", views.place_network, name="place-network"),
    path("places/<int:pk>/network/pdf/", views.place_network_pdf, name="place-network-pdf"),
    path("persons/", views.persons, name="persons"),
    path("persons/new/", views.person_new, name="person-new"),
    path("persons/<int:pk>/", views.person, name="person"),
    path("persons/<int:pk>/police-only/", views.police_only, name="police-only"),
    path("persons/<int:pk>/network/", views.person_network, name="person-network"),
    path("persons/<int:pk>/network/pdf/", views.person_network_pdf, name="person-network-pdf"),
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_new, name="group-new"),
    path("groups/<int:pk>/", views.group, name="group"),
    path("children/<uuid:person_id>/", views.child, name="child"),
    path("children/<uuid:person_id>/network/", views.child_network, name="child-network"),
    path(
        "children/<uuid:person_id>/network/pdf/", views.child_network_pdf, name="child-network-pdf"
    ),
    path("children/<uuid:person_id>/weighting/", views.weighting_new, name="weighting-new"),
    path("links/new/", views.link_new, name="link-new"),
    path("links/<int:pk>/", views.link, name="link"),
    path("concerns/", views.concerns, name="concerns"),
    path("concerns/new/", views.concern_new, name="concern-new"),
    path("concerns/<str:reference>/", views.concern, name="concern"),
    path("assessments/new/", views.assessment_new, name="assessment-new"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("actions/", views.actions, name="actions"),
    path("actions/new/", views.action_new, name="action-new"),
    path("actions/<str:reference>/", views.action, name="action"),
]
