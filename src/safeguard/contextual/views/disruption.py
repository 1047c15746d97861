"""Disruption actions agreed at the disruption meeting, and their outcomes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguard.core.http import require_perm
from safeguard.meetings.models import Meeting
from safeguard.work.selectors import items_about

from .. import selectors, services
from ..events import ContextualEvent
from ..forms import (
    ActionForm,
    OutcomeForm,
)
from .common import (
    DISRUPTION_KIND,
    RECORD,
    SEE,
    context_or_404,
    form_page,
    save,
)


@login_required
@require_http_methods(["GET"])
def actions(request: HttpRequest) -> HttpResponse:
    """Disruption actions: open first, then done."""
    require_perm(request, SEE)
    return render(
        request,
        "contextual/actions.html",
        {
            "open": selectors.actions(open_only=True),
            "done": selectors.actions().exclude(outcome="").order_by("-completed_on")[:100],
            "can_record": request.user.has_perm(RECORD),
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
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = save(
            form,
            lambda: services.disruption_action_agree(
                by=request.user,  # type: ignore[arg-type]
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
        )
        if action is not None:
            messages.success(request, f"Disruption action {action.reference} agreed")
            return redirect("contextual:action", reference=action.reference)
    return form_page(
        request,
        form,
        title="Agree a disruption action",
        caption=meeting.title if meeting else "",
        button="Agree the action",
        back=reverse("contextual:actions"),
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
    form = OutcomeForm(request.POST or None)
    if request.method == "POST":
        require_perm(request, RECORD)
        if form.is_valid():
            data = form.cleaned_data
            saved = save(
                form,
                lambda: services.disruption_action_outcome(
                    by=request.user,  # type: ignore[arg-type]
                    action=found,
                    outcome=data["outcome"],
                    notes=data["notes"],
                    children_at_risk_after=data.get("children_at_risk_after"),
                ),
            )
            if saved is not None:
                messages.success(request, "Outcome recorded")
                return redirect("contextual:action", reference=reference)
    return render(
        request,
        "contextual/action.html",
        {
            "action": found,
            "form": form,
            "can_record": request.user.has_perm(RECORD) and found.is_open,
            "items": items_about(
                user=request.user,
                subject_type=ContextualEvent.CONTEXTUAL_DISRUPTION_ACTION,
                subject_id=found.reference,
            ),
        },
    )
