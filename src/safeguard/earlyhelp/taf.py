"""Team Around the Family (TAF) meetings: early help asks the meetings app, which holds them.

Early help keeps its episodes and their reviews; the meetings themselves are rows
of the `meetings` app (kind ``team-around-the-family``). Meetings sit above early
help in the stack, so early help cannot import them: the meetings app registers a
:class:`TafMeetings` store here at start-up (``MeetingsConfig.ready``), as later
apps register hand-offs with the front door. Early help sees a TAF meeting as the
plain :class:`TafMeeting` record below, never as a meetings model.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models

if TYPE_CHECKING:
    from safeguard.core.models import User

    from .models import Episode


class TafKind(models.TextChoices):
    """The first Team Around the Family meeting, or a review."""

    FIRST = "first", "First Team Around the Family meeting"
    REVIEW = "review", "Team Around the Family review"


@dataclass
class TafMeeting:
    """A Team Around the Family meeting or review, as early help records and shows it."""

    episode_id: uuid.UUID
    kind: str
    held_on: dt.date
    progress: str
    next_review_due: dt.date
    recorded_by: Any
    agency_ids: list[int] = field(default_factory=list)
    agency_names: list[str] = field(default_factory=list)
    # Agencies invited that sent apologies (recorded in bulk by the demo; the form records who came).
    apologies_ids: list[int] = field(default_factory=list)
    attendees: str = ""
    family_attended: bool = False
    child_voice: str = ""
    child_voice_approach: str = "words"
    plan_update: str = ""
    reference: str = ""
    url: str = ""
    created_at: dt.datetime | None = None

    def get_kind_display(self) -> str:
        """The kind in words (as a Django choice field would say it)."""
        return str(TafKind(self.kind).label) if self.kind in TafKind.values else self.kind


class TafMeetings(Protocol):
    """Where Team Around the Family meetings are kept (the meetings app registers one)."""

    def record(self, *, by: User, episode: Episode, meeting: TafMeeting) -> TafMeeting:
        """Keep one meeting (inside the caller's transaction); return it with its reference."""

    def record_many(self, meetings: Sequence[TafMeeting]) -> int:
        """Keep many meetings at once (the demo); return how many."""

    def for_episodes(self, episode_ids: Iterable[uuid.UUID]) -> list[TafMeeting]:
        """The episodes' meetings, newest first (held on, then recorded)."""

    def exists(self, episode: Episode) -> bool:
        """Whether the episode has had a meeting."""

    def episode_ids_with_agency(self, agency_id: int | None) -> Any:
        """A query of the ids of episodes whose meetings the agency took part in."""


_STORE: list[TafMeetings] = []


def taf_meetings_register(store: TafMeetings) -> None:
    """Register where Team Around the Family meetings are kept (from an AppConfig.ready)."""
    _STORE[:] = [store]


def taf_meetings() -> TafMeetings:
    """The registered store of Team Around the Family meetings."""
    if not _STORE:  # pragma: no cover - the meetings app is always installed
        raise RuntimeError("No app keeps Team Around the Family meetings.")
    return _STORE[0]
