"""Every read about meetings, filtered by who may see the meeting and each item in it.

A meeting is seen by its chair, the people invited by name, and the members of
every agency invited. An item is seen by someone who may see the meeting, whose
invitation covers the item (an invitation for some items only covers just those),
and, where the item is about a child, who may see the child under the access rule
(``people.access``). The chair's scope is every item, still filtered by the child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from safeguard.people.access import people_visible_to
from safeguard.work.models import OPEN_STATUSES

from .agenda import SuggestedItem, agenda_suggestions
from .models import (
    PRESENT,
    Action,
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OutcomeNotice,
)


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _invited_q(user: Any) -> Q:
    return Q(invitations__person_id=user.pk) | Q(
        invitations__agency_id=user.agency_id, invitations__person__isnull=True
    )


def meetings_for(user: Any) -> QuerySet[Meeting]:
    """Every meeting the user chairs or is invited to (by name, or through their agency)."""
    if not _active(user):
        return Meeting.objects.none()
    ids = Meeting.objects.filter(Q(chair_id=user.pk) | _invited_q(user)).values("pk")
    return Meeting.objects.filter(pk__in=ids)


def has_meetings(user: Any) -> bool:
    """Whether the user chairs or is invited to any meeting (the navigation shows Meetings)."""
    return meetings_for(user).exists()


def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    """Whether the user chairs the meeting or is invited to it."""
    if not _active(user) or meeting is None:
        return False
    if meeting.chair_id == user.pk:
        return True
    return invitations_of(user, meeting) != []


def invitations_of(user: Any, meeting: Meeting) -> list[Invitation]:
    """The user's own invitations to a meeting: by name, and their agency's."""
    if not _active(user):
        return []
    return list(
        Invitation.objects.filter(meeting=meeting)
        .filter(Q(person_id=user.pk) | Q(agency_id=user.agency_id, person__isnull=True))
        .prefetch_related("items")
    )


def user_meetings(*, user: Any, now: dt.datetime | None = None) -> dict[str, list[Meeting]]:
    """The user's meetings: those to come (soonest first) and the last 20 held."""
    now = now or timezone.now()
    mine = (
        meetings_for(user).select_related("kind", "chair").exclude(status=MeetingStatus.CANCELLED)
    )
    return {
        "upcoming": list(mine.filter(ends_at__gte=now).order_by("starts_at")[:50]),
        "past": list(mine.filter(ends_at__lt=now).order_by("-starts_at")[:20]),
    }


@dataclass
class ItemScope:
    """Which items of a meeting one user may see, worked out once for the whole page."""

    all_items: bool
    item_ids: set[int] = field(default_factory=set)
    person_ids: set[Any] = field(default_factory=set)

    def allows(self, item: AgendaItem) -> bool:
        """Whether the user may see the item."""
        if not self.all_items and item.pk not in self.item_ids:
            return False
        return item.person_id is None or item.person_id in self.person_ids


def item_scope(
    user: Any,
    meeting: Meeting,
    items: list[AgendaItem],
    invitations: list[Invitation] | None = None,
) -> ItemScope:
    """What the user may see of the meeting's items: two or three queries, whatever the size.

    ``invitations`` replaces the user's own invitations (the outcome page passes every
    invitation of the user's agency: the outcome was sent to the agency as a whole).
    """
    person_ids = {i.person_id for i in items if i.person_id is not None}
    visible = (
        set(people_visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True))
        if person_ids
        else set()
    )
    if meeting.chair_id == user.pk:
        return ItemScope(all_items=True, person_ids=visible)
    if invitations is None:
        invitations = invitations_of(user, meeting)
    if not invitations:
        return ItemScope(all_items=False)
    scoped: set[int] = set()
    for invitation in invitations:
        ids = {i.pk for i in invitation.items.all()}
        if not ids:
            return ItemScope(all_items=True, person_ids=visible)
        scoped |= ids
    return ItemScope(all_items=False, item_ids=scoped, person_ids=visible)


def meeting_page(*, user: Any, meeting_id: Any) -> Meeting | None:
    """One meeting with its kind, chair and invitations (items come from :func:`visible_items`)."""
    return (
        Meeting.objects.select_related("kind", "chair", "chair__agency", "schedule")
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("agency", "person").prefetch_related(
                    "items"
                ),
            )
        )
        .filter(reference=meeting_id)
        .first()
    )


def visible_items(
    *, user: Any, meeting: Meeting, for_outcome: bool = False
) -> tuple[list[AgendaItem], int]:
    """The items the user may see, with decisions and actions, and how many are hidden.

    ``for_outcome``: the items the outcome sent to the user's agency covers, that is every
    invitation of the agency (by name or not), so the colleague who takes the agency's
    "read the outcome" work item sees what a named invitee would (children only where the
    access rule lets them).
    """
    agency_invitations = (
        list(
            Invitation.objects.filter(meeting=meeting, agency_id=user.agency_id).prefetch_related(
                "items"
            )
        )
        if for_outcome and _active(user) and user.agency_id is not None
        else None
    )
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("person")
        .prefetch_related(
            "decisions",
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("owner_user", "owner_agency", "work_item"),
            ),
        )
    )
    scope = item_scope(user, meeting, items, invitations=agency_invitations)
    shown = [item for item in items if scope.allows(item)]
    return shown, len(items) - len(shown)


