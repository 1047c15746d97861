"""Top-level URLs. Each app owns its own paths."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from safeguard import views
from safeguard.api.api import api
from safeguard.core.admin import admin_site

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("safeguard.core.urls")),
    path("people/", include("safeguard.people.urls")),
    path("people/", include("safeguard.records.urls")),
    path("work/", include("safeguard.work.urls")),
    path("", include("safeguard.directory.urls")),
    path("training/", include("safeguard.training.urls")),
    path("", include("safeguard.frontdoor.urls")),
    path("early-help/", include("safeguard.earlyhelp.urls")),
    path("sharing/", include("safeguard.sharing.urls")),
    path("sharing/", include("safeguard.rights.urls")),
    path("meetings/", include("safeguard.meetings.urls")),
    path("exploitation/", include("safeguard.exploitation.urls")),
    path("learning/", include("safeguard.learning.urls")),
    path("harmful-sexual-behaviour/", include("safeguard.hsb.urls")),
    path("contextual/", include("safeguard.contextual.urls")),
    path("insight/", include("safeguard.insight.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
]

handler400 = "safeguard.core.views.bad_request"
handler403 = "safeguard.core.views.permission_denied"
handler404 = "safeguard.core.views.page_not_found"
handler500 = "safeguard.core.views.server_error"

__all__ = ["admin", "settings", "urlpatterns"]
