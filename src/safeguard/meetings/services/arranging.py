"""Arranging meetings: one meeting, a recurring schedule, cancelling and moving."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.clock import Clock, due
from safeguard.core.errors import Forbidden
from safeguard.core.models import Agency, AgencyKind, AuditAction
from safeguard.core.references import reference_issue

from ..events import MeetingEvent
from ..models import (
    Frequency,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Schedule,
)
from ..schedules import occurrences

if TYPE_CHECKING:
    from safeguard.core.models import User
from .base import (
    SCHEDULE_HORIZON_DAYS,
    _check_people,
    _invalid,
    _require_chair,
    _site,
    _uk,
)
from .invitations import _invite, _tell_invitees

# --- Arranging meetings ----------------------------------------------------------------------


def clock_due(kind: MeetingKind, started_at: dt.datetime | None) -> dt.datetime | None:
    """When the kind's clock says the meeting must be held by, counted from ``started_at``."""
    if started_at is None or not kind.clock_starts or kind.clock_amount is None or not kind.clock:
        return None
    return due(started_at, kind.clock_amount, Clock(kind.clock))


def _missing_agency_kinds(kind: MeetingKind, agencies: Iterable[Agency]) -> list[str]:
    """Kinds of agency the meeting must invite but does not (only kinds the partnership has)."""
    invited = {a.kind for a in agencies}
    required = [k for k in kind.required_agency_kinds if k not in invited]
    existing = set(
        Agency.objects.filter(kind__in=required, active=True).values_list("kind", flat=True)
    )
    return [AgencyKind(k).label for k in required if k in existing]


def _clash(chair: User, starts_at: dt.datetime, ends_at: dt.datetime) -> Meeting | None:
    return (
        Meeting.objects.filter(chair=chair, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .first()
    )


def _meeting_make(
    *,
    by: User,
    kind: MeetingKind,
    title: str,
    starts_at: dt.datetime,
    duration_minutes: int,
    chair: User,
    location: str,
    agencies: list[Agency],
    people: list[User],
    schedule: Schedule | None = None,
    moved_from: dt.date | None = None,
    clock_started_at: dt.datetime | None = None,
) -> Meeting:
    ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
    clash = _clash(chair, starts_at, ends_at)
    if clash is not None:
        raise _invalid(
            f"The chair already has a meeting then ({clash.title}, {_uk(clash.starts_at)}). "
            "Choose another time",
            field="starts_at",
        )
    meeting = Meeting.objects.create(
        reference=reference_issue(prefix="MTG", kind="meeting"),
        kind=kind,
        schedule=schedule,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        moved_from=moved_from,
        location=location,
        chair=chair,
        clock_started_at=clock_started_at,
        due_by=clock_due(kind, clock_started_at),
        created_by=by,
    )
    for agency in dict.fromkeys(agencies):
        _invite(by=by, meeting=meeting, agency=agency)
    for person in dict.fromkeys(people):
        if person.agency is not None:  # checked by _check_people
            _invite(by=by, meeting=meeting, agency=person.agency, person=person)
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=MeetingEvent.MEETING,
        object_id=meeting.reference,
        changes={
            "kind": kind.slug,
            "starts_at": starts_at,
            "chair": chair.username,
            "agencies": sorted(a.slug for a in agencies),
            "people": sorted(p.username for p in people),
        },
    )
    return meeting


def _check_arrangement(
    *, by: User, kind: MeetingKind, title: str, chair: User, agencies: list[Agency]
) -> None:
    if not by.has_perm("meetings.arrange_meetings"):
        raise Forbidden("You cannot arrange meetings.")
    if not kind.active:
        raise _invalid("This kind of meeting is no longer held", field="kind")
    if not title.strip():
        raise _invalid("Enter a title for the meeting", field="title")
    if not chair.is_active:
        raise _invalid("The chair's account is closed: choose another chair", field="chair")
    missing = _missing_agency_kinds(kind, agencies)
    if missing:
        raise _invalid(f"A {kind.name.lower()} must invite {', '.join(missing)}", field="agencies")


@transaction.atomic
def meeting_arrange(
    *,
    by: User,
    kind: MeetingKind,
    title: str,
    starts_at: dt.datetime,
    agencies: Iterable[Agency],
    people: Iterable[User] = (),
    chair: User | None = None,
    duration_minutes: int | None = None,
    location: str = "",
    clock_started_at: dt.datetime | None = None,
) -> Meeting:
    """Arrange one meeting and invite agencies and named people (their invitations are emailed)."""
    chair = chair or by
    agencies, people = list(agencies), list(people)
    # A named person invites their agency too (``_meeting_make``), so a named police
    # officer is the police for a meeting that must invite the police.
    named = [person.agency for person in people if person.agency is not None]
    _check_arrangement(by=by, kind=kind, title=title, chair=chair, agencies=agencies + named)
    _check_people(people)
    if timezone.is_naive(starts_at):
        raise _invalid("Enter the time the meeting starts", field="starts_at")
    if clock_started_at is not None and clock_started_at > starts_at:
        raise _invalid(
            "The meeting cannot be before what started its clock", field="clock_started_at"
        )
    return _meeting_make(
        by=by,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes or kind.duration_minutes,
        chair=chair,
        location=location.strip(),
        agencies=agencies,
        people=people,
        clock_started_at=clock_started_at,
    )


