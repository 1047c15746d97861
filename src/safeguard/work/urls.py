from django.urls import path

from . import views

app_name = "work"

urlpatterns = [
    path("", views.queues, name="queues"),
    path("teams/<slug:slug>/", views.team_queue, name="team-queue"),
    path("teams/<slug:slug>/members/", views.team_members, name="team-members"),
    path("teams/<slug:slug>/members/add/", views.team_member_add, name="member-add"),
    path(
        "teams/<slug:slug>/members/<int:user_id>/remove/",
        views.team_member_remove,
        name="member-remove",
    ),
    path("items/<uuid:item_id>/", views.item, name="item"),
    path("items/<uuid:item_id>/take/", views.item_take, name="item-take"),
    path("items/<uuid:item_id>/allocate/", views.item_assign, name="item-assign"),
    path("items/<uuid:item_id>/lead/", views.item_lead, name="item-lead"),
    path("items/<uuid:item_id>/done/", views.item_complete, name="item-complete"),
    path("items/<uuid:item_id>/cancel/", views.item_cancel, name="item-cancel"),
    path("people/<int:user_id>/absence/", views.absence, name="absence"),
    path("people/<int:user_id>/close-account/", views.close_account, name="close-account"),
    path("manage/teams/", views.teams_manage, name="teams-manage"),
]
