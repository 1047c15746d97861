"""Paths under /contextual/."""

from django.urls import path

from .views import (
    assessments,
    children,
    concerns,
    disruption,
    groups,
    home,
    links,
    networks,
    persons,
    places,
)

app_name = "contextual"

urlpatterns = [
    path("", home.index, name="index"),
    path("places/", places.places, name="places"),
    path("places/new/", places.place_new, name="place-new"),
    path("places/<int:pk>/", places.place, name="place"),
    path("places/<int:pk>/change/", places.place_change, name="place-change"),
    path("places/<int:pk>/network/", networks.place_network, name="place-network"),
    path("places/<int:pk>/network/pdf/", networks.place_network_pdf, name="place-network-pdf"),
    path("persons/", persons.persons, name="persons"),
    path("persons/new/", persons.person_new, name="person-new"),
    path("persons/<int:pk>/", persons.person, name="person"),
    path("persons/<int:pk>/change/", persons.person_change, name="person-change"),
    path("persons/<int:pk>/police-only/", persons.police_only, name="police-only"),
    path(
        "persons/<int:pk>/police-only/reads/",
        persons.police_only_reads,
        name="police-only-reads",
    ),
    path("persons/<int:pk>/network/", networks.person_network, name="person-network"),
    path("persons/<int:pk>/network/pdf/", networks.person_network_pdf, name="person-network-pdf"),
    path("groups/", groups.groups, name="groups"),
    path("groups/new/", groups.group_new, name="group-new"),
    path("groups/<int:pk>/", groups.group, name="group"),
    path("groups/<int:pk>/change/", groups.group_change, name="group-change"),
    path("children/<uuid:person_id>/", children.child, name="child"),
    path("children/<uuid:person_id>/network/", networks.child_network, name="child-network"),
    path(
        "children/<uuid:person_id>/network/pdf/",
        networks.child_network_pdf,
        name="child-network-pdf",
    ),
    path("children/<uuid:person_id>/weighting/", children.weighting_new, name="weighting-new"),
    path("links/new/", links.link_new, name="link-new"),
    path("links/<int:pk>/", links.link, name="link"),
    path("links/<int:pk>/change/", links.link_change, name="link-change"),
    path("concerns/", concerns.concerns, name="concerns"),
    path("concerns/new/", concerns.concern_new, name="concern-new"),
    path("concerns/<str:reference>/", concerns.concern, name="concern"),
    path("concerns/<str:reference>/sent/", concerns.concern_sent, name="concern-sent"),
    path("assessments/new/", assessments.assessment_new, name="assessment-new"),
    path("assessments/<int:pk>/", assessments.assessment, name="assessment"),
    path("actions/", disruption.actions, name="actions"),
    path("actions/new/", disruption.action_new, name="action-new"),
    path("actions/<str:reference>/", disruption.action, name="action"),
    path("actions/<str:reference>/change/", disruption.action_change, name="action-change"),
]
