"""Training reminders: sessions soon, evaluations, the six-month impact survey, renewals.

Run by ``safeguard training_reminders`` (every hour or so from cron, like ``work_sweep``).
Each reminder is sent once per step, so running it twice sends nothing twice; tests
move the clock with ``now``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.clock import UK
from safeguard.core.models import AuditAction
from safeguard.core.outbox import outbox_enqueue
from safeguard.work.models import WorkKind

from .events import TrainingEvent
from .models import Booking, BookingStatus, ImpactSurvey, Session, SurveyStatus, TrainingRecord
from .services.common import (
    REMINDER_DAYS,
    RENEWAL_REMINDER_DAYS,
    SESSION_REMINDER_DAYS,
    _email,
    _manager_addresses,
    _session_text,
    _site,
    _uk,
    managers_of_learner,
)
from .services.work import renewal_work, survey_work_close, survey_work_for_learner


@dataclass
class ReminderRun:
    """What one run of the reminders did."""

    sessions: int = 0
    evaluations: int = 0
    surveys_opened: int = 0
    survey_reminders: int = 0
    surveys_expired: int = 0
    renewals: int = 0
    booking_ids: list[int] = field(default_factory=list)


def _survey_reminder(survey: ImpactSurvey, *, now: dt.datetime) -> None:
    booking = survey.booking
    course = booking.session.course
    if survey.status == SurveyStatus.MANAGER and survey.manager is not None:
        to = [survey.manager.email]
        link = _site(reverse("training:impact-manager", args=[survey.pk]))
        text = f"Please tell us whether {booking.name}'s practice changed after {course.title}."
    else:
        to = [booking.email]
        link = _site(reverse("training:impact", args=[survey.pk]))
        text = f"Six months ago you came to {course.title}. How has it changed the way you work?"
    first = survey.reminders_sent == 0
    _email(
        kind="training_impact_survey",
        to=to,
        subject=f"{'Impact survey' if first else 'Reminder: impact survey'}: {course.title}",
        body=f"{text}\n\nIt takes two minutes: {link}\n"
        f"The survey closes on {survey.expires_on:%-d %B %Y}.\n",
        booking=booking,
    )
    survey.reminders_sent += 1
    survey.last_reminded_at = now
    survey.save(update_fields=["reminders_sent", "last_reminded_at", "status"])


def reminders_send(*, now: dt.datetime | None = None) -> ReminderRun:
    """Send every reminder that is due at ``now`` (idempotent: each is sent once per step).

    - Two days before a session: the learner and their manager.
    - The day after a session: attendees who have not evaluated it (once).
    - Six months after: the impact survey opens; a reminder every 14 days until it is
      answered (by the learner, then the manager where the course asks) or it expires.
    - Sixty days before a training record needs renewing: the learner and their
      manager, with the next sessions of courses that renew it.
    """
    now = now or timezone.now()
    today = now.astimezone(UK).date()
    run = ReminderRun()
    with transaction.atomic():
        soon = Booking.objects.filter(
            status=BookingStatus.BOOKED,
            reminded_at__isnull=True,
            session__cancelled_at__isnull=True,
            session__starts_at__gt=now,
            session__starts_at__lte=now + dt.timedelta(days=SESSION_REMINDER_DAYS),
        ).select_related("session__course", "learner")
        for booking in soon:
            link = _site(reverse("training:session", args=[booking.session_id]))
            _email(
                kind="training_session_reminder",
                to=[booking.email, *_manager_addresses(booking)],
                subject=f"Reminder: {booking.session.course.title}",
                body=f"A reminder of {booking.name}'s place:\n\n{_session_text(booking.session)}\n"
                f"If you cannot come, please say so: {link}\n",
                booking=booking,
            )
            booking.reminded_at = now
            booking.save(update_fields=["reminded_at"])
            run.sessions += 1
            run.booking_ids.append(booking.pk)
        unevaluated = Booking.objects.filter(
            attended=True,
            evaluation__isnull=True,
            evaluation_reminded_at__isnull=True,
            learner__isnull=False,
            session__ends_at__lte=now - dt.timedelta(days=1),
            session__ends_at__gte=now - dt.timedelta(days=30),
        ).select_related("session__course")
        for booking in unevaluated:
            link = _site(reverse("training:evaluate", args=[booking.pk]))
            _email(
                kind="training_evaluation_reminder",
                to=[booking.email],
                subject=f"How was {booking.session.course.title}?",
                body=f"Please tell us what you thought of the course: {link}\n",
                booking=booking,
            )
            booking.evaluation_reminded_at = now
            booking.save(update_fields=["evaluation_reminded_at"])
            run.evaluations += 1
        surveys = ImpactSurvey.objects.filter(
            status__in=[SurveyStatus.NOT_YET, SurveyStatus.OPEN, SurveyStatus.MANAGER],
            opens_on__lte=today,
        ).select_related("booking__session__course", "booking__learner", "manager")
        for survey in surveys:
            if today > survey.expires_on:
                survey.status = SurveyStatus.EXPIRED
                survey.save(update_fields=["status"])
                for kind in (WorkKind.TRAINING_IMPACT_SURVEY, WorkKind.TRAINING_IMPACT_MANAGER):
                    survey_work_close(
                        survey, kind=kind, by=None, outcome="The survey closed.", cancel=True
                    )
                run.surveys_expired += 1
                continue
            if survey.status == SurveyStatus.NOT_YET:
                survey.status = SurveyStatus.OPEN
                _survey_reminder(survey, now=now)
                survey_work_for_learner(survey)
                run.surveys_opened += 1
            elif survey.last_reminded_at is None or survey.last_reminded_at <= now - dt.timedelta(
                days=REMINDER_DAYS
            ):
                _survey_reminder(survey, now=now)
                run.survey_reminders += 1
        renewals = TrainingRecord.objects.filter(
            renewal_reminded_at__isnull=True,
            expires_on__isnull=False,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=RENEWAL_REMINDER_DAYS),
        ).select_related("learner", "skill")
        for record in renewals:
            if TrainingRecord.objects.filter(
                learner=record.learner, skill=record.skill, trained_on__gt=record.trained_on
            ).exists():
                continue  # renewed already
            upcoming = Session.objects.filter(
                course__skill=record.skill, starts_at__gt=now, cancelled_at__isnull=True
            ).select_related("course")[:3]
            listing = (
                "".join(
                    f"- {s.course.title}, {_uk(s.starts_at)}: "
                    f"{_site(reverse('training:session', args=[s.pk]))}\n"
                    for s in upcoming
                )
                or "- No sessions are planned yet: the partnership business unit will tell you.\n"
            )
            managers = [m.email for m in managers_of_learner(record.learner) if m.email]
            outbox_enqueue(
                kind="training_renewal",
                recipients=[record.learner.email, *managers],
                subject=f"Training to renew: {record.skill.name}",
                body=f"{record.learner.get_full_name()}'s training in {record.skill.name.lower()} "
                f"needs renewing by {record.expires_on:%-d %B %Y}.\n\nSessions that renew it:\n{listing}",
                summary=f"Training renewal for record {record.pk}",
                related_type=str(TrainingEvent.TRAINING_RECORD),
                related_id=record.pk,
            )
            record.renewal_reminded_at = now
            record.save(update_fields=["renewal_reminded_at"])
            renewal_work(record)
            run.renewals += 1
        sent = run.sessions + run.evaluations + run.surveys_opened + run.survey_reminders
        if sent or run.renewals or run.surveys_expired:
            audit_record(
                by=None,
                action=AuditAction.UPDATE,
                object_type=TrainingEvent.TRAINING_REMINDERS,
                object_id=today.isoformat(),
                changes={
                    "sessions": run.sessions,
                    "evaluations": run.evaluations,
                    "surveys_opened": run.surveys_opened,
                    "survey_reminders": run.survey_reminders,
                    "surveys_expired": run.surveys_expired,
                    "renewals": run.renewals,
                },
            )
    return run
