"""Peer groups."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguard.core.http import require_perm
from safeguard.people.access import people_visible_to

from .. import selectors, services
from ..events import ContextualEvent
from ..forms import (
    PeerGroupForm,
)
from ..models import (
    PeerGroup,
)
from .common import (
    RECORD,
    SEE,
    context_or_404,
    form_page,
    links_table,
    save,
)


@login_required
@require_http_methods(["GET"])
def groups(request: HttpRequest) -> HttpResponse:
    """Every peer group."""
    require_perm(request, SEE)
    return render(
        request,
        "contextual/groups.html",
        {"groups": selectors.peer_groups(), "can_record": request.user.has_perm(RECORD)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    """Record a peer group."""
    require_perm(request, RECORD)
    form = PeerGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        group = save(
            form,
            lambda: services.peer_group_create(
                by=request.user,  # type: ignore[arg-type]
                name=data["name"],
                description=data.get("description") or "",
            ),
        )
        if group is not None:
            messages.success(request, "Peer group recorded")
            return redirect("contextual:group", pk=group.pk)
    return form_page(
        request,
        form,
        title="Record a peer group",
        button="Record the group",
        back=reverse("contextual:groups"),
    )


@login_required
@require_http_methods(["GET"])
def group(request: HttpRequest, pk: int) -> HttpResponse:
    """A peer group: its links, concerns, assessments and actions."""
    found = context_or_404(
        request, PeerGroup.objects.filter(pk=pk).first(), ContextualEvent.CONTEXTUAL_PEER_GROUP, pk
    )
    links = list(selectors.links_about(key=found.node_key))
    named = [k.child_id for k in links if k.child_id]
    services.network_view_record(
        by=request.user,  # type: ignore[arg-type]
        start=found.node_key,
        children=people_visible_to(request.user).filter(pk__in=named).values_list("pk", flat=True),
    )
    return render(
        request,
        "contextual/group.html",
        {
            "group": found,
            "links": links_table(request.user, links),
            "concerns": found.concerns.all(),
            "assessments": found.assessments.all(),
            "actions": found.actions.select_related("owner_agency"),
            "can_record": request.user.has_perm(RECORD),
        },
    )
