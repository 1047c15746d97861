"""Concerns about a context: report, triage, link children."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguard.core.http import form_post, permitted_or_404, posted, require_perm
from safeguard.people.access import people_visible_to
from safeguard.work.selectors import items_about

from .. import selectors, services
from ..events import ContextualEvent
from ..forms import (
    ContextConcernForm,
    LinkChildForm,
    TriageForm,
)
from .common import (
    FORM_PAGE,
    RECORD,
    SEE,
)


@login_required
@require_http_methods(["GET"])
def concerns(request: HttpRequest) -> HttpResponse:
    """Concerns about contexts: all for contextual staff, otherwise the user's own."""
    require_perm(request, "contextual.report_context_concern")
    return render(
        request,
        "contextual/concerns.html",
        {"concerns": selectors.concerns_visible_to(request.user)[:200]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest) -> HttpResponse:
    """Report a concern about a place, peer group, school or online space."""
    require_perm(request, "contextual.report_context_concern")
    form = ContextConcernForm(posted(request), show_places=request.user.has_perm(SEE))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.context_concern_report(
            by=user,
            context_kind=data["context_kind"],
            what_happened=data["what_happened"],
            place=data.get("place"),
            where=data.get("where") or "",
        ),
        done="Concern sent",
        then=lambda concern: reverse(
            "contextual:concern-sent", kwargs={"reference": concern.reference}
        ),
        refusals=True,
    )
    return done or render(
        request,
        FORM_PAGE,
        {
            "form": form,
            "title": "Report a concern about a place, group or online space",
            "intro": [
                "Use this when you are worried about a context: a place, a group of young "
                "people, a school or an online space. You do not need to name a child.",
                "If a child is in danger now, call 999. If you are worried about a named child, "
                "contact the Multi-Agency Safeguarding Hub (MASH).",
            ],
            "button": "Send the concern",
            "back": reverse("contextual:index"),
        },
    )


@login_required
@require_http_methods(["GET"])
def concern_sent(request: HttpRequest, reference: str) -> HttpResponse:
    """The confirmation after sending a concern: its reference and what happens next.

    The page after the POST (so reloading it sends nothing twice). Its panel says
    "Concern sent", so the flash message saying the same is used up here, not shown.
    """
    found = selectors.concern_get(user=request.user, reference=reference)
    found = permitted_or_404(
        request,
        found,
        allowed=found is not None,
        page=ContextualEvent.CONTEXTUAL_CONCERN,
        object_id=reference,
    )
    for _message in messages.get_messages(request):
        pass
    return render(request, "contextual/concern_done.html", {"concern": found, "messages": ()})


@login_required
@require_http_methods(["GET", "POST"])
def concern(request: HttpRequest, reference: str) -> HttpResponse:
    """A concern about a context: triage it, link children, assess the context."""
    found = selectors.concern_get(user=request.user, reference=reference)
    found = permitted_or_404(
        request,
        found,
        allowed=found is not None,
        page=ContextualEvent.CONTEXTUAL_CONCERN,
        object_id=reference,
    )
    can_triage = request.user.has_perm(SEE)
    can_record = request.user.has_perm(RECORD)
    triage_form = TriageForm(request.POST if request.POST.get("form") == "triage" else None)
    child_form = LinkChildForm(
        request.POST if request.POST.get("form") == "child" else None,
        people=people_visible_to(request.user),
    )
    if request.method == "POST":
        user: Any = request.user
        here = reverse("contextual:concern", kwargs={"reference": reference})
        done = None
        if request.POST.get("form") == "triage" and can_triage:
            done = form_post(
                request,
                triage_form,
                lambda data: services.context_concern_triage(
                    by=user, concern=found, outcome=data["outcome"], notes=data.get("notes") or ""
                ),
                done="Concern triaged",
                then=here,
                refusals=True,
            )
        elif request.POST.get("form") == "child" and can_record:
            done = form_post(
                request,
                child_form,
                lambda data: services.context_concern_link_child(
                    by=user, concern=found, person=data["child"]
                ),
                done="Child linked to the concern",
                then=here,
                refusals=True,
            )
        elif not (can_triage or can_record):
            require_perm(request, SEE)
        if done:
            return done
    linked_children = []
    if can_triage:
        rows = list(found.children.select_related("person"))
        visible = set(
            people_visible_to(request.user)
            .filter(pk__in=[r.person_id for r in rows])
            .values_list("pk", flat=True)
        )
        linked_children = [
            f"{r.person.given_name} {r.person.family_name}"
            if r.person_id in visible
            else selectors.HIDDEN_CHILD
            for r in rows
        ]
        services.network_view_record(by=request.user, start=found.reference, children=visible)  # type: ignore[arg-type]
    return render(
        request,
        "contextual/concern.html",
        {
            "concern": found,
            "can_triage": can_triage and found.triaged_at is None,
            "can_record": can_record,
            "triage_form": triage_form,
            "child_form": child_form,
            "children": linked_children,
            "assessments": found.assessments.all() if can_triage else [],
            "items": items_about(
                user=request.user,
                subject_type=ContextualEvent.CONTEXTUAL_CONCERN,
                subject_id=found.reference,
            ),
        },
        status=400 if request.method == "POST" else 200,
    )
