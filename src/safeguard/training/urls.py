from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.index, name="index"),
    path("courses/<slug:slug>/", views.course, name="course"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("sessions/<int:pk>/register/", views.register, name="register"),
    path("bookings/<int:pk>/change/", views.booking_end, name="booking-end"),
    path("bookings/<int:pk>/evaluation/", views.evaluate, name="evaluate"),
    path("bookings/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("impact/<int:pk>/", views.impact, name="impact"),
    path("impact/<int:pk>/manager/", views.impact_manager, name="impact-manager"),
    path("manage/", views.manage, name="manage"),
    path("manage/courses/new/", views.course_edit, name="course-add"),
    path("manage/courses/<slug:slug>/", views.course_edit, name="course-edit"),
    path("manage/courses/<slug:slug>/sessions/new/", views.session_add, name="session-add"),
    path("manage/sessions/<int:pk>/", views.session_manage, name="session-manage"),
    path("records/", views.records, name="records"),
    path("reports/", views.reports, name="reports"),
    path("e-learning/", views.elearning, name="elearning"),
]
