from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("arrange/", views.arrange, name="arrange"),
    path("schedules/new/", views.schedule_new, name="schedule-new"),
    path("attendance/", views.attendance_report, name="attendance-report"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/calendar.ics", views.calendar_file, name="calendar"),
    path(
        "<str:reference>/invitations/<int:invitation_id>/answer/",
        views.respond,
        name="respond",
    ),
    path("<str:reference>/attendance/", views.attendance, name="attendance"),
    path("<str:reference>/cancel/", views.cancel, name="cancel"),
    path("<str:reference>/move/", views.move, name="move"),
    path("<str:reference>/suggestions/", views.suggestion_add, name="suggestion-add"),
    path("<str:reference>/items/add/", views.item_add, name="item-add"),
    path("<str:reference>/items/<int:item_id>/", views.item, name="item"),
    path("<str:reference>/items/<int:item_id>/decisions/", views.decision_add, name="decision-add"),
    path("<str:reference>/items/<int:item_id>/actions/", views.action_add, name="action-add"),
    path("<str:reference>/items/<int:item_id>/invite/", views.item_invite, name="item-invite"),
    path(
        "<str:reference>/items/<int:item_id>/actions/<int:action_id>/",
        views.action_update,
        name="action-update",
    ),
    path("<str:reference>/finalise/", views.finalise, name="finalise"),
    path("<str:reference>/minutes/", views.minutes, name="minutes"),
    path("<str:reference>/minutes.pdf", views.minutes_pdf, name="minutes-pdf"),
    path("<str:reference>/outcome/", views.outcome, name="outcome"),
]
