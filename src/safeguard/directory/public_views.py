"""The partnership's public pages: no sign-in, no cookies, nothing about any child.

Every page here is under ``core.middleware.PUBLIC_PATH_PREFIXES``. The pages use no
session and no CSRF token on a GET, so they set no cookie (nothing needs consent).
The three public forms (newsletter sign-up, registering an interest in an event,
unsubscribing) are exempt from CSRF checks: they act for nobody signed in, every one
of them reads the same whatever it did, and a forged sign-up still needs the address's
owner to confirm it (double opt-in). Each page view adds one to a daily count for the
page (``visits.py``) and records nothing about the visitor.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from safeguard.core.clock import in_office_hours
from safeguard.core.errors import InvalidRequest

from . import needs as need_list
from . import selectors, services
from .forms import InterestForm, ServiceSearchForm, SignUpForm
from .models import NewsCategory
from .visits import counted

# The front door's contact details (frontdoor/hours.py holds the same, for signed-in pages).
MASH_PHONE = "01904 551900"
MASH_EMAIL = "MASH@york.gov.uk"
EMERGENCY_DUTY_TEAM_PHONE = "0300 131 2131"
OTHER_LANGUAGES = ["Cantonese", "Bengali", "Polish", "Turkish", "Urdu"]


def contact_details() -> dict[str, Any]:
    """Phone numbers and email for the public pages, from settings when the partnership sets them."""
    return {
        "mash_phone": getattr(settings, "SAFEGUARD_MASH_PHONE", MASH_PHONE),
        "mash_email": getattr(settings, "SAFEGUARD_MASH_EMAIL", MASH_EMAIL),
        "edt_phone": getattr(settings, "SAFEGUARD_EDT_PHONE", EMERGENCY_DUTY_TEAM_PHONE),
        "office_hours": settings.OFFICE_HOURS.replace("-", " to "),
        "formats_email": getattr(settings, "SAFEGUARD_FORMATS_EMAIL", MASH_EMAIL),
        "other_languages": OTHER_LANGUAGES,
    }


@require_http_methods(["GET", "HEAD"])
@counted
def worried(request: HttpRequest) -> HttpResponse:
    """'Worried about a child?': who to call, now and out of hours, and what happens next."""
    return render(
        request,
        "directory/public/worried.html",
        {**contact_details(), "office_open": in_office_hours()},
    )


@require_http_methods(["GET", "HEAD"])
@counted
def other_formats(request: HttpRequest) -> HttpResponse:
    """How to ask for these pages in another format or language."""
    return render(request, "directory/public/other_formats.html", contact_details())


@require_http_methods(["GET", "HEAD"])
@counted
def service_list(request: HttpRequest) -> HttpResponse:
    """The services directory with search and filters (age, need, area)."""
    form = ServiceSearchForm(request.GET or None, areas=selectors.area_names())
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        results = selectors.services_search(
            text=data["q"] or "",
            age=data["age"],
            needs=[data["need"]] if data["need"] else [],
            area=data["area"] or "",
        )
    elif not form.is_bound:
        results = selectors.services_search()
    page = Paginator(results or [], 20).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/public/services.html",
        {"form": form, "page": page, "results": results, "need_labels": dict(need_list.CHOICES)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD"])
@counted
def service_detail(request: HttpRequest, service_id: Any) -> HttpResponse:
    """One service: what it does, who it is for, where, how to refer, contacts."""
    service = selectors.service_get(service_id)
    if service is None:
        raise Http404
    return render(
        request,
        "directory/public/service.html",
        {"service": service, "need_labels": need_list.labels(service.needs)},
    )


@require_http_methods(["GET", "HEAD"])
@counted
def news_list(request: HttpRequest) -> HttpResponse:
    """Latest news, newest first, optionally one category."""
    category = request.GET.get("category", "")
    if category not in NewsCategory.values:
        category = ""
    page = Paginator(selectors.news_published(category=category), 10).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/public/news.html",
        {"page": page, "category": category, "categories": NewsCategory.choices},
    )


@require_http_methods(["GET", "HEAD"])
@counted
def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One news item."""
    item = selectors.news_item(slug)
    if item is None:
        raise Http404
    return render(request, "directory/public/news_item.html", {"item": item})


@require_http_methods(["GET", "HEAD"])
@counted
def event_list(request: HttpRequest) -> HttpResponse:
    """Events and briefing sessions coming up, and the awareness days calendar."""
    return render(
        request,
        "directory/public/events.html",
        {"events": selectors.events_upcoming(), "days": selectors.awareness_calendar()},
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@counted
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One event, with a form to register an interest (or book, once training takes bookings)."""
    event = selectors.event_get(slug)
    if event is None:
        raise Http404
    form = InterestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.event_interest_register(event=event, **form.cleaned_data)
        except InvalidRequest as exc:
            form.add_error(None, str(exc))
        else:
            return render(
                request,
                "directory/public/event_registered.html",
                {"event": event, "message": message},
            )
    return render(
        request,
        "directory/public/event.html",
        {"event": event, "form": form},
        status=400 if form.errors else 200,
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@counted
def newsletter(request: HttpRequest) -> HttpResponse:
    """Sign up to the newsletter; the answer is the same whether or not the address was known."""
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.newsletter_sign_up(email=form.cleaned_data["email"])
        return redirect("directory:newsletter-check")
    return render(
        request,
        "directory/public/newsletter.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD"])
def newsletter_check(request: HttpRequest) -> HttpResponse:
    """After signing up: check your email (said to everyone, subscribed or not)."""
    return render(request, "directory/public/newsletter_check.html")


@require_http_methods(["GET", "HEAD"])
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm a subscription from the emailed link."""
    confirmed = services.newsletter_confirm(token=token)
    return render(
        request,
        "directory/public/newsletter_confirmed.html",
        {"confirmed": confirmed, "sign_up_url": reverse("directory:newsletter")},
        status=200 if confirmed else 400,
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Unsubscribe: a GET shows a button (mail scanners follow links); a POST unsubscribes.

    A mail program's one-click unsubscribe (RFC 8058) POSTs ``List-Unsubscribe=One-Click``
    here with no cookie and no CSRF token; the signed token in the address is the proof.
    """
    if request.method == "POST":
        done = services.newsletter_unsubscribe(token=token)
        return render(
            request,
            "directory/public/newsletter_unsubscribed.html",
            {"done": done},
            status=200 if done else 400,
        )
    return render(request, "directory/public/newsletter_unsubscribe.html", {"token": token})
