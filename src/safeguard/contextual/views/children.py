"""A child's contexts and context weighting."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguard.core.http import form_post, posted

from .. import selectors, services
from ..forms import (
    WeightingForm,
)
from ..models import (
    ContextWeighting,
)
from .common import (
    FORM_PAGE,
    RECORD,
    child_or_404,
    links_table,
)


@login_required
@require_http_methods(["GET"])
def child(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """A child's contexts: their links, concerns they are linked to, and context weighting."""
    found = child_or_404(request, person_id)
    links = list(selectors.links_about(key=f"child:{found.pk}"))
    services.network_view_record(by=request.user, start=f"child:{found.pk}", children=[found.pk])  # type: ignore[arg-type]
    return render(
        request,
        "contextual/child.html",
        {
            "child": found,
            "links": links_table(request.user, links),
            "weightings": ContextWeighting.objects.filter(person=found).select_related(
                "recorded_by"
            ),
            "can_record": request.user.has_perm(RECORD),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def weighting_new(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Record context weighting for a child: which context must change first."""
    found = child_or_404(request, person_id)
    form = WeightingForm(posted(request))
    user: Any = request.user
    back = reverse("contextual:child", kwargs={"person_id": person_id})
    done = form_post(
        request,
        form,
        lambda data: services.context_weighting_record(
            by=user,
            person=found,
            first=data["first"],
            then=data.get("then") or [],
            why=data["why"],
        ),
        done="Context weighting recorded",
        then=back,
        refusals=True,
    )
    return done or render(
        request,
        FORM_PAGE,
        {
            "form": form,
            "title": "Context weighting",
            "caption": f"{found.given_name} {found.family_name}",
            "intro": [
                "Context weighting asks which context must change first for the child to be safer."
            ],
            "button": "Record the weighting",
            "back": back,
        },
    )
