"""The open Open Referral UK read API at ``/openreferral/``: no keys, JSON, ``Access-Control-Allow-Origin: *``.

Lists are paged as the HSDS 3.0 API reference and the Open Referral UK validator expect:
``total_items``, ``total_pages``, ``page_number``, ``size``, ``first_page``,
``last_page`` and ``empty`` come first, then ``contents``. ``?page=`` starts at 1;
``?per_page=`` is at most 100. Only active services are published; the feed holds
nothing confidential (the directory holds nothing about people).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods

from . import needs as need_list
from . import openreferral, selectors
from .models import Organisation, Service, ServiceStatus

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


def _json(data: Any, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=None),
        content_type="application/json; charset=utf-8",
        status=status,
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_api(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET (and the CORS preflight) only; every answer, errors too, carries the CORS header."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
            response["Access-Control-Max-Age"] = "86400"
            return response
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return require_http_methods(["GET", "HEAD", "OPTIONS"])(wrapper)


class BadQuery(ValueError):
    """A query parameter that is not what the API accepts."""


def _int(
    request: HttpRequest, name: str, default: int | None, low: int, high: int | None = None
) -> int | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadQuery(f"{name} must be a whole number") from None
    if value < low or (high is not None and value > high):
        raise BadQuery(
            f"{name} must be between {low} and {high}" if high else f"{name} must be {low} or more"
        )
    return value


def paged(
    items: list[Any] | QuerySet[Any], request: HttpRequest, render: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """One page of a list, with the HSDS 3.0 paging fields first."""
    page = _int(request, "page", 1, 1) or 1
    size = _int(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE
    total = len(items) if isinstance(items, list) else items.count()
    total_pages = max(1, math.ceil(total / size))
    chunk = list(items[(page - 1) * size : page * size])
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(chunk),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": total == 0,
        "contents": [render(item) for item in chunk],
    }


def _bad(exc: Exception) -> HttpResponse:
    return _json({"detail": str(exc)}, status=400)


@open_api
def index(request: HttpRequest) -> HttpResponse:
    """``GET /``: which version and profile of the standard this API follows."""
    return _json(
        {
            "version": openreferral.HSDS_VERSION,
            "profile": openreferral.PROFILE_URL,
            "openapi_url": openreferral.OPENAPI_URL,
            "description": f"Services directory of the {settings.PARTNERSHIP_NAME}",
            "publisher": {
                "name": settings.PARTNERSHIP_NAME,
                "website": settings.SITE_URL + reverse("directory:services")
                if settings.SITE_URL
                else reverse("directory:services"),
            },
        }
    )


def _published() -> QuerySet[Service]:
    return selectors.services_all().filter(status=ServiceStatus.ACTIVE)


@open_api
def services(request: HttpRequest) -> HttpResponse:
    """``GET /services``: a page of services (``?search=``, ``?taxonomy_term_id=``, ``?age=``...)."""
    try:
        found = _published()
        text = request.GET.get("search", "").strip()
        term = request.GET.get("taxonomy_term_id", "").strip()
        org = request.GET.get("organization_id", "").strip()
        modified = request.GET.get("modified_after", "").strip()
        age = _int(request, "age", None, 0, 120)
        if org:
            found = found.filter(organisation_id=org) if _is_uuid(org) else found.none()
        if modified:
            moment = parse_datetime(modified)
            if moment is None:
                raise BadQuery("modified_after must be a date and time, like 2025-01-31T09:00:00Z")
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            found = found.filter(updated_at__gte=moment)
        need = need_list.BY_TERM_ID.get(term) if term else None
        if term and need is None:
            return _json(paged([], request, openreferral.service_list_item))
        ids = {
            s.pk
            for s in selectors.services_search(
                text=text, age=age, needs=[need.code] if need else []
            )
        }
        found = found.filter(pk__in=ids)
        full = request.GET.get("full", "").lower() == "true"
        render = openreferral.service_full if full else openreferral.service_list_item
        return _json(paged(found, request, render))
    except BadQuery as exc:
        return _bad(exc)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@open_api
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    """``GET /services/{id}``: one fully nested service."""
    found = _published().filter(pk=service_id).first() if _is_uuid(service_id) else None
    if found is None:
        return _json({"detail": "No service has this id"}, status=404)
    return _json(openreferral.service_full(found))


@open_api
def organizations(request: HttpRequest) -> HttpResponse:
    """``GET /organizations``: a page of the organisations that run services."""
    try:
        return _json(
            paged(
                Organisation.objects.order_by("name", "pk"), request, openreferral.organisation_json
            )
        )
    except BadQuery as exc:
        return _bad(exc)


@open_api
def organization(request: HttpRequest, organisation_id: str) -> HttpResponse:
    """``GET /organizations/{id}``: one organisation."""
    found = (
        Organisation.objects.filter(pk=organisation_id).first()
        if _is_uuid(organisation_id)
        else None
    )
    if found is None:
        return _json({"detail": "No organization has this id"}, status=404)
    return _json(openreferral.organisation_json(found))


@open_api
def taxonomy_terms(request: HttpRequest) -> HttpResponse:
    """``GET /taxonomy_terms``: the needs a service finder can filter by."""
    try:
        return _json(paged(openreferral.taxonomy_terms(), request, lambda term: term))
    except BadQuery as exc:
        return _bad(exc)
