"""Team Around the Family (TAF) meetings kept as meetings, for early help.

Early help records a TAF meeting on its own page (its service checks access, the
family's consent and the dates, and audits); it hands the meeting to this store,
registered with ``earlyhelp.taf`` at start-up. One TAF meeting is:

- a :class:`Meeting` of kind ``team-around-the-family``, chaired and recorded by
  the lead practitioner, on the day it was held (12:00 UK time), minutes final,
  linked to the episode (``Meeting.episode``);
- a :class:`FamilyMeeting` with the stage (first or review), whether the family
  came, who came and the next review date;
- one family :class:`AgendaItem` about the episode's eldest child: the progress is
  its discussion, the plan update its "what needs to happen" (Signs of Safety);
- one :class:`Invitation` per agency that took part, marked attended.

The data migration ``0004_team_around_the_family`` makes the same rows from the
old ``earlyhelp.TafMeeting`` table.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from safeguard.core.clock import UK
from safeguard.core.models import Agency, ReferenceNumber
from safeguard.core.references import ALPHABET, BODY_LENGTH, format_reference, reference_issue
from safeguard.earlyhelp.models import Episode, EpisodeChild
from safeguard.earlyhelp.taf import TafMeeting

from .kinds import kind
from .models import (
    AgendaItem,
    Attendance,
    FamilyMeeting,
    Invitation,
    ItemKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Response,
)

if TYPE_CHECKING:
    from safeguard.core.models import User

TAF_KIND = "team-around-the-family"
# A TAF meeting is recorded by its date; it is kept at noon UK time, so the date never shifts.
HELD_AT = dt.time(12, 0)
TITLES = {
    "first": "First Team Around the Family meeting",
    "review": "Team Around the Family review",
}


def held_at(day: dt.date) -> dt.datetime:
    """The moment a meeting held on ``day`` is kept at (noon UK time, in UTC)."""
    return dt.datetime.combine(day, HELD_AT, tzinfo=UK).astimezone(dt.UTC)


def _eldest_children(episode_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Any]:
    eldest: dict[uuid.UUID, Any] = {}
    for membership in EpisodeChild.objects.filter(episode_id__in=list(episode_ids)).order_by(
        "person__date_of_birth", "pk"
    ):
        eldest.setdefault(membership.episode_id, membership.person_id)
    return eldest


class MeetingsTafStore:
    """Keeps early help's Team Around the Family meetings as meetings."""

    def _kind(self) -> MeetingKind:
        return kind(TAF_KIND)  # seeded again if a test emptied the tables

    def _rows(
        self,
        *,
        kind: MeetingKind,
        reference: str,
        meeting: TafMeeting,
        episode_reference: str,
        child_id: Any,
    ) -> tuple[Meeting, FamilyMeeting, AgendaItem]:
        now = meeting.created_at or timezone.now()
        starts_at = held_at(meeting.held_on)
        row = Meeting(
            reference=reference,
            kind=kind,
            title=f"{TITLES.get(meeting.kind, kind.name)} ({episode_reference})",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=kind.duration_minutes),
            chair=meeting.recorded_by,
            status=MeetingStatus.FINALISED,
            finalised_at=now,
            finalised_by=meeting.recorded_by,
            created_by=meeting.recorded_by,
            created_at=now,
            episode_id=meeting.episode_id,
        )
        family = FamilyMeeting(
            meeting=row,
            stage=meeting.kind,
            family_attended=meeting.family_attended,
            attendees=meeting.attendees,
            next_review_due=meeting.next_review_due,
        )
        item = AgendaItem(
            meeting=row,
            order=1,
            kind=ItemKind.FAMILY if child_id else ItemKind.TOPIC,
            person_id=child_id,
            title=f"The family ({episode_reference})",
            discussion=meeting.progress,
            child_voice=meeting.child_voice,
            child_voice_approach=meeting.child_voice_approach,
            needs_to_happen=meeting.plan_update,
            notes_saved_at=now,
            notes_saved_by=meeting.recorded_by,
        )
        return row, family, item

    def record(self, *, by: User, episode: Episode, meeting: TafMeeting) -> TafMeeting:
        """Keep one meeting inside early help's transaction; early help audits it."""
        meeting.recorded_by = by
        meeting.created_at = timezone.now()
        child_id = _eldest_children([episode.pk]).get(episode.pk)
        row, family, item = self._rows(
            kind=self._kind(),
            reference=reference_issue(prefix="MTG", kind="meeting"),
            meeting=meeting,
            episode_reference=episode.reference,
            child_id=child_id,
        )
        row.save()
        family.save()
        item.save()
        agencies = list(Agency.objects.filter(pk__in=meeting.agency_ids).order_by("name"))
        for agency in agencies:
            row.invitations.create(
                agency=agency,
                response=Response.CONFIRMED,
                responded_at=meeting.created_at,
                attendance=Attendance.ATTENDED,
            )
        meeting.agency_names = [a.name for a in agencies]
        meeting.reference = row.reference
        meeting.url = reverse("meetings:detail", args=[row.reference])
        return meeting

    def record_many(self, meetings: Sequence[TafMeeting]) -> int:
        """Keep many meetings at once (the demo), with bulk inserts."""
        if not meetings:
            return 0
        kind = self._kind()
        episode_ids = {m.episode_id for m in meetings}
        references = dict(Episode.objects.filter(pk__in=episode_ids).values_list("pk", "reference"))
        eldest = _eldest_children(episode_ids)
        made = []
        for meeting in meetings:
            made.append(
                self._rows(
                    kind=kind,
                    reference=_bulk_reference(),
                    meeting=meeting,
                    episode_reference=references[meeting.episode_id],
                    child_id=eldest.get(meeting.episode_id),
                )
            )
        ReferenceNumber.objects.bulk_create(
            [ReferenceNumber(value=row.reference, kind="meeting") for row, _, _ in made],
            ignore_conflicts=True,
        )
        Meeting.objects.bulk_create([row for row, _, _ in made], batch_size=500)
        FamilyMeeting.objects.bulk_create([f for _, f, _ in made], batch_size=500)
        AgendaItem.objects.bulk_create([i for _, _, i in made], batch_size=500)
        Invitation.objects.bulk_create(
            [
                Invitation(
                    meeting=row,
                    agency_id=agency_id,
                    response=Response.CONFIRMED,
                    responded_at=row.created_at,
                    attendance=Attendance.ATTENDED,
                )
                for (row, _, _), meeting in zip(made, meetings, strict=True)
                for agency_id in dict.fromkeys(meeting.agency_ids)
            ]
            + [
                Invitation(
                    meeting=row,
                    agency_id=agency_id,
                    response=Response.APOLOGIES,
                    responded_at=row.created_at,
                    attendance=Attendance.APOLOGIES,
                )
                for (row, _, _), meeting in zip(made, meetings, strict=True)
                for agency_id in dict.fromkeys(meeting.apologies_ids)
                if agency_id not in meeting.agency_ids
            ],
            batch_size=1000,
        )
        return len(made)

    def _queryset(self) -> QuerySet[Meeting]:
        return (
            Meeting.objects.filter(kind__slug=TAF_KIND, episode__isnull=False)
            .exclude(status=MeetingStatus.CANCELLED)
            .select_related("family", "chair")
            .prefetch_related("items", "invitations__agency")
        )

    def for_episodes(self, episode_ids: Iterable[uuid.UUID]) -> list[TafMeeting]:
        """The episodes' meetings, newest first."""
        rows = (
            self._queryset()
            .filter(episode_id__in=list(episode_ids))
            .order_by("-starts_at", "-created_at")
        )
        found = []
        for row in rows:
            family: FamilyMeeting | None = getattr(row, "family", None)
            items = list(row.items.all())
            item = items[0] if items else None
            attended = [
                i.agency
                for i in row.invitations.all()
                if i.attendance in (Attendance.ATTENDED, Attendance.SUBSTITUTE)
            ]
            attended.sort(key=lambda a: a.name)
            found.append(
                TafMeeting(
                    episode_id=row.episode_id,  # type: ignore[arg-type]
                    kind=family.stage if family else "review",
                    held_on=timezone.localtime(row.starts_at, UK).date(),
                    progress=item.discussion if item else "",
                    next_review_due=family.next_review_due if family else row.starts_at.date(),
                    recorded_by=row.chair,
                    agency_ids=[a.pk for a in attended],
                    agency_names=[a.name for a in attended],
                    attendees=family.attendees if family else "",
                    family_attended=family.family_attended if family else False,
                    child_voice=item.child_voice if item else "",
                    child_voice_approach=item.child_voice_approach if item else "words",
                    plan_update=item.needs_to_happen if item else "",
                    reference=row.reference,
                    url=reverse("meetings:detail", args=[row.reference]),
                    created_at=row.created_at,
                )
            )
        return found

    def exists(self, episode: Episode) -> bool:
        """Whether the episode has had a meeting."""
        return (
            Meeting.objects.filter(kind__slug=TAF_KIND, episode=episode)
            .exclude(status=MeetingStatus.CANCELLED)
            .exists()
        )

    def episode_ids_with_agency(self, agency_id: int | None) -> Any:
        """Ids of the episodes whose meetings the agency was at (a subquery)."""
        if agency_id is None:
            return Meeting.objects.none().values("episode_id")
        return Meeting.objects.filter(
            kind__slug=TAF_KIND,
            episode__isnull=False,
            invitations__agency_id=agency_id,
            invitations__attendance__in=(Attendance.ATTENDED, Attendance.SUBSTITUTE),
        ).values("episode_id")


def _bulk_reference() -> str:
    """A fresh meeting reference without a database round trip (bulk loads only)."""
    return format_reference("MTG", "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH)))
