"""Context assessments."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguard.core.http import form_post, posted, require_perm

from .. import selectors, services
from ..events import ContextualEvent
from ..forms import (
    AssessmentForm,
)
from ..models import (
    ContextAssessment,
    PeerGroup,
    Place,
)
from .common import (
    FORM_PAGE,
    RECORD,
    context_or_404,
)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    """Assess a context: a place, a peer group, or the context of a concern."""
    require_perm(request, RECORD)
    place = (
        Place.objects.filter(pk=request.GET.get("place") or 0).first()
        if (request.GET.get("place") or "").isdigit()
        else None
    )
    group = (
        PeerGroup.objects.filter(pk=request.GET.get("group") or 0).first()
        if (request.GET.get("group") or "").isdigit()
        else None
    )
    concern = (
        selectors.concern_get(user=request.user, reference=request.GET.get("concern", ""))
        if request.GET.get("concern")
        else None
    )
    form = AssessmentForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.context_assessment_record(
            by=user,
            context=data["context"],
            harm=data["harm"],
            guardians=data["guardians"],
            conditions=data["conditions"],
            plan=data["plan"],
            strengths=data.get("strengths") or "",
            place=place,
            group=group,
            concern=concern,
        ),
        done="Context assessment recorded",
        then=lambda saved: reverse("contextual:assessment", kwargs={"pk": saved.pk}),
        refusals=True,
    )
    about = place or group or (concern.context_words if concern else "")
    return done or render(
        request,
        FORM_PAGE,
        {
            "form": form,
            "title": "Assess a context",
            "caption": str(about),
            "intro": [
                "A context assessment takes the place, group or school as its subject, not a "
                "child. It looks at three sides: what happens there, who has influence and can "
                "make it safe, and the wider conditions."
            ],
            "button": "Record the assessment",
            "back": reverse("contextual:index"),
        },
    )


@login_required
@require_http_methods(["GET"])
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """A context assessment."""
    found = context_or_404(
        request,
        ContextAssessment.objects.select_related(
            "place", "group", "concern", "assessed_by", "agency"
        )
        .filter(pk=pk)
        .first(),
        ContextualEvent.CONTEXTUAL_ASSESSMENT,
        pk,
    )
    return render(request, "contextual/assessment.html", {"assessment": found})
