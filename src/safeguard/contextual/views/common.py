"""Shared pieces of the contextual pages: permissions, finding a subject, link tables."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeguard.core.http import permitted_or_404, require_perm
from safeguard.people.access import people_visible_to
from safeguard.people.models import Person

from .. import selectors
from ..events import ContextualEvent

T = TypeVar("T")
SEE = "contextual.see_contexts"
RECORD = "contextual.record_intelligence"
DISRUPTION_KIND = "child-exploitation-disruption-meeting"
# The one form page most of the app's forms use.
FORM_PAGE = "contextual/form.html"
# What the page to correct a record after recording says first.
CHANGE_INTRO = (
    "Change what is wrong or out of date. Every change is kept in the history of changes "
    "with the reason, your name and the date: nothing is overwritten."
)


def list_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A list of places, persons, groups or actions: contextual staff only, with "record" links."""
    require_perm(request, SEE)
    return render(request, template, {**context, "can_record": request.user.has_perm(RECORD)})


def change_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    caption: str,
    back: str,
    intro: tuple[str, ...] = (),
) -> HttpResponse:
    """The form to correct a record after recording: every answer again, and a reason."""
    return render(
        request,
        FORM_PAGE,
        {
            "form": form,
            "title": title,
            "caption": caption,
            "intro": [CHANGE_INTRO, *intro],
            "button": "Save the change",
            "back": back,
        },
    )


def context_or_404(
    request: HttpRequest, thing: T | None, page: ContextualEvent, object_id: Any
) -> T:
    """A place, person, group, link or action for contextual staff; otherwise an audited 404."""
    return permitted_or_404(
        request,
        thing,
        allowed=thing is not None and request.user.has_perm(SEE),
        page=page,
        object_id=object_id,
    )


def child_or_404(request: HttpRequest, person_id: uuid.UUID) -> Person:
    """A child whose contextual pages the user may open; otherwise an audited 404."""
    person = Person.objects.filter(pk=person_id).first()
    return permitted_or_404(
        request,
        person,
        perm="contextual.view_child_network",
        page=ContextualEvent.CONTEXTUAL_CHILD,
        object_id=person_id,
        person_id=person_id if person else None,
    )


def links_table(user: Any, links: Any) -> list[dict[str, Any]]:
    """Links as table rows; a child the user may not see is not named."""
    children = {c for link in links for c in (link.child_id, link.other_child_id) if c}
    visible = set(people_visible_to(user).filter(pk__in=children).values_list("pk", flat=True))
    rows = []
    for link in links:
        ends = []
        for field in (
            "child",
            "other_child",
            "person",
            "other_person",
            "place",
            "vehicle",
            "phone",
            "group",
        ):
            value = getattr(link, field)
            if value is None:
                continue
            if field in ("child", "other_child"):
                ends.append(
                    f"{value.given_name} {value.family_name}"
                    if value.pk in visible
                    else selectors.HIDDEN_CHILD
                )
            else:
                ends.append(str(value))
        rows.append({"link": link, "ends": " and ".join(ends)})
    return rows
