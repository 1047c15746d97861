"""The monthly Child Exploitation Disruption Meeting's agenda builds itself from this app.

Registered with the meetings app under ``exploitation_disruption`` (the key the
meeting kind names): places, spaces, persons of concern and peer groups with new
intelligence since the last meeting, hotspots, new concerns about contexts and open
disruption actions. Every suggestion is a topic whose title names a place, group,
person of concern or reference, never a child.
"""

from __future__ import annotations

import datetime as dt

from safeguard.meetings.agenda import SuggestedItem, agenda_supplier_register
from safeguard.meetings.models import Meeting, MeetingStatus

from . import selectors

SUPPLIER = "exploitation_disruption"
MONTH = dt.timedelta(days=31)
TITLE_LENGTH = 200


def window_for(meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """From the previous meeting of the same kind (or a month before) to this meeting's start."""
    previous = (
        Meeting.objects.filter(kind_id=meeting.kind_id, starts_at__lt=meeting.starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return previous or meeting.starts_at - MONTH, meeting.starts_at


def _topic(title: str, reason: str) -> SuggestedItem:
    return SuggestedItem(kind="topic", title=title[:TITLE_LENGTH], reason=reason)


def supply(*, meeting: Meeting) -> list[SuggestedItem]:
    """Every topic the disruption meeting should look at this month."""
    since, until = window_for(meeting)
    items: list[SuggestedItem] = []
    fresh = selectors.new_intelligence(since=since, until=until)
    for label, key in (
        ("Place", "places"),
        ("Person of concern", "persons"),
        ("Peer group", "groups"),
    ):
        for thing, count in fresh[key]:
            items.append(
                _topic(
                    f"{label}: {thing}",
                    f"{count} new link{'s' if count != 1 else ''} since the last meeting",
                )
            )
    for place, children in selectors.hotspots_all():
        items.append(_topic(f"Hotspot: {place}", f"Linked to {children} children assessed at risk"))
    for concern in selectors.new_concerns(since=since, until=until):
        items.append(
            _topic(
                f"Concern {concern.reference}: {concern.context_words}",
                f"New concern about {concern.get_context_kind_display().lower()}",
            )
        )
    for action in selectors.actions(open_only=True):
        items.append(
            _topic(
                f"Action {action.reference}: {action.get_tool_display()}",
                f"Open disruption action, owned by {action.owner_agency.name}, due {action.due_on:%-d %B %Y}",
            )
        )
    return items


agenda_supplier_register(SUPPLIER, supply)
