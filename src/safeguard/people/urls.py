from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.person_create, name="create"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/edit/", views.person_edit, name="edit"),
    path("<uuid:person_id>/viewed/", views.person_viewers, name="viewers"),
    path("<uuid:person_id>/look-up/", views.person_look_up, name="look-up"),
    path("<uuid:person_id>/open/", views.search_all_open, name="open-with-reason"),
]
