"""Writes of the news part: news items, events and registrations of interest, awareness days, campaigns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from safeguard.core.audit import audit_record
from safeguard.core.clock import Clock
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import AuditAction, TeamPurpose
from safeguard.work.models import OPEN_STATUSES, WorkItem, WorkKind
from safeguard.work.services import Deadline, team_for_purpose, work_item_create

from ..booking import book_with_handlers
from ..events import DirectoryEvent
from ..models import AwarenessDay, Campaign, EventInterest, NewsItem, PublicEvent
from ._common import require


def _unique_slug(model: Any, title: str, instance: Any) -> str:
    base = slugify(title)[:100] or "item"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exclude(pk=getattr(instance, "pk", None)).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _save(by: Any, instance: Any, fields: dict[str, Any], event: DirectoryEvent) -> Any:
    creating = instance.pk is None
    for key, value in fields.items():
        setattr(instance, key, value)
    if creating and hasattr(instance, "created_by_id"):
        instance.created_by = by
    instance.save()
    audit_record(
        by=by,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        object_type=event,
        object_id=instance.pk,
        changes={"title": str(instance)},
    )
    return instance


@transaction.atomic
def news_item_save(
    *,
    by: Any,
    item: NewsItem | None,
    title: str,
    summary: str,
    body: str,
    category: str,
    published_on: dt.date,
) -> NewsItem:
    """Write or change a news item; it is public from its publish date."""
    require(by, "directory.manage_news")
    item = item or NewsItem()
    slug = item.slug or _unique_slug(NewsItem, title, item)
    fields = {
        "title": title,
        "summary": summary,
        "body": body,
        "category": category,
        "published_on": published_on,
        "slug": slug,
    }
    return _save(by, item, fields, DirectoryEvent.NEWS_ITEM)


@transaction.atomic
def event_save(
    *,
    by: Any,
    event: PublicEvent | None,
    title: str,
    kind: str,
    description: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str,
    audience: str = "",
    places: int | None = None,
    training_course: str = "",
) -> PublicEvent:
    """Add or change an event or briefing session."""
    require(by, "directory.manage_news")
    if ends_at <= starts_at:
        raise InvalidRequest(errors={"ends_at": "The event must end after it starts"})
    event = event or PublicEvent()
    fields = {
        "title": title,
        "kind": kind,
        "description": description,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "location": location,
        "audience": audience,
        "places": places,
        "training_course": training_course,
        "slug": event.slug or _unique_slug(PublicEvent, title, event),
    }
    return _save(by, event, fields, DirectoryEvent.PUBLIC_EVENT)


@transaction.atomic
def event_interest_register(
    *, event: PublicEvent, name: str, email: str, organisation: str = ""
) -> str:
    """Someone registers for an event: a training booking if a handler takes it, else interest.

    Registering twice with one address changes nothing and reads the same, so the page
    never tells anyone whether an address registered before. Returns what to tell them.
    """
    if event.ends_at <= timezone.now():
        raise InvalidRequest("This event has already happened.")
    booked = book_with_handlers(event=event, name=name, email=email, organisation=organisation)
    if booked is not None:
        return booked
    try:
        with transaction.atomic():
            EventInterest.objects.create(
                event=event,
                name=name[:200],
                email=email.strip().lower(),
                organisation=organisation[:200],
                registered_at=timezone.now(),
            )
    except IntegrityError:  # already registered: nothing changes, and nothing says so
        pass
    else:
        _interest_work(event)
    return "Thank you. The partnership's business unit will email you about a place."


INTEREST_SUBJECT = "directory.event_interest"


def _interest_work(event: PublicEvent) -> None:
    """One open item per event in the business unit's queue: email who registered interest.

    The item names the event, never the people (their names and addresses are on the
    list it links to, which only the business unit opens). Without a business unit team
    the registration still succeeds: the list is on the event's page as before.
    """
    team = team_for_purpose(TeamPurpose.PARTNERSHIP)
    if team is None:
        return
    if WorkItem.objects.filter(
        subject_type=INTEREST_SUBJECT, subject_id=str(event.pk), status__in=OPEN_STATUSES
    ).exists():
        return
    work_item_create(
        by=None,
        team=team,
        kind=WorkKind.OTHER,
        title=f"Email the people who registered interest in {event.title}"[:200],
        detail=(
            "Someone registered interest in a place on the public website and was told the "
            "business unit will email them. The list has everyone who registered."
        ),
        subject_type=INTEREST_SUBJECT,
        subject_id=event.pk,
        subject_url=reverse("directory:manage-interests", args=[event.pk]),
        subject_label=f"Event on {timezone.localtime(event.starts_at):%-d %B %Y}",
        deadline=Deadline(2, Clock.WORKING_DAYS),
    )


@transaction.atomic
def awareness_day_save(
    *,
    by: Any,
    day: AwarenessDay | None,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
    url: str = "",
) -> AwarenessDay:
    """Add or change a day or week in the awareness calendar."""
    require(by, "directory.manage_news")
    if ends_on < starts_on:
        raise InvalidRequest(errors={"ends_on": "The last day must be on or after the first day"})
    fields = {
        "name": name,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "description": description,
        "url": url,
    }
    return _save(by, day or AwarenessDay(), fields, DirectoryEvent.AWARENESS_DAY)


@transaction.atomic
def campaign_save(
    *,
    by: Any,
    campaign: Campaign | None,
    title: str,
    subgroup: str,
    aims: str,
    starts_on: dt.date,
    ends_on: dt.date,
    channels: list[str],
    evaluation_report: str = "",
) -> Campaign:
    """Add or change a campaign, its channels and, once it has run, its evaluation report."""
    require(by, "directory.manage_news")
    if ends_on < starts_on:
        raise InvalidRequest(errors={"ends_on": "The campaign must end on or after it starts"})
    fields = {
        "title": title,
        "subgroup": subgroup,
        "aims": aims,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "channels": list(dict.fromkeys(channels)),
        "evaluation_report": evaluation_report,
    }
    return _save(by, campaign or Campaign(), fields, DirectoryEvent.CAMPAIGN)
