"""A child's contexts and context weighting."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..forms import (
    WeightingForm,
)
from ..models import (
    ContextWeighting,
)
from .common import (
    RECORD,
    child_or_404,
    form_page,
    links_table,
    save,
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
    form = WeightingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save(
            form,
            lambda: services.context_weighting_record(
                by=request.user,  # type: ignore[arg-type]
                person=found,
                first=data["first"],
                then=data.get("then") or [],
                why=data["why"],
            ),
        )
        if saved is not None:
            messages.success(request, "Context weighting recorded")
            return redirect("contextual:child", person_id=person_id)
    return form_page(
        request,
        form,
        title="Context weighting",
        caption=f"{found.given_name} {found.family_name}",
        intro=["Context weighting asks which context must change first for the child to be safer."],
        button="Record the weighting",
        back=reverse("contextual:child", kwargs={"person_id": person_id}),
    )
