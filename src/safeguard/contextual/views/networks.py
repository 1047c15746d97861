"""The network around a place, a person of concern or a child, as a page and a PDF."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from .. import network, selectors, services
from ..events import ContextualEvent
from ..forms import (
    NetworkForm,
)
from ..grading import Assessment, SourceEvaluation
from ..models import (
    Place,
)
from .common import (
    child_or_404,
    context_or_404,
)


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
    found = context_or_404(
        request, Place.objects.filter(pk=pk).first(), ContextualEvent.CONTEXTUAL_PLACE, pk
    )
    return found.node_key, f"Network around {found}", reverse("contextual:place", kwargs={"pk": pk})


def _person_start(request: HttpRequest, pk: int) -> tuple[str, str, str]:
    found = context_or_404(
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
    child = child_or_404(request, person_id)
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
