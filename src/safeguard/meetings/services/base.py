"""What every meetings service shares: errors, links, the chair check and UK times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from safeguard.core.clock import UK
from safeguard.core.errors import Forbidden, InvalidRequest

from ..models import (
    Meeting,
    MeetingStatus,
)

if TYPE_CHECKING:
    from safeguard.core.models import User


# Actions are due at the end of the working day they are due on (UK time).
ACTION_DUE_TIME = dt.time(17, 0)
# How far ahead a schedule makes its meetings when no end date is given.
SCHEDULE_HORIZON_DAYS = 366
MAX_SAFETY_SCALE = 10


def _invalid(message: str, *, field: str | None = None) -> InvalidRequest:
    return InvalidRequest(message, errors={field: message} if field else None)


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def meeting_url(meeting: Meeting) -> str:
    """The meeting's page."""
    return reverse("meetings:detail", args=[meeting.reference])


def _require_chair(by: User, meeting: Meeting) -> None:
    if not by.has_perm("meetings.run_meeting", meeting):
        raise Forbidden("Only the meeting's chair can change it.")


def _require_open(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise InvalidRequest("The minutes of this meeting are finalised: nothing more can change.")


def _uk(moment: dt.datetime) -> str:
    local = timezone.localtime(moment, UK)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local.strftime('%p').lower()}"


def _check_people(people: Iterable[User]) -> None:
    for person in people:
        if not person.is_active:
            raise _invalid(
                f"{person.get_full_name() or person.username}'s account is closed: "
                "invite someone else from their agency",
                field="people",
            )
        if person.agency_id is None:
            raise _invalid(
                f"{person.get_full_name() or person.username} is not in an agency", field="people"
            )