def item_for(*, user: Any, meeting: Meeting, item_id: Any) -> AgendaItem | None:
    """One item of the meeting, or None when it does not exist or the user may not see it."""
    item = (
        AgendaItem.objects.select_related("person")
        .prefetch_related("decisions", "actions__owner_user", "actions__owner_agency")
        .filter(meeting=meeting, pk=item_id)
        .first()
    )
    if item is None or not item_scope(user, meeting, [item]).allows(item):
        return None
    return item


def outstanding_actions(*, user: Any, meeting: Meeting) -> list[Action]:
    """Open actions from earlier meetings of the same schedule, or about this agenda's children.

    They come back on the next meeting's agenda until their work item is done; each is
    shown only when the user may see the item it came from.
    """
    person_ids = list(
        meeting.items.exclude(person__isnull=True).values_list("person_id", flat=True)
    )
    earlier = Q(item__person_id__in=person_ids)
    if meeting.schedule_id is not None:
        earlier |= Q(item__meeting__schedule_id=meeting.schedule_id)
    actions = list(
        Action.objects.filter(earlier)
        .filter(
            item__meeting__starts_at__lt=meeting.starts_at,
            work_item__status__in=OPEN_STATUSES,
        )
        .exclude(item__meeting=meeting)
        .select_related("item", "item__meeting", "owner_user", "owner_agency", "work_item")
        .order_by("due_on", "pk")[:100]
    )
    if not actions:
        return []
    visible = set(
        people_visible_to(user)
        .filter(pk__in={a.item.person_id for a in actions if a.item.person_id})
        .values_list("pk", flat=True)
    )
    return [a for a in actions if a.item.person_id is None or a.item.person_id in visible]


def quorate(meeting: Meeting) -> bool:
    """Whether enough agencies attended (or sent a substitute) for the kind's quorum."""
    present = {i.agency_id for i in meeting.invitations.all() if i.attendance in PRESENT}
    return len(present) >= meeting.kind.quorum


def notice_for(*, user: Any, meeting: Meeting) -> OutcomeNotice | None:
    """The outcome sent to the user's agency for this meeting, if one was sent."""
    if not _active(user) or user.agency_id is None:
        return None
    return (
        OutcomeNotice.objects.filter(meeting=meeting, agency_id=user.agency_id)
        .select_related("invitation", "opened_by")
        .first()
    )


def active_kinds() -> list[MeetingKind]:
    """Kinds of meeting that can be arranged now."""
    return list(MeetingKind.objects.filter(active=True).order_by("name"))


def attendance_by_agency(meetings: QuerySet[Meeting]) -> dict[str, dict[str, int]]:
    """How often each agency attended, sent apologies, a substitute or did not come."""
    counts: dict[str, dict[str, int]] = {}
    for agency, attendance in Invitation.objects.filter(meeting__in=meetings).values_list(
        "agency__name", "attendance"
    ):
        counts.setdefault(agency, {}).setdefault(attendance, 0)
        counts[agency][attendance] += 1
    return counts


def suggestions_open(*, user: Any, meeting: Meeting) -> list[SuggestedItem]:
    """What the kind's agenda supplier suggests that is not on the agenda yet.

    A suggestion about a child the user may not see is left out (one query for all).
    """
    suggestions = agenda_suggestions(meeting)
    if not suggestions:
        return []
    taken = {
        (person_id, title) for person_id, title in meeting.items.values_list("person_id", "title")
    }
    person_ids = {getattr(s.person, "pk", None) for s in suggestions} - {None}
    visible = (
        set(people_visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True))
        if person_ids
        else set()
    )
    return [
        s
        for s in suggestions
        if (getattr(s.person, "pk", None), s.title) not in taken
        and (s.person is None or s.person.pk in visible)
    ]


@dataclass
class AttendanceRow:
    """One agency at one kind of meeting: how often invited, and what happened."""

    kind: str
    agency: str
    invited: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, attendance: str) -> int:
        """How many invitations ended this way."""
        return self.counts.get(attendance, 0)

    @property
    def present(self) -> int:
        """Attended, or sent a substitute (what counts for the quorum)."""
        return self.count(Attendance.ATTENDED) + self.count(Attendance.SUBSTITUTE)

    @property
    def rate(self) -> int | None:
        """Present as a whole percentage of invitations whose attendance was recorded."""
        recorded = self.invited - self.count(Attendance.NOT_RECORDED)
        return round(100 * self.present / recorded) if recorded else None


def attendance_by_agency_and_kind(
    *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[AttendanceRow]:
    """Attendance at each kind of meeting by agency, counted in the database (one query).

    Cancelled meetings are left out; the strategy asks the partnership to measure
    attendance at each kind of meeting by agency. The rows name agencies and kinds only.
    """
    invitations = Invitation.objects.exclude(meeting__status=MeetingStatus.CANCELLED)
    if since is not None:
        invitations = invitations.filter(meeting__starts_at__gte=since)
    if until is not None:
        invitations = invitations.filter(meeting__starts_at__lt=until)
    rows: dict[tuple[str, str], AttendanceRow] = {}
    for kind, agency, attendance, number in (
        invitations.values_list("meeting__kind__name", "agency__name", "attendance")
        .annotate(number=Count("pk"))
        .order_by("meeting__kind__name", "agency__name")
    ):
        row = rows.setdefault((kind, agency), AttendanceRow(kind=kind, agency=agency))
        row.invited += number
        row.counts[attendance] = row.counts.get(attendance, 0) + number
    return list(rows.values())
