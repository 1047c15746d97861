"""Disruption actions agreed at the disruption meeting, and their outcomes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguard.core.http import form_post, posted, require_perm
from safeguard.meetings.models import Meeting
from safeguard.work.selectors import items_about

from .. import selectors, services
from ..events import ContextualEvent
from ..forms import (
    ActionChangeForm,
    ActionForm,
    OutcomeForm,
)
from .common import (
    DISRUPTION_KIND,
    FORM_PAGE,
    RECORD,
    change_page,
    context_or_404,
    list_page,
)


@login_required
@require_http_methods(["GET"])
def actions(request: HttpRequest) -> HttpResponse:
    """Disruption actions: open first, then done."""
    return list_page(
        request,
        "contextual/actions.html",
        {
            "open": selectors.actions(open_only=True),
            "done": selectors.actions().exclude(outcome="").order_by("-completed_on")[:100],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest) -> HttpResponse:
    """Agree a disruption action (at the monthly meeting, or between meetings)."""
    require_perm(request, RECORD)
    meeting = (
        Meeting.objects.filter(reference=request.GET["meeting"], kind__slug=DISRUPTION_KIND).first()
        if request.GET.get("meeting")
        else None
    )
    if meeting is not None and not request.user.has_perm("meetings.view_meeting", meeting):
        meeting = None
    initial = {
        k: request.GET[k]
        for k in ("place", "person", "group")
        if (request.GET.get(k) or "").isdigit()
    }
    form = ActionForm(posted(request), initial=initial)
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.disruption_action_agree(
            by=user,
            tool=data["tool"],
            description=data["description"],
            owner_agency=data.get("owner_agency"),
            due_on=data.get("due_on"),
            place=data.get("place"),
            person=data.get("person"),
            group=data.get("group"),
            meeting=meeting,
            children_at_risk_before=data.get("children_at_risk_before") or 0,
        ),
        done=lambda action: f"Disruption action {action.reference} agreed",
        then=lambda action: reverse("contextual:action", kwargs={"reference": action.reference}),
        refusals=True,
    )
    return done or render(
        request,
        FORM_PAGE,
        {
            "form": form,
            "title": "Agree a disruption action",
            "caption": meeting.title if meeting else "",
            "button": "Agree the action",
            "back": reverse("contextual:actions"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, reference: str) -> HttpResponse:
    """A disruption action; record its outcome."""
    found = context_or_404(
        request,
        selectors.actions().filter(reference=reference).first(),
        ContextualEvent.CONTEXTUAL_DISRUPTION_ACTION,
        reference,
    )
    form = OutcomeForm(posted(request))
    if request.method == "POST":
        require_perm(request, RECORD)
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.disruption_action_outcome(
            by=user,
            action=found,
            outcome=data["outcome"],
            notes=data["notes"],
            children_at_risk_after=data.get("children_at_risk_after"),
        ),
        done="Outcome recorded",
        then=reverse("contextual:action", kwargs={"reference": reference}),
        refusals=True,
    )
    return done or render(
        request,
        "contextual/action.html",
        {
            "action": found,
            "form": form,
            "can_record": request.user.has_perm(RECORD) and found.is_open,
            "can_change": request.user.has_perm(RECORD),
            "items": items_about(
                user=request.user,
                subject_type=ContextualEvent.CONTEXTUAL_DISRUPTION_ACTION,
                subject_id=found.reference,
            ),
            "history": selectors.action_history(found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_change(request: HttpRequest, reference: str) -> HttpResponse:
    """Correct what was agreed for a disruption action, with a reason."""
    found = context_or_404(
        request,
        selectors.actions().filter(reference=reference).first(),
        ContextualEvent.CONTEXTUAL_DISRUPTION_ACTION,
        reference,
    )
    require_perm(request, RECORD)
    form = ActionChangeForm(
        posted(request),
        initial={
            "tool": found.tool,
            "description": found.description,
            "place": found.place_id,
            "person": found.person_id,
            "group": found.group_id,
            "children_at_risk_before": found.children_at_risk_before,
        },
    )
    user: Any = request.user
    back = reverse("contextual:action", kwargs={"reference": reference})
    done = form_post(
        request,
        form,
        lambda data: services.disruption_action_correct(
            by=user,
            action=found,
            tool=data["tool"],
            description=data["description"],
            place=data.get("place"),
            person=data.get("person"),
            group=data.get("group"),
            children_at_risk_before=data.get("children_at_risk_before"),
            reason=data["reason"],
        ),
        done="Disruption action changed",
        then=f"{back}#history",
        refusals=True,
    )
    return done or change_page(
        request,
        form,
        title=f"Change disruption action {found.reference}",
        caption=found.get_tool_display(),
        back=back,
        intro=(
            "The owning agency and the due date are on the owning team's work item, "
            "and the outcome is recorded on the action's page: they are not changed here.",
        ),
    )
