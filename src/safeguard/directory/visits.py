"""Counts of public page visits, for the data set's website measures, without tracking anyone.

One row per page per day holds a number. Nothing is kept about the visitor: no address,
no cookie, no browser details, no referrer, so two visits cannot be told apart or joined up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import PageVisit

MAX_PATH = 200


def visit_count(*, path: str, day: dt.date | None = None) -> None:
    """Add one to today's count for the page (safe when two requests race)."""
    day = day or timezone.localdate()
    path = path[:MAX_PATH]
    if PageVisit.objects.filter(path=path, day=day).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            PageVisit.objects.create(path=path, day=day, count=1)
    except IntegrityError:  # another request made today's row first
        PageVisit.objects.filter(path=path, day=day).update(count=F("count") + 1)


def counted(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Count a successful GET of a public page (the path only, never the query or the visitor)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            visit_count(path=request.path)
        return response

    return wrapper


def visits_by_path(*, since: dt.date, until: dt.date) -> list[dict[str, Any]]:
    """Visits to each public page between two days (inclusive), most visited first."""
    return list(
        PageVisit.objects.filter(day__gte=since, day__lte=until)
        .values("path")
        .annotate(visits=Sum("count"))
        .order_by("-visits", "path")
    )
