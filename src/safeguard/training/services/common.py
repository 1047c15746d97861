"""Shared by training's services: reminder intervals, the skills, the checks and the emails."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings

from safeguard.core.clock import UK
from safeguard.core.errors import Forbidden
from safeguard.core.models import TeamMembership, User
from safeguard.core.outbox import outbox_enqueue

from ..events import TrainingEvent
from ..models import Booking, Mode, Session, Skill

if TYPE_CHECKING:
    from collections.abc import Iterable


# The six-month impact survey opens this many months after the session and stays
# open for this many days; a reminder goes every REMINDER_DAYS until it is answered.
IMPACT_AFTER_MONTHS = 6
IMPACT_OPEN_DAYS = 42
REMINDER_DAYS = 14
# Reminders before a session, and before a training record needs renewing.
SESSION_REMINDER_DAYS = 2
RENEWAL_REMINDER_DAYS = 60

# The skills other apps ask about (the harmful sexual behaviour app's AIM assessors).
SKILLS: list[tuple[str, str, int | None]] = [
    ("aim3", "Using the AIM3 assessment", 36),
    ("aim3_under_12s", "Using the AIM3 Under 12s assessment", 36),
    ("aim_digital", "Using the AIM digital technology assessment", 36),
    ("safeguarding_awareness", "Safeguarding children awareness", 36),
]


def skills_seed() -> list[Skill]:
    """Make the skills other apps ask about (idempotent; also run by a data migration)."""
    made = []
    for code, name, months in SKILLS:
        skill, _ = Skill.objects.get_or_create(
            code=code, defaults={"name": name, "renew_after_months": months}
        )
        made.append(skill)
    return made


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _uk(moment: dt.datetime) -> str:
    return moment.astimezone(UK).strftime("%-d %B %Y at %H:%M")


def managers_of_learner(learner: Any) -> list[User]:
    """The managers of the teams the learner is in (not the learner themselves)."""
    if learner is None:
        return []
    teams = TeamMembership.objects.filter(user=learner).values("team_id")
    return list(
        User.objects.filter(
            memberships__team_id__in=teams, memberships__is_manager=True, is_active=True
        )
        .exclude(pk=learner.pk)
        .distinct()
        .order_by("pk")
    )


def _email(
    *,
    kind: str,
    to: Iterable[str],
    subject: str,
    body: str,
    booking: Booking,
) -> None:
    outbox_enqueue(
        kind=kind,
        recipients=list(to),
        subject=subject,
        body=body,
        summary=f"{kind.replace('_', ' ').capitalize()} for {booking.session.reference}",
        related_type=str(TrainingEvent.TRAINING_BOOKING),
        related_id=booking.pk,
    )


def _session_text(session: Session) -> str:
    where = (
        f"Join online: {session.joining_link}"
        if session.mode == Mode.VIRTUAL
        else f"Venue: {session.venue}"
    )
    return f"{session.course.title}\nWhen: {_uk(session.starts_at)} (UK time)\n{where}\n"


def _manager_addresses(booking: Booking) -> list[str]:
    return [m.email for m in managers_of_learner(booking.learner) if m.email]


def _require(by: Any, perm: str, obj: Any = None) -> None:
    if by is None or not by.has_perm(perm, obj):
        raise Forbidden("You cannot do this")
