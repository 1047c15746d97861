"""Paths under /learning/."""

from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/new/", views.review_new, name="review-new"),
    path("submit/", views.submit_case, name="submit"),
    path("sent/<str:reference>/", views.sent_case, name="sent-case"),
    path("reviews/<str:reference>/", views.review, name="review"),
    path("reviews/<str:reference>/learning/", views.review_published, name="review-published"),
    path("briefings/", views.briefing_list, name="briefings"),
    path("briefings/new/", views.briefing_edit, name="briefing-new"),
    path("briefings/<str:reference>/", views.briefing, name="briefing"),
    path("briefings/<str:reference>/edit/", views.briefing_edit, name="briefing-edit"),
    path("briefings/<str:reference>/briefing.pdf", views.briefing_pdf, name="briefing-pdf"),
    path("audits/new/", views.audit_new, name="audit-new"),
    path("audits/<str:reference>/", views.audit, name="audit"),
    path("governance/", views.governance, name="governance"),
    path("governance/boards/<slug:slug>/", views.board, name="board"),
    path("annual-report/", views.annual_report, name="annual-report"),
    path("annual-report/report.pdf", views.annual_report, {"fmt": "pdf"}, name="annual-report-pdf"),
    path(
        "annual-report/report.docx", views.annual_report, {"fmt": "docx"}, name="annual-report-docx"
    ),
    path("plans/new/", views.plan_new, name="plan-new"),
    path("plans/report/", views.quarterly_report, name="quarterly"),
    path("plans/<str:reference>/", views.plan, name="plan"),
    path(
        "plans/<str:reference>/actions/<int:action_id>/",
        views.action_complete,
        name="action-complete",
    ),
]
