"""Peer groups."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguard.core.http import form_post, posted, require_perm
from safeguard.people.access import people_visible_to

from .. import selectors, services
from ..events import ContextualEvent
from ..forms import (
    PeerGroupChangeForm,
    PeerGroupForm,
)
from ..models import (
    PeerGroup,
)
from .common import (
    FORM_PAGE,
    RECORD,
    change_page,
    context_or_404,
    links_table,
    list_page,
)


@login_required
@require_http_methods(["GET"])
def groups(request: HttpRequest) -> HttpResponse:
    """Every peer group."""
    return list_page(request, "contextual/groups.html", {"groups": selectors.peer_groups()})


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    """Record a peer group."""
    require_perm(request, RECORD)
    form = PeerGroupForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.peer_group_create(
            by=user, name=data["name"], description=data.get("description") or ""
        ),
        done="Peer group recorded",
        then=lambda group: reverse("contextual:group", kwargs={"pk": group.pk}),
        refusals=True,
    )
    return done or render(
        request,
        FORM_PAGE,
        {
            "form": form,
            "title": "Record a peer group",
            "button": "Record the group",
            "back": reverse("contextual:groups"),
        },
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
            "history": selectors.group_history(found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a peer group after it was recorded, with a reason."""
    found = context_or_404(
        request, PeerGroup.objects.filter(pk=pk).first(), ContextualEvent.CONTEXTUAL_PEER_GROUP, pk
    )
    require_perm(request, RECORD)
    form = PeerGroupChangeForm(
        posted(request), initial={"name": found.name, "description": found.description}
    )
    user: Any = request.user
    back = reverse("contextual:group", kwargs={"pk": pk})
    done = form_post(
        request,
        form,
        lambda data: services.peer_group_correct(
            by=user,
            group=found,
            name=data["name"],
            description=data.get("description") or "",
            reason=data["reason"],
        ),
        done="Peer group changed",
        then=f"{back}#history",
        refusals=True,
    )
    return done or change_page(
        request, form, title="Change a peer group", caption=found.name, back=back
    )
