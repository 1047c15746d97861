"""Pages for contextual safeguarding, under /contextual/.

Thin: each view loads through a selector, calls one service and renders. Places,
persons of concern and peer groups are for contextual staff (``contextual.see_contexts``);
a child's pages follow the access rule too. Anything the user may not open reads
exactly like something that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from safeguard.core.errors import Forbidden
from safeguard.core.http import errors_on, permitted_or_404, require_perm
from safeguard.meetings.models import Meeting
from safeguard.people.access import people_visible_to
from safeguard.people.models import Person
from safeguard.work.selectors import items_about

from . import network, selectors, services
from .events import ContextualEvent
from .forms import (
    ActionForm,
    AssessmentForm,
    ContextConcernForm,
    LinkChildForm,
    LinkForm,
    LinkStatusForm,
    NetworkForm,
    OutcomeForm,
    PeerGroupForm,
    PersonOfConcernForm,
    PlaceForm,
    TriageForm,
    WeightingForm,
)
from .grading import Assessment, HandlingCode, SourceEvaluation
from .models import (
    ContextAssessment,
    ContextWeighting,
    Link,
    LinkStatus,
    PeerGroup,
    Place,
    PlaceKind,
)

T = TypeVar("T")
SEE = "contextual.see_contexts"
RECORD = "contextual.record_intelligence"
DISRUPTION_KIND = "child-exploitation-disruption-meeting"


def _save(form: Form, call: Callable[[], T]) -> T | None:
    """Call the service; show its refusal or bad input on the form (nothing is saved)."""
    with errors_on(form) as failed:
        try:
            return call()
        except Forbidden as exc:
            form.add_error(None, str(exc))
            return None
    if failed:
        return None
    return None


def _form_page(request: HttpRequest, form: Form, **context: Any) -> HttpResponse:
    return render(request, "contextual/form.html", {"form": form, **context})


def _found(request: HttpRequest, thing: T | None, page: ContextualEvent, object_id: Any) -> T:
    return permitted_or_404(
        request,
        thing,
        allowed=thing is not None and request.user.has_perm(SEE),
        page=page,
        object_id=object_id,
    )


def _child(request: HttpRequest, person_id: uuid.UUID) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    return permitted_or_404(
        request,
        person,
        perm="contextual.view_child_network",
        page=ContextualEvent.CONTEXTUAL_CHILD,
        object_id=person_id,
        person_id=person_id if person else None,
    )


def _links_table(user: Any, links: Any) -> list[dict[str, Any]]:
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


@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """Start page: places, persons of concern, groups, concerns and disruption actions."""
    if not request.user.has_perm(SEE):
        require_perm(request, "contextual.report_context_concern")
        return render(
            request,
            "contextual/index_reporter.html",
            {"concerns": selectors.concerns_visible_to(request.user)[:50]},
        )
    return render(
        request,
        "contextual/index.html",
        {
            "places": selectors.places()[:10],
            "place_count": Place.objects.count(),
            "persons": selectors.persons_of_concern()[:10],
            "groups": selectors.peer_groups()[:10],
            "concerns": selectors.concerns_visible_to(request.user).filter(triaged_at__isnull=True)[
                :20
            ],
            "actions": selectors.actions(open_only=True)[:20],
            "hotspots": selectors.hotspots_all(),
            "can_record": request.user.has_perm(RECORD),
        },
    )


# --- Places ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def places(request: HttpRequest) -> HttpResponse:
    """Every place and space of concern."""
    require_perm(request, SEE)
    kind = request.GET.get("kind", "")
    return render(
        request,
        "contextual/places.html",
        {
            "places": selectors.places(kind=kind),
            "kinds": PlaceKind.choices,
            "kind": kind,
            "can_record": request.user.has_perm(RECORD),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_new(request: HttpRequest) -> HttpResponse:
    """Record a place or space of concern."""
    require_perm(request, RECORD)
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = _save(
            form,
            lambda: services.place_create(
                by=request.user,  # type: ignore[arg-type]
                name=data["name"],
                kind=data["kind"],
                description=data.get("description") or "",
                location=data.get("location") or "",
                times_of_concern=data.get("times_of_concern") or "",
                agencies=data.get("agencies") or [],
            ),
        )
        if place is not None:
            messages.success(request, "Place recorded")
            return redirect("contextual:place", pk=place.pk)
    return _form_page(
        request,
        form,
        title="Record a place or space",
        button="Record the place",
        back=reverse("contextual:places"),
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
    found = _found(
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
            "links": _links_table(request.user, selectors.links_about(key=found.node_key)),
            "concerns": found.concerns.all(),
            "actions": found.actions.select_related("owner_agency"),
            "assessments": found.assessments.all(),
            "can_record": request.user.has_perm(RECORD),
            "tile_url": _tile_url(),
        },
    )


def _tile_url() -> str:
    from django.conf import settings

    return str(getattr(settings, "CONTEXTUAL_MAP_TILES", "") or "")


# --- Persons of concern ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def persons(request: HttpRequest) -> HttpResponse:
    """Every person of concern."""
    require_perm(request, SEE)
    return render(
        request,
        "contextual/persons.html",
        {"persons": selectors.persons_of_concern(), "can_record": request.user.has_perm(RECORD)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    """Record a person of concern."""
    require_perm(request, RECORD)
    police = request.user.has_perm("contextual.see_police_only")
    form = PersonOfConcernForm(request.POST or None, police=police)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = _save(
            form,
            lambda: services.person_of_concern_create(
                by=request.user,  # type: ignore[arg-type]
                name=data["name"],
                aliases=data.get("aliases") or "",
                approximate_age=data.get("approximate_age") or "",
                description=data.get("description") or "",
                intelligence_notes=data.get("intelligence_notes") or "",
            ),
        )
        if person is not None:
            messages.success(request, "Person of concern recorded")
            return redirect("contextual:person", pk=person.pk)
    return _form_page(
        request,
        form,
        title="Record a person of concern",
        button="Record the person",
        back=reverse("contextual:persons"),
    )


@login_required
@require_http_methods(["GET"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """A person of concern: aliases, vehicles, phones, links; police-only notes for the police."""
    found = _found(
        request,
        selectors.person_of_concern_get(pk),
        ContextualEvent.CONTEXTUAL_PERSON_OF_CONCERN,
        pk,
    )
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
            "links": _links_table(request.user, links),
            "vehicles": sorted(
                {str(k.vehicle) for k in links if k.vehicle_id and k.status != LinkStatus.WITHDRAWN}
            ),
            "phones": sorted(
                {str(k.phone) for k in links if k.phone_id and k.status != LinkStatus.WITHDRAWN}
            ),
            "actions": found.actions.select_related("owner_agency"),
            "can_record": request.user.has_perm(RECORD),
        },
    )


@login_required
@require_http_methods(["GET"])
def police_only(request: HttpRequest, pk: int) -> HttpResponse:
    """The police-only notes on their own: a clear refusal for any other agency."""
    found = _found(
        request,
        selectors.person_of_concern_get(pk),
        ContextualEvent.CONTEXTUAL_PERSON_OF_CONCERN,
        pk,
    )
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


# --- Peer groups ------------------------------------------------------------------------------


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
        group = _save(
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
    return _form_page(
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
    found = _found(
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
            "links": _links_table(request.user, links),
            "concerns": found.concerns.all(),
            "assessments": found.assessments.all(),
            "actions": found.actions.select_related("owner_agency"),
            "can_record": request.user.has_perm(RECORD),
        },
    )


# --- Links ------------------------------------------------------------------------------------


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
        request.POST or None, initial=_initial_link(request), people=people_visible_to(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        link = _save(
            form,
            lambda: services.link_record(
                by=request.user,  # type: ignore[arg-type]
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
        )
        if link is not None:
            messages.success(request, f"Link recorded, graded {link.grade}")
            return redirect("contextual:link", pk=link.pk)
    return render(
        request,
        "contextual/link_new.html",
        {
            "form": form,
            "sources": SourceEvaluation.choices,
            "assessments": Assessment.choices,
            "handling": HandlingCode.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """A link: its grade and history; dispute, withdraw or restore it."""
    found = _found(
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
    row = _links_table(request.user, [found])[0]
    form = LinkStatusForm(request.POST or None)
    if request.method == "POST":
        require_perm(request, RECORD)
        if form.is_valid():
            changed = _save(
                form,
                lambda: services.link_status_change(
                    by=request.user,  # type: ignore[arg-type]
                    link=found,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                ),
            )
            if changed is not None:
                messages.success(request, f"Link {changed.get_status_display().lower()}")
                return redirect("contextual:link", pk=pk)
    return render(
        request,
        "contextual/link.html",
        {
            "link": found,
            "ends": row["ends"],
            "changes": found.changes.select_related("by", "agency"),
            "form": form,
            "can_record": request.user.has_perm(RECORD),
            "words": {
                "source": SourceEvaluation(found.source_evaluation).label,
                "assessment": Assessment(found.assessment).label,
                "handling": HandlingCode(found.handling_code).label,
            },
        },
    )


# --- Networks ---------------------------------------------------------------------------------


def _network_request(request: HttpRequest) -> tuple[NetworkForm, int, str]:
    form = NetworkForm(request.GET if request.GET else {"steps": "2", "grade": ""})
    steps, grade = 2, ""
    if form.is_valid():
        steps = form.cleaned_data.get("steps") or 2
        grade = form.cleaned_data.get("grade") or ""
    return form, steps, grade


def _network_page(
    request: HttpRequest, *, start: str, title: str, back: str, pdf_url: str
) -> HttpResponse:
    form, steps, grade = _network_request(request)
    view = selectors.network_for(
        user=request.user, start=start, steps=steps, grade=grade, cap=selectors.NETWORK_CAP
    )
    if view.truncated:
        form.add_error(
            "steps",
            f"The network is too large to show in full: {view.neighbourhood.total_nodes} people, "
            f"places and things are within {steps} step{'s' if steps > 1 else ''}. The page shows "
            f"the nearest {len(view.neighbourhood.nodes)}. Choose fewer steps or a higher grade.",
        )
    services.network_view_record(by=request.user, start=start, children=view.children)  # type: ignore[arg-type]
    return render(
        request,
        "contextual/network.html",
        {
            "form": form,
            "view": view,
            "neighbourhood": view.neighbourhood,
            "title": title,
            "back": back,
            "pdf_url": f"{pdf_url}?{request.GET.urlencode()}" if request.GET else pdf_url,
            "grade_words": _grade_words(grade),
        },
    )


def _grade_words(grade: str) -> str:
    if not grade:
        return "every grade (no links left out)"
    source, _, assessment = grade.partition("-")
    return f"{grade} or stronger ({SourceEvaluation(source).label}; {Assessment(assessment).label})"


def _network_pdf(request: HttpRequest, *, start: str, title: str) -> HttpResponse:
    from weasyprint import HTML

    _form, steps, grade = _network_request(request)
    view = selectors.network_for(
        user=request.user, start=start, steps=steps, grade=grade, cap=selectors.NETWORK_CAP
    )
    services.network_view_record(by=request.user, start=start, children=view.children, export=True)  # type: ignore[arg-type]
    now = timezone.localtime()
    html = render_to_string(
        "contextual/network_pdf.html",
        {
            "view": view,
            "title": title,
            # The engine escapes every label it draws.
            "picture": mark_safe(  # noqa: S308  # nosec B308 B703
                network.picture_svg(view.neighbourhood, title=title)
            ),
            "grade_words": _grade_words(grade),
            "watermark": f"{request.user.get_full_name() or request.user.get_username()} {now:%-d %B %Y}",  # type: ignore[union-attr]
            "printed_at": now,
        },
        request=request,
    )
    response = HttpResponse(bytes(HTML(string=html).write_pdf()), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="network-summary.pdf"'
    return response


def _place_start(request: HttpRequest, pk: int) -> tuple[str, str, str]:
    found = _found(
        request, Place.objects.filter(pk=pk).first(), ContextualEvent.CONTEXTUAL_PLACE, pk
    )
    return found.node_key, f"Network around {found}", reverse("contextual:place", kwargs={"pk": pk})


def _person_start(request: HttpRequest, pk: int) -> tuple[str, str, str]:
    found = _found(
        request,
        selectors.person_of_concern_get(pk),
        ContextualEvent.CONTEXTUAL_PERSON_OF_CONCERN,
        pk,
    )
    return (
        found.node_key,
        f"Network around {found}",
        reverse("contextual:person", kwargs={"pk": pk}),
    )


def _child_start(request: HttpRequest, person_id: uuid.UUID) -> tuple[str, str, str]:
    child = _child(request, person_id)
    return (
        f"child:{child.pk}",
        f"Network around {child.given_name} {child.family_name}",
        reverse("contextual:child", kwargs={"person_id": person_id}),
    )


@login_required
@require_http_methods(["GET"])
def place_network(request: HttpRequest, pk: int) -> HttpResponse:
    """The network around a place."""
    start, title, back = _place_start(request, pk)
    return _network_page(
        request,
        start=start,
        title=title,
        back=back,
        pdf_url=reverse("contextual:place-network-pdf", kwargs={"pk": pk}),
    )


@login_required
@require_http_methods(["GET"])
def person_network(request: HttpRequest, pk: int) -> HttpResponse:
    """The network around a person of concern."""
    start, title, back = _person_start(request, pk)
    return _network_page(
        request,
        start=start,
        title=title,
        back=back,
        pdf_url=reverse("contextual:person-network-pdf", kwargs={"pk": pk}),
    )


@login_required
@require_http_methods(["GET"])
def child_network(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """The network around a child."""
    start, title, back = _child_start(request, person_id)
    return _network_page(
        request,
        start=start,
        title=title,
        back=back,
        pdf_url=reverse("contextual:child-network-pdf", kwargs={"person_id": person_id}),
    )


@login_required
@require_http_methods(["GET"])
def place_network_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The case-conference summary of a place's network."""
    start, title, _back = _place_start(request, pk)
    return _network_pdf(request, start=start, title=title)


