"""Front door: concerns, MASH triage, threshold decisions, police partner forms."""

from django.urls import path

from . import views

app_name = "frontdoor"

urlpatterns = [
    path("report/", views.report_start, name="report-start"),
    path("report/children/", views.report_children, name="report-children"),
    path("report/children/new/", views.report_child_new, name="report-child-new"),
    path("report/immediate-danger/", views.report_danger, name="report-danger"),
    path("report/check/", views.report_check, name="report-check"),
    path("report/sent/<str:reference>/", views.report_sent, name="report-sent"),
    path("report/<slug:step>/", views.report_step, name="report-step"),
    path("my-referrals/", views.my_referrals, name="my-referrals"),
    path("my-referrals/<str:reference>/", views.my_referral, name="my-referral"),
    path(
        "my-referrals/<str:reference>/challenge/",
        views.referral_challenge,
        name="referral-challenge",
    ),
    path("mash/", views.mash_queue, name="mash-queue"),
    path("mash/<str:reference>/", views.contact_detail, name="contact"),
    path("mash/<str:reference>/ask/", views.information_request_create, name="information-request"),
    path(
        "mash/<str:reference>/ask/<int:request_id>/",
        views.information_request_answer,
        name="information-answer",
    ),
    path("mash/requests/<int:request_id>/", views.request_answer, name="request-answer"),
    path(
        "mash/<str:reference>/ask/<int:request_id>/correct/",
        views.information_answer_correct,
        name="information-correct",
    ),
    path("mash/<str:reference>/urgency/", views.contact_urgency, name="urgency"),
    path("mash/<str:reference>/decide/", views.threshold_decide, name="decide"),
    path("mash/<str:reference>/amend/", views.threshold_amend, name="amend"),
    path(
        "mash/<str:reference>/challenges/<int:challenge_id>/resolve/",
        views.challenge_resolve,
        name="challenge-resolve",
    ),
    path("mash/<str:reference>/sign-off/", views.threshold_sign_off, name="sign-off"),
    path("police/", views.police_forms, name="police-forms"),
    path("police/queue/", views.police_queue, name="police-queue"),
    path(
        "police/intelligence/",
        views.police_queue,
        {"intelligence": True},
        name="police-intelligence-queue",
    ),
    path("police/sent/<str:reference>/", views.police_sent, name="police-sent"),
    path("police/forms/<str:reference>/", views.police_form_detail, name="police-form-detail"),
    path("police/<slug:slug>/", views.police_form, name="police-form"),
]
