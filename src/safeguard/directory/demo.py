"""Demo data for the public pages: the strategy's services, news, events, campaigns, subscribers.

The services come from ``data/york_services.json``, an Open Referral UK file loaded
through the importer (so the demo also proves the import). They are real York and North
Yorkshire organisations as the partnership's strategy lists them; nothing here names a
child. Visit counts cover the last 90 days at about the published 450 visits a month to
the "worried about a child" page.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from django.utils import timezone

from safeguard.core.clock import UK
from safeguard.people.demo import DemoState, register_demo_extension

from . import services
from .models import (
    AwarenessDay,
    Channel,
    EventKind,
    NewsCategory,
    PageVisit,
    Subscriber,
    SubscriberStatus,
)

SERVICES_FILE = Path(__file__).parent / "data" / "york_services.json"

NEWS = [
    (
        "National Child Exploitation Awareness Day",
        "18 March: think, spot and speak out against abuse.",
        "The National Child Exploitation Awareness Day takes place on 18 March every year. "
        "It highlights the issues around child exploitation and encourages everyone to think, "
        "spot and speak out against abuse. Join the conversation on social media at #CEADay.",
        NewsCategory.AWARENESS,
        -20,
    ),
    (
        "Safer Sleep Week",
        "A national campaign every March about safer sleep for babies.",
        "Safer Sleep Week is a national campaign every March. The Lullaby Trust website has a "
        "resource pack, safer sleep leaflets and videos.",
        NewsCategory.AWARENESS,
        -20,
    ),
    (
        "Managing allegations: good practice briefing",
        "A free session for early years and childcare safeguarding leads.",
        "The Local Authority Designated Officer (LADO) runs a free good practice session on "
        "managing allegations against people who work with children, for early years and "
        "childcare designated safeguarding leads and their deputies.",
        NewsCategory.TRAINING,
        -12,
    ),
    (
        "Joint serious violence strategy published",
        "Partners across York and North Yorkshire publish a serious violence response strategy.",
        "Key partners across York and North Yorkshire have published a strategy that assesses "
        "serious violence in the region and sets priorities to prevent and reduce it.",
        NewsCategory.STRATEGY,
        -30,
    ),
    (
        "School attendance is everyone's business",
        "How every agency can help children back into school.",
        "Partners are working together to improve school attendance, especially for children "
        "and young people in vulnerable groups. Talk to the school if attendance is a worry.",
        NewsCategory.PRACTICE,
        -40,
    ),
]


def _awareness_days(year: int) -> list[tuple[str, dt.date, dt.date, str]]:
    return [
        (
            "National Child Exploitation Awareness Day",
            dt.date(year, 3, 18),
            dt.date(year, 3, 18),
            "https://www.stop-ce.org",
        ),
        (
            "Safer Sleep Week",
            dt.date(year, 3, 11),
            dt.date(year, 3, 17),
            "https://www.lullabytrust.org.uk",
        ),
        (
            "Young Carers Action Day",
            dt.date(year, 3, 12),
            dt.date(year, 3, 12),
            "https://carers.org",
        ),
        ("Anti-Bullying Week", dt.date(year, 11, 10), dt.date(year, 11, 14), ""),
        ("Safer Internet Day", dt.date(year, 2, 11), dt.date(year, 2, 11), ""),
    ]


@register_demo_extension(order=12)
def build(state: DemoState) -> None:
    """The directory's services, news, events, awareness calendar, campaigns and subscribers."""
    by = state.users.get("business.unit")
    services.directory_import(
        by=None, content=SERVICES_FILE.read_bytes(), file_name="york_services.json"
    )
    today = state.today
    for title, summary, body, category, days in NEWS:
        services.news_item_save(
            by=by,
            item=None,
            title=title,
            summary=summary,
            body=body,
            category=category,
            published_on=today + dt.timedelta(days=days),
        )
    for n, (title, kind, days, hour) in enumerate(
        [
            (
                "Building Brighter Futures practice model: partner briefing",
                EventKind.BRIEFING,
                9,
                10,
            ),
            ("Together, WE Can: partner briefing", EventKind.BRIEFING, 16, 13),
            ("Managing allegations: good practice session", EventKind.BRIEFING, 23, 18),
            ("Partnership safeguarding conference", EventKind.CONFERENCE, 45, 9),
        ]
    ):
        day = today + dt.timedelta(days=days)
        start = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=UK)
        services.event_save(
            by=by,
            event=None,
            title=title,
            kind=kind,
            description="A free session for multi-agency partners, from front-line workers to senior managers.",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1 if n < 3 else 6),
            location="Online" if n < 3 else "West Offices, York",
            audience="All multi-agency partners",
            places=60 if n < 3 else 200,
        )
    for year in (today.year, today.year + 1):
        for name, starts, ends, url in _awareness_days(year):
            AwarenessDay.objects.create(name=name, starts_on=starts, ends_on=ends, url=url)
    services.campaign_save(
        by=by,
        campaign=None,
        title="Think, spot, speak out",
        subgroup="Child exploitation subgroup",
        aims=(
            "Help parents, carers and professionals spot the signs of exploitation around "
            "National Child Exploitation Awareness Day."
        ),
        starts_on=today - dt.timedelta(days=260),
        ends_on=today - dt.timedelta(days=230),
        channels=[Channel.SOCIAL_MEDIA, Channel.SCHOOLS, Channel.POSTERS],
        evaluation_report=(
            "Social media posts reached about 21,000 people. 14 secondary schools used the "
            "assembly pack. Self-referrals to SOS+ rose in the following two months."
        ),
    )
    services.campaign_save(
        by=by,
        campaign=None,
        title="Safer sleep for every baby",
        subgroup="Learning and improvement subgroup",
        aims="Remind parents and professionals of safer sleep advice during Safer Sleep Week.",
        starts_on=today + dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=34),
        channels=[Channel.SOCIAL_MEDIA, Channel.NEWSLETTER, Channel.WEBSITE],
    )
    now = timezone.now()
    for n in range(12):
        Subscriber.objects.create(
            email=f"subscriber{n + 1}@example.org",
            status=SubscriberStatus.CONFIRMED if n < 9 else SubscriberStatus.PENDING,
            signed_up_at=now - dt.timedelta(days=60 - n),
            confirmed_at=now - dt.timedelta(days=59 - n) if n < 9 else None,
        )
    rng = random.Random("directory-visits")  # noqa: S311 - made-up demo counts
    paths = {"/worried-about-a-child/": 15, "/services/": 8, "/news/": 5, "/events/": 3}
    PageVisit.objects.bulk_create(
        [
            PageVisit(
                path=path,
                day=today - dt.timedelta(days=d),
                count=max(0, int(rng.gauss(mean, mean / 3))),
            )
            for d in range(1, 91)
            for path, mean in paths.items()
        ]
    )
    if by is not None:
        services.newsletter_issue_compose(by=by, month=today)
