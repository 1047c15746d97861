"""Every read of the directory app. All of it is public or about the partnership, never a child."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from safeguard.core.models import OutboxMessage

from .models import (
    AwarenessDay,
    Campaign,
    NewsItem,
    NewsletterIssue,
    PublicEvent,
    Service,
    ServiceArea,
    ServiceStatus,
    Subscriber,
    SubscriberStatus,
)


def _with_details(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("organisation").prefetch_related(
        "areas", "phones", "contacts__phones"
    )


def _age_fits(service: Service, age: int | None, needs: list[str]) -> bool:
    if age is None:
        return True
    if service.minimum_age is not None and age < service.minimum_age:
        return False
    if service.maximum_age is None or age <= service.maximum_age:
        return True
    extended = service.maximum_age_with_disability
    return extended is not None and "disability" in needs and age <= extended


def services_search(
    *,
    text: str = "",
    age: int | None = None,
    needs: list[str] | None = None,
    area: str = "",
    include_inactive: bool = False,
) -> list[Service]:
    """Services matching the words, fitting the age, helping with any of the needs, in the area.

    A service for a disabled young person up to an older age fits that age when
    ``disability`` is among the needs asked about.
    """
    needs = needs or []
    services = _with_details(Service.objects.all())
    if not include_inactive:
        services = services.filter(status=ServiceStatus.ACTIVE)
    for word in text.split()[:8]:
        services = services.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(eligibility_description__icontains=word)
        )
    if area:
        services = services.filter(areas__name=area).distinct()
    found = [s for s in services.order_by("name") if _age_fits(s, age, needs)]
    # Needs are a JSON list: matched here, the same way on SQLite and PostgreSQL.
    matching_needs = [n for n in needs if n != "disability"] or needs
    if matching_needs:
        found = [s for s in found if set(s.needs) & set(matching_needs)]
    return found


def services_for(age: int | None, needs: list[str]) -> list[Service]:
    """Services to suggest when the MASH or early help signpost a child: eligibility fits.

    ``needs`` are the front door's concern category codes (the directory's need codes
    are the same, see ``directory/needs.py``). Services that help with one of the needs
    and whose ages fit come first, most needs in common first; with no service for any
    need, services whose ages fit are suggested. Emergency services (the Multi-Agency
    Safeguarding Hub itself, the Emergency Duty Team) are never a signpost.
    """
    candidates = [
        s for s in services_search() if "immediate_risk" not in s.needs and _age_fits(s, age, needs)
    ]
    wanted = set(needs)
    scored = [(len(wanted & set(s.needs)), s) for s in candidates]
    matching = [pair for pair in scored if pair[0] > 0]
    if not matching:
        return [s for _score, s in scored] if not wanted else []
    matching.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [s for _score, s in matching]


def signpost_suggestions(
    people: list[Any], needs: list[str], *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """For each child being signposted, their age today and the services that fit them.

    The rows ``directory/_signpost.html`` shows, on the MASH decision page and on early
    help's episode page. Only the child's age and the concern codes are asked.
    """
    today = today or timezone.localdate()
    return [
        {
            "person": person,
            "age": (age := person.age_on(today)),
            "services": services_for(age, needs),
        }
        for person in people
    ]


def service_get(service_id: Any) -> Service | None:
    """One service with its details, or None."""
    try:
        return _with_details(Service.objects.all()).filter(pk=service_id).first()
    except (ValueError, TypeError):
        return None


def services_all() -> QuerySet[Service]:
    """Every service, in name order, with details (the export and the business unit's list)."""
    return _with_details(Service.objects.all()).order_by("name", "pk")


def area_names() -> list[str]:
    """The areas services cover, for the area filter."""
    return sorted(set(ServiceArea.objects.values_list("name", flat=True)))


def news_published(*, category: str = "", today: dt.date | None = None) -> QuerySet[NewsItem]:
    """News items published by today, newest first, optionally of one category."""
    items = NewsItem.objects.filter(published_on__lte=today or timezone.localdate())
    if category:
        items = items.filter(category=category)
    return items


def news_item(slug: str) -> NewsItem | None:
    """A published news item by its slug."""
    return news_published().filter(slug=slug).first()


def events_upcoming(*, now: dt.datetime | None = None) -> QuerySet[PublicEvent]:
    """Events and briefing sessions that have not ended, soonest first."""
    return PublicEvent.objects.filter(ends_at__gt=now or timezone.now())


def event_get(slug: str) -> PublicEvent | None:
    """An event by its slug."""
    return PublicEvent.objects.filter(slug=slug).first()


def awareness_calendar(*, today: dt.date | None = None, days: int = 366) -> QuerySet[AwarenessDay]:
    """Awareness days and weeks from today for about a year."""
    today = today or timezone.localdate()
    return AwarenessDay.objects.filter(
        ends_on__gte=today, starts_on__lte=today + dt.timedelta(days=days)
    )


def campaigns_by_subgroup() -> dict[str, list[Campaign]]:
    """Campaigns grouped by the subgroup they were run for, newest first in each."""
    grouped: dict[str, list[Campaign]] = defaultdict(list)
    for campaign in Campaign.objects.order_by("subgroup", "-starts_on", "title"):
        grouped[campaign.subgroup].append(campaign)
    return dict(grouped)


def subscriber_counts() -> dict[str, int]:
    """How many addresses are subscribed, waiting to confirm, and unsubscribed (the data set's)."""
    counts = {
        row["status"]: row["n"]
        for row in Subscriber.objects.values("status").annotate(n=Count("pk"))
    }
    return {status.value: counts.get(status.value, 0) for status in SubscriberStatus}


def issue_deliveries(issue: NewsletterIssue) -> dict[str, Any]:
    """An issue's delivery log: how many emails were sent, are waiting, or failed, and the failures."""
    messages = OutboxMessage.objects.filter(
        related_type="newsletter_issue", related_id=str(issue.pk)
    )
    counts = {row["status"]: row["n"] for row in messages.values("status").annotate(n=Count("pk"))}
    failures = list(messages.filter(status="failed").order_by("pk")[:50])
    return {"counts": counts, "failures": failures, "total": sum(counts.values())}


def newsletter_issues() -> QuerySet[NewsletterIssue]:
    """Every issue, newest month first."""
    return NewsletterIssue.objects.select_related("composed_by", "sent_by")
