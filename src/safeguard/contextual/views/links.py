"""Graded links: record one, correct what it says, and dispute, withdraw or restore it."""

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
    LinkChangeForm,
    LinkForm,
    LinkStatusForm,
)
from ..grading import Assessment, HandlingCode, SourceEvaluation
from ..models import (
    Link,
)
from .common import (
    RECORD,
    change_page,
    context_or_404,
    links_table,
)


def _initial_link(request: HttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for key in ("kind", "child", "person", "place", "group"):
        if request.GET.get(key):
            initial[key] = request.GET[key]
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def link_new(request: HttpRequest) -> HttpResponse:
    """Record a graded link."""
    require_perm(request, RECORD)
    form = LinkForm(
        posted(request), initial=_initial_link(request), people=people_visible_to(request.user)
    )
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.link_record(
            by=user,
            kind=data["kind"],
            summary=data["summary"],
            source_agency=data.get("source_agency"),
            known_on=data.get("known_on"),
            source_evaluation=data["source_evaluation"],
            assessment=data["assessment"],
            handling_code=data["handling_code"],
            handling_conditions=data.get("handling_conditions") or "",
            child=data.get("child"),
            other_child=data.get("other_child"),
            person=data.get("person"),
            other_person=data.get("other_person"),
            place=data.get("place"),
            group=data.get("group"),
            vehicle_registration=data.get("vehicle_registration") or "",
            phone_number=data.get("phone_number") or "",
        ),
        done=lambda link: f"Link recorded, graded {link.grade}",
        then=lambda link: reverse("contextual:link", kwargs={"pk": link.pk}),
        refusals=True,
    )
    return done or render(
        request,
        "contextual/link_new.html",
        {
            "form": form,
            "sources": SourceEvaluation.choices,
            "assessments": Assessment.choices,
            "handling": HandlingCode.choices,
        },
    )


def _link(request: HttpRequest, pk: int) -> Link:
    return context_or_404(
        request,
        Link.objects.select_related(
            "source_agency",
            "child",
            "other_child",
            "person",
            "other_person",
            "place",
            "vehicle",
            "phone",
            "group",
            "recorded_by",
        )
        .filter(pk=pk)
        .first(),
        ContextualEvent.CONTEXTUAL_LINK,
        pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """A link: its grade and history; dispute, withdraw or restore it."""
    found = _link(request, pk)
    row = links_table(request.user, [found])[0]
    form = LinkStatusForm(posted(request))
    if request.method == "POST":
        require_perm(request, RECORD)
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.link_status_change(
            by=user, link=found, status=data["status"], reason=data["reason"]
        ),
        done=lambda changed: f"Link {changed.get_status_display().lower()}",
        then=reverse("contextual:link", kwargs={"pk": pk}),
        refusals=True,
    )
    return done or render(
        request,
        "contextual/link.html",
        {
            "link": found,
            "ends": row["ends"],
            "changes": found.changes.select_related("by", "agency"),
            "history": selectors.link_history(found),
            "form": form,
            "can_record": request.user.has_perm(RECORD),
            "words": {
                "source": SourceEvaluation(found.source_evaluation).label,
                "assessment": Assessment(found.assessment).label,
                "handling": HandlingCode(found.handling_code).label,
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct what a link says is known, or the date of the information, with a reason."""
    found = _link(request, pk)
    require_perm(request, RECORD)
    form = LinkChangeForm(
        posted(request), initial={"summary": found.summary, "known_on": found.known_on}
    )
    user: Any = request.user
    back = reverse("contextual:link", kwargs={"pk": pk})
    done = form_post(
        request,
        form,
        lambda data: services.link_correct(
            by=user,
            link=found,
            summary=data["summary"],
            known_on=data.get("known_on"),
            reason=data["reason"],
        ),
        done="Link changed",
        then=f"{back}#history",
        refusals=True,
    )
    return done or change_page(
        request,
        form,
        title="Change what a link says",
        caption=f"{found.get_kind_display()}, graded {found.grade}",
        back=back,
        intro=(
            "Its ends and its grade are not changed here: different ones are new intelligence. "
            "Record a new link, and withdraw this one with the reason.",
        ),
    )
