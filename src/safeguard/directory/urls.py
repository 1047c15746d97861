"""The public pages, the Open Referral UK API and the business unit's pages.

Public: ``/worried-about-a-child/``, ``/services/``, ``/openreferral/``, ``/news/``,
``/events/``, ``/newsletter/`` (``core.middleware.PUBLIC_PATH_PREFIXES``). Signed in:
``/directory/``.
"""

from django.urls import path

from . import openreferral_views as api
from . import public_views as public
from . import views

app_name = "directory"

urlpatterns = [
    path("worried-about-a-child/", public.worried, name="worried"),
    path("worried-about-a-child/other-formats/", public.other_formats, name="other-formats"),
    path("services/", public.service_list, name="services"),
    path("services/<uuid:service_id>/", public.service_detail, name="service"),
    path("news/", public.news_list, name="news"),
    path("news/<slug:slug>/", public.news_detail, name="news-detail"),
    path("events/", public.event_list, name="events"),
    path("events/<slug:slug>/", public.event_detail, name="event-detail"),
    path("newsletter/", public.newsletter, name="newsletter"),
    path("newsletter/check-your-email/", public.newsletter_check, name="newsletter-check"),
    path("newsletter/confirm/<str:token>/", public.newsletter_confirm, name="newsletter-confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        public.newsletter_unsubscribe,
        name="newsletter-unsubscribe",
    ),
    # Open Referral UK: the standard's paths have no trailing slash.
    path("openreferral/", api.index, name="openreferral"),
    path("openreferral/services", api.services, name="openreferral-services"),
    path("openreferral/services/<str:service_id>", api.service, name="openreferral-service"),
    path("openreferral/organizations", api.organizations, name="openreferral-organizations"),
    path(
        "openreferral/organizations/<str:organisation_id>",
        api.organization,
        name="openreferral-organization",
    ),
    path("openreferral/taxonomy_terms", api.taxonomy_terms, name="openreferral-taxonomy-terms"),
    # The business unit's pages (signed in).
    path("directory/", views.index, name="manage"),
    path("directory/services/", views.service_list, name="manage-services"),
    path("directory/services/new/", views.service_edit, name="manage-service-new"),
    path("directory/services/<uuid:service_id>/", views.service_edit, name="manage-service"),
    path("directory/import/", views.directory_import, name="manage-import"),
    path("directory/export/", views.directory_export, name="manage-export"),
    path("directory/news/", views.news_list, name="manage-news"),
    path("directory/news/new/", views.news_edit, name="manage-news-new"),
    path("directory/news/<int:pk>/", views.news_edit, name="manage-news-item"),
    path("directory/events/new/", views.event_edit, name="manage-event-new"),
    path("directory/events/<int:pk>/", views.event_edit, name="manage-event"),
    path("directory/events/<int:pk>/interest/", views.event_interests, name="manage-interests"),
    path("directory/awareness/new/", views.awareness_edit, name="manage-awareness-new"),
    path("directory/awareness/<int:pk>/", views.awareness_edit, name="manage-awareness"),
    path("directory/campaigns/new/", views.campaign_edit, name="manage-campaign-new"),
    path("directory/campaigns/<int:pk>/", views.campaign_edit, name="manage-campaign"),
    path("directory/newsletter/", views.newsletter, name="manage-newsletter"),
    path("directory/newsletter/<int:pk>/", views.issue, name="manage-issue"),
    path("directory/newsletter/<int:pk>/send/", views.issue_send, name="manage-issue-send"),
]