@transaction.atomic
def schedule_create(
    *,
    by: User,
    kind: MeetingKind,
    title: str,
    weekday: int,
    start_time: dt.time,
    starts_on: dt.date,
    agencies: Iterable[Agency],
    chair: User | None = None,
    frequency: str | None = None,
    week_of_month: int | None = None,
    ends_on: dt.date | None = None,
    duration_minutes: int | None = None,
    location: str = "",
) -> Schedule:
    """Set up a recurring meeting and make its meetings (off bank holidays) up to a year ahead."""
    chair = chair or by
    agencies = list(agencies)
    frequency = frequency or kind.frequency
    if frequency not in (Frequency.WEEKLY, Frequency.MONTHLY):
        raise _invalid("A schedule repeats weekly or monthly", field="frequency")
    _check_arrangement(by=by, kind=kind, title=title, chair=chair, agencies=agencies)
    until = ends_on or starts_on + dt.timedelta(days=SCHEDULE_HORIZON_DAYS)
    if until < starts_on:
        raise _invalid("The schedule must end after it starts", field="ends_on")
    schedule = Schedule.objects.create(
        kind=kind,
        title=title.strip(),
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month,
        start_time=start_time,
        duration_minutes=duration_minutes or kind.duration_minutes,
        starts_on=starts_on,
        ends_on=ends_on,
        location=location.strip(),
        chair=chair,
        created_by=by,
    )
    schedule.agencies.set(agencies)
    for occurrence in occurrences(
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month,
        start_time=start_time,
        starts_on=starts_on,
        until=until,
    ):
        _meeting_make(
            by=by,
            kind=kind,
            title=schedule.title,
            starts_at=occurrence.starts_at,
            duration_minutes=schedule.duration_minutes,
            chair=chair,
            location=schedule.location,
            agencies=agencies,
            people=[],
            schedule=schedule,
            moved_from=occurrence.moved_from,
        )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=MeetingEvent.MEETING_SCHEDULE,
        object_id=schedule.pk,
        changes={"kind": kind.slug, "frequency": frequency, "weekday": weekday, "until": until},
    )
    return schedule


# --- Cancelling and moving -------------------------------------------------------------------


def _changeable(by: User, meeting: Meeting) -> None:
    _require_chair(by, meeting)
    if not meeting.is_changeable:
        raise _invalid(
            "This meeting is cancelled or its minutes are final: it cannot change", field="reason"
        )


@transaction.atomic
def meeting_cancel(*, by: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting; every invitee is told by email and the calendar file says cancelled."""
    _changeable(by, meeting)
    if not reason.strip():
        raise _invalid("Enter why the meeting is cancelled", field="reason")
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_reason = reason.strip()
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancelled_reason", "sequence"])
    link = _site(reverse("meetings:calendar", args=[meeting.reference]))
    told = _tell_invitees(
        meeting=meeting,
        kind="meeting_cancelled",
        subject=f"Cancelled: {meeting.kind.name}, {_uk(meeting.starts_at)}",
        body=(
            f"The {meeting.kind.name.lower()} on {_uk(meeting.starts_at)} (UK time) is cancelled.\n"
            f"Reference: {meeting.reference}\n\n"
            f"Why: {meeting.cancelled_reason}\n\n"
            f"The calendar file, to take it out of your calendar: {link}\n"
        ),
    )
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=MeetingEvent.MEETING,
        object_id=meeting.reference,
        changes={"status": MeetingStatus.CANCELLED, "told": told},
        reason=meeting.cancelled_reason,
    )
    return meeting


@transaction.atomic
def meeting_move(
    *, by: User, meeting: Meeting, starts_at: dt.datetime, reason: str = ""
) -> Meeting:
    """Move a meeting to a new time (same length); the chair must be free; invitees are told."""
    _changeable(by, meeting)
    if timezone.is_naive(starts_at):
        raise _invalid("Enter the new time the meeting starts", field="starts_at")
    if starts_at < timezone.now():
        raise _invalid("The new time must be in the future", field="date")
    length = meeting.ends_at - meeting.starts_at
    ends_at = starts_at + length
    clash = (
        Meeting.objects.filter(chair=meeting.chair, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(pk=meeting.pk)
        .first()
    )
    if clash is not None:
        raise _invalid(
            f"The chair already has a meeting then ({clash.title}, {_uk(clash.starts_at)}). "
            "Choose another time",
            field="date",
        )
    before = meeting.starts_at
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.due_by = clock_due(meeting.kind, meeting.clock_started_at)
    meeting.sequence += 1
    meeting.save(update_fields=["starts_at", "ends_at", "due_by", "sequence"])
    page = _site(reverse("meetings:detail", args=[meeting.reference]))
    calendar = _site(reverse("meetings:calendar", args=[meeting.reference]))
    told = _tell_invitees(
        meeting=meeting,
        kind="meeting_moved",
        subject=f"Moved: {meeting.kind.name}, now {_uk(starts_at)}",
        body=(
            f"The {meeting.kind.name.lower()} on {_uk(before)} has moved.\n\n"
            f"New time: {_uk(starts_at)} (UK time)\n"
            f"Where: {meeting.location or 'see the meeting page'}\n"
            f"Reference: {meeting.reference}\n"
            + (f"Why: {reason.strip()}\n" if reason.strip() else "")
            + f"\nThe updated calendar file: {calendar}\n"
            f"Say whether you can still come: {page}\n"
        ),
    )
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=MeetingEvent.MEETING,
        object_id=meeting.reference,
        changes={"starts_at": {"before": before, "after": starts_at}, "told": told},
        reason=reason.strip(),
    )
    return meeting