@login_required
@require_http_methods(["GET"])
def person_network_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The case-conference summary of a person of concern's network."""
    start, title, _back = _person_start(request, pk)
    return _network_pdf(request, start=start, title=title)


@login_required
@require_http_methods(["GET"])
def child_network_pdf(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """The case-conference summary of a child's network."""
    start, title, _back = _child_start(request, person_id)
    return _network_pdf(request, start=start, title=title)


# --- A child ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def child(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """A child's contexts: their links, concerns they are linked to, and context weighting."""
    found = _child(request, person_id)
    links = list(selectors.links_about(key=f"child:{found.pk}"))
    services.network_view_record(by=request.user, start=f"child:{found.pk}", children=[found.pk])  # type: ignore[arg-type]
    return render(
        request,
        "contextual/child.html",
        {
            "child": found,
            "links": _links_table(request.user, links),
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
    found = _child(request, person_id)
    form = WeightingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
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
    return _form_page(
        request,
        form,
        title="Context weighting",
        caption=f"{found.given_name} {found.family_name}",
        intro=["Context weighting asks which context must change first for the child to be safer."],
        button="Record the weighting",
        back=reverse("contextual:child", kwargs={"person_id": person_id}),
    )


# --- Concerns about a context -----------------------------------------------------------------


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
    form = ContextConcernForm(request.POST or None, show_places=request.user.has_perm(SEE))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        concern = _save(
            form,
            lambda: services.context_concern_report(
                by=request.user,  # type: ignore[arg-type]
                context_kind=data["context_kind"],
                what_happened=data["what_happened"],
                place=data.get("place"),
                where=data.get("where") or "",
            ),
        )
        if concern is not None:
            return render(request, "contextual/concern_done.html", {"concern": concern})
    return _form_page(
        request,
        form,
        title="Report a concern about a place, group or online space",
        intro=[
            "Use this when you are worried about a context: a place, a group of young people, "
            "a school or an online space. You do not need to name a child.",
            "If a child is in danger now, call 999. If you are worried about a named child, "
            "contact the Multi-Agency Safeguarding Hub (MASH).",
        ],
        button="Send the concern",
        back=reverse("contextual:index"),
    )


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
        if request.POST.get("form") == "triage" and can_triage and triage_form.is_valid():
            done = _save(
                triage_form,
                lambda: services.context_concern_triage(
                    by=request.user,  # type: ignore[arg-type]
                    concern=found,
                    outcome=triage_form.cleaned_data["outcome"],
                    notes=triage_form.cleaned_data.get("notes") or "",
                ),
            )
            if done is not None:
                messages.success(request, "Concern triaged")
                return redirect("contextual:concern", reference=reference)
        elif request.POST.get("form") == "child" and can_record and child_form.is_valid():
            linked = _save(
                child_form,
                lambda: services.context_concern_link_child(
                    by=request.user,  # type: ignore[arg-type]
                    concern=found,
                    person=child_form.cleaned_data["child"],
                ),
            )
            if linked is not None:
                messages.success(request, "Child linked to the concern")
                return redirect("contextual:concern", reference=reference)
        elif not (can_triage or can_record):
            require_perm(request, SEE)
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


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    """Assess a context: a place, a peer group, or the context of a concern."""
    require_perm(request, RECORD)
    place = (
        Place.objects.filter(pk=request.GET.get("place") or 0).first()
        if (request.GET.get("place") or "").isdigit()
        else None
    )
    group = (
        PeerGroup.objects.filter(pk=request.GET.get("group") or 0).first()
        if (request.GET.get("group") or "").isdigit()
        else None
    )
    concern = (
        selectors.concern_get(user=request.user, reference=request.GET.get("concern", ""))
        if request.GET.get("concern")
        else None
    )
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            form,
            lambda: services.context_assessment_record(
                by=request.user,  # type: ignore[arg-type]
                context=data["context"],
                harm=data["harm"],
                guardians=data["guardians"],
                conditions=data["conditions"],
                plan=data["plan"],
                strengths=data.get("strengths") or "",
                place=place,
                group=group,
                concern=concern,
            ),
        )
        if saved is not None:
            messages.success(request, "Context assessment recorded")
            return redirect("contextual:assessment", pk=saved.pk)
    about = place or group or (concern.context_words if concern else "")
    return _form_page(
        request,
        form,
        title="Assess a context",
        caption=str(about),
        intro=[
            "A context assessment takes the place, group or school as its subject, not a child. "
            "It looks at three sides: what happens there, who has influence and can make it "
            "safe, and the wider conditions."
        ],
        button="Record the assessment",
        back=reverse("contextual:index"),
    )


@login_required
@require_http_methods(["GET"])
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """A context assessment."""
    found = _found(
        request,
        ContextAssessment.objects.select_related(
            "place", "group", "concern", "assessed_by", "agency"
        )
        .filter(pk=pk)
        .first(),
        ContextualEvent.CONTEXTUAL_ASSESSMENT,
        pk,
    )
    return render(request, "contextual/assessment.html", {"assessment": found})


# --- Disruption actions ------------------------------------------------------------------------


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
        action = _save(
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
    return _form_page(
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
    found = _found(
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
            saved = _save(
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
