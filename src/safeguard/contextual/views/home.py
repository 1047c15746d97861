"""The contextual start page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from safeguard.core.http import require_perm

from .. import selectors
from ..models import (
    Place,
)
from .common import (
    RECORD,
    SEE,
)


@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """Start page: places, persons of concern, groups, concerns and disruption actions."""
    if not request.user.has_perm(SEE):
        require_perm(request, "contextual.report_context_concern")
        return render(
            request,
            "contextual/index_reporter.html",
            {"concerns": selectors.concerns_visible_to(request.user)[:50]},
        )
    return render(
        request,
        "contextual/index.html",
        {
            "places": selectors.places()[:10],
            "place_count": Place.objects.count(),
            "persons": selectors.persons_of_concern()[:10],
            "groups": selectors.peer_groups()[:10],
            "concerns": selectors.concerns_visible_to(request.user).filter(triaged_at__isnull=True)[
                :20
            ],
            "actions": selectors.actions(open_only=True)[:20],
            "hotspots": selectors.hotspots_all(),
            "can_record": request.user.has_perm(RECORD),
        },
    )
