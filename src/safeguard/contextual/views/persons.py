"""Persons of concern and their police-only notes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguard.core.errors import Forbidden
from safeguard.core.http import form_post, posted, require_perm

from .. import selectors, services
from ..events import ContextualEvent
from ..forms import PersonOfConcernChangeForm, PersonOfConcernForm
from ..models import (
    LinkStatus,
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
def persons(request: HttpRequest) -> HttpResponse:
    """Every person of concern."""
    return list_page(
        request, "contextual/persons.html", {"persons": selectors.persons_of_concern()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    """Record a person of concern."""
    require_perm(request, RECORD)
    police = request.user.has_perm("contextual.see_police_only")
    form = PersonOfConcernForm(posted(request), police=police)
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.person_of_concern_create(
            by=user,
            name=data["name"],
            aliases=data.get("aliases") or "",
            approximate_age=data.get("approximate_age") or "",
            description=data.get("description") or "",
            intelligence_notes=data.get("intelligence_notes") or "",
        ),
        done="Person of concern recorded",
        then=lambda person: reverse("contextual:person", kwargs={"pk": person.pk}),
        refusals=True,
    )
    return done or render(
        request,
        FORM_PAGE,
        {
            "form": form,
            "title": "Record a person of concern",
            "button": "Record the person",
            "back": reverse("contextual:persons"),
        },
    )


@login_required
@require_http_methods(["GET"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """A person of concern: aliases, vehicles, phones, links; police-only notes for the police."""
    found = _person(request, pk)
    police = request.user.has_perm("contextual.see_police_only")
    notes = services.police_only_read(by=request.user, person=found) if police else None  # type: ignore[arg-type]
    links = list(selectors.links_about(key=found.node_key))
    return render(
        request,
        "contextual/person.html",
        {
            "person": found,
            "police": police,
            "notes": notes,
            "links": links_table(request.user, links),
            "vehicles": sorted(
                {str(k.vehicle) for k in links if k.vehicle_id and k.status != LinkStatus.WITHDRAWN}
            ),
            "phones": sorted(
                {str(k.phone) for k in links if k.phone_id and k.status != LinkStatus.WITHDRAWN}
            ),
            "actions": found.actions.select_related("owner_agency"),
            "can_record": request.user.has_perm(RECORD),
            "history": selectors.person_history(found, police=police),
            "can_see_reads": request.user.has_perm("contextual.see_police_only_reads", found),
        },
    )


def _person(request: HttpRequest, pk: int) -> Any:
    return context_or_404(
        request,
        selectors.person_of_concern_get(pk),
        ContextualEvent.CONTEXTUAL_PERSON_OF_CONCERN,
        pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a person of concern, with a reason; the police-only notes for the police only."""
    found = _person(request, pk)
    require_perm(request, RECORD)
    user: Any = request.user
    police = user.has_perm("contextual.see_police_only")
    initial = {
        "name": found.name,
        "aliases": found.aliases,
        "approximate_age": found.approximate_age,
        "description": found.description,
    }
    if police and request.method != "POST":
        # Showing the notes in the form is a read of them, audited like any other.
        initial["intelligence_notes"] = services.police_only_read(by=user, person=found)
    form = PersonOfConcernChangeForm(posted(request), police=police, initial=initial)
    back = reverse("contextual:person", kwargs={"pk": pk})
    done = form_post(
        request,
        form,
        lambda data: services.person_of_concern_correct(
            by=user,
            person=found,
            name=data["name"],
            aliases=data.get("aliases") or "",
            approximate_age=data.get("approximate_age") or "",
            description=data.get("description") or "",
            intelligence_notes=(data.get("intelligence_notes") or "") if police else None,
            reason=data["reason"],
        ),
        done="Person of concern changed",
        then=f"{back}#history",
        refusals=True,
    )
    return done or change_page(
        request, form, title="Change a person of concern", caption=found.name, back=back
    )


@login_required
@require_http_methods(["GET"])
def police_only_reads(request: HttpRequest, pk: int) -> HttpResponse:
    """Who read a person's police-only notes: for managers in the police agency that holds them.

    Contextual staff who may not see it get a clear refusal (403, audited); anyone else
    gets 'page not found'. Looking at this list is audited too, and listed on it.
    """
    found = _person(request, pk)
    try:
        services.police_only_reads_view(by=request.user, person=found)  # type: ignore[arg-type]
    except Forbidden as exc:
        return render(
            request,
            "contextual/police_only_reads.html",
            {"person": found, "refusal": str(exc)},
            status=403,
        )
    return render(
        request,
        "contextual/police_only_reads.html",
        {"person": found, "reads": selectors.police_only_reads(found)},
    )


@login_required
@require_http_methods(["GET"])
def police_only(request: HttpRequest, pk: int) -> HttpResponse:
    """The police-only notes on their own: a clear refusal for any other agency."""
    found = _person(request, pk)
    try:
        notes = services.police_only_read(by=request.user, person=found)  # type: ignore[arg-type]
    except Forbidden as exc:
        return render(
            request,
            "contextual/police_only.html",
            {"person": found, "refusal": str(exc)},
            status=403,
        )
    return render(request, "contextual/police_only.html", {"person": found, "notes": notes})
