"""Places and spaces of concern, and the plain map."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from safeguard.core.http import form_post, posted, require_perm

from .. import selectors, services
from ..events import ContextualEvent
from ..forms import PlaceChangeForm, PlaceForm
from ..models import (
    Place,
    PlaceKind,
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
def places(request: HttpRequest) -> HttpResponse:
    """Every place and space of concern."""
    kind = request.GET.get("kind", "")
    return list_page(
        request,
        "contextual/places.html",
        {"places": selectors.places(kind=kind), "kinds": PlaceKind.choices, "kind": kind},
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_new(request: HttpRequest) -> HttpResponse:
    """Record a place or space of concern."""
    require_perm(request, RECORD)
    form = PlaceForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.place_create(
            by=user,
            name=data["name"],
            kind=data["kind"],
            description=data.get("description") or "",
            location=data.get("location") or "",
            times_of_concern=data.get("times_of_concern") or "",
            agencies=data.get("agencies") or [],
        ),
        done="Place recorded",
        then=lambda place: reverse("contextual:place", kwargs={"pk": place.pk}),
        refusals=True,
    )
    return done or render(
        request,
        FORM_PAGE,
        {
            "form": form,
            "title": "Record a place or space",
            "button": "Record the place",
            "back": reverse("contextual:places"),
        },
    )


def _points(text: str) -> list[tuple[float, float]]:
    points = []
    for line in text.splitlines():
        lat, _, lon = line.partition(",")
        try:
            points.append((float(lat), float(lon)))
        except ValueError:
            continue
    return points


def _map_svg(points: list[tuple[float, float]]) -> str:
    """A plain map that needs no tile server: the point or area on a grid, north up."""
    if not points:
        return ""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    span = max(max(lats) - min(lats), max(lons) - min(lons), 0.002)
    mid_lat, mid_lon = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return 150 + (lon - mid_lon) / span * 200, 150 - (lat - mid_lat) / span * 200

    grid = "".join(
        f'<line x1="{i}" y1="0" x2="{i}" y2="300" stroke="#dee0e2"/>'
        f'<line x1="0" y1="{i}" x2="300" y2="{i}" stroke="#dee0e2"/>'
        for i in range(0, 301, 50)
    )
    if len(points) == 1:
        x, y = xy(*points[0])
        shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="#d4351c"/>'
    else:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(*p) for p in points))
        shape = f'<polygon points="{path}" fill="#d4351c" fill-opacity="0.3" stroke="#d4351c" stroke-width="2"/>'
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 300" width="300" height="300" role="img" '
        'aria-labelledby="map-title"><title id="map-title">Where the place is, on a plain grid (north is up)</title>'
        f'<rect width="300" height="300" fill="#f3f2f1"/>{grid}{shape}'
        '<text x="290" y="20" text-anchor="end" font-size="14">N</text></svg>'
    )


@login_required
@require_http_methods(["GET"])
def place(request: HttpRequest, pk: int) -> HttpResponse:
    """A place: where it is, when, who holds information, its links, concerns and actions."""
    found = context_or_404(
        request,
        Place.objects.prefetch_related("agencies").filter(pk=pk).first(),
        ContextualEvent.CONTEXTUAL_PLACE,
        pk,
    )
    points = _points(found.location)
    return render(
        request,
        "contextual/place.html",
        {
            "place": found,
            "points": points,
            # Built from numbers only.
            "map_svg": mark_safe(_map_svg(points)),  # noqa: S308  # nosec B308 B703
            "links": links_table(request.user, selectors.links_about(key=found.node_key)),
            "concerns": found.concerns.all(),
            "actions": found.actions.select_related("owner_agency"),
            "assessments": found.assessments.all(),
            "can_record": request.user.has_perm(RECORD),
            "tile_url": _tile_url(),
            "history": selectors.place_history(found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a place or space after it was recorded, with a reason."""
    found = context_or_404(
        request,
        Place.objects.prefetch_related("agencies").filter(pk=pk).first(),
        ContextualEvent.CONTEXTUAL_PLACE,
        pk,
    )
    require_perm(request, RECORD)
    form = PlaceChangeForm(
        posted(request),
        initial={
            "name": found.name,
            "kind": found.kind,
            "location": found.location,
            "times_of_concern": found.times_of_concern,
            "description": found.description,
            "agencies": [a.pk for a in found.agencies.all()],
        },
    )
    user: Any = request.user
    back = reverse("contextual:place", kwargs={"pk": pk})
    done = form_post(
        request,
        form,
        lambda data: services.place_correct(
            by=user,
            place=found,
            name=data["name"],
            kind=data["kind"],
            description=data.get("description") or "",
            location=data.get("location") or "",
            times_of_concern=data.get("times_of_concern") or "",
            agencies=data.get("agencies") or [],
            reason=data["reason"],
        ),
        done="Place changed",
        then=f"{back}#history",
        refusals=True,
    )
    return done or change_page(
        request, form, title="Change a place or space", caption=found.name, back=back
    )


def _tile_url() -> str:
    from django.conf import settings

    return str(getattr(settings, "CONTEXTUAL_MAP_TILES", "") or "")
