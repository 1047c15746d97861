"""A meeting as an iCalendar file (RFC 5545), for invitees' own calendars.

The file names the meeting's kind, time, place and reference only, never a child.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting, MeetingStatus


def meeting_ics(meeting: Meeting, *, url: str) -> bytes:
    """The meeting as an .ics file: one event in UTC, cancelled if the meeting was."""
    calendar = Calendar()
    calendar.add("prodid", "-//Safeguarding Children Partnership//Safeguard//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    host = settings.SITE_URL.split("//")[-1].split("/")[0] or "safeguard"
    event.add("uid", f"{meeting.reference}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.kind.name} ({meeting.reference})")
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", f"Agenda, your invitation and the minutes: {url}")
    event.add("url", url)
    if meeting.status == MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()
