"""The register, training records and certificates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.clock import UK, months_after
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditAction, User

from ..events import TrainingEvent
from ..models import (
    Booking,
    BookingStatus,
    ImpactSurvey,
    Session,
    Skill,
    SurveyStatus,
    TrainingRecord,
)
from .common import IMPACT_AFTER_MONTHS, IMPACT_OPEN_DAYS, _require
from .work import renewal_work_close

if TYPE_CHECKING:
    pass


def _attended(*, booking: Booking, session: Session, by: User, day: dt.date) -> None:
    """Plan the learner's impact survey; record the skill when the course trains in one."""
    course = session.course
    opens = months_after(day, IMPACT_AFTER_MONTHS)
    ImpactSurvey.objects.get_or_create(
        booking=booking,
        defaults={"opens_on": opens, "expires_on": opens + dt.timedelta(days=IMPACT_OPEN_DAYS)},
    )
    if course.skill is not None:
        months = course.skill.renew_after_months
        record, _ = TrainingRecord.objects.update_or_create(
            booking=booking,
            defaults={
                "learner_id": booking.learner_id,
                "skill_id": course.skill_id,
                "trained_on": day,
                "expires_on": months_after(day, months) if months else None,
                "recorded_by": by,
                "note": f"Attended {course.title} ({session.reference})",
            },
        )
        renewal_work_close(by=by, record=record)


def register_record(
    *,
    by: User,
    session: Session,
    attended: Mapping[int, bool],
    now: dt.datetime | None = None,
) -> Session:
    """Record who came (the trainer ticks the sign-in list); attendees get a record and surveys.

    Everyone booked is either ticked (came) or not (did not come). Coming to a course
    that trains in a skill writes the training record; each attendee's six-month
    impact survey is planned.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = (
            Session.objects.select_for_update(of=("self",))
            .select_related("course__skill")
            .get(pk=session.pk)
        )
        _require(by, "training.run_session", session)
        if session.starts_at > now:
            raise InvalidRequest("The register opens when the session starts")
        day = session.starts_at.astimezone(UK).date()
        changed = []
        for booking in session.bookings.filter(status=BookingStatus.BOOKED).select_related(
            "learner"
        ):
            came = bool(attended.get(booking.pk, False))
            if booking.attended == came:
                continue
            booking.attended = came
            booking.save(update_fields=["attended"])
            changed.append(booking.pk)
            if came and booking.learner_id is not None:
                _attended(booking=booking, session=session, by=by, day=day)
            elif not came:
                ImpactSurvey.objects.filter(booking=booking, status=SurveyStatus.NOT_YET).delete()
                TrainingRecord.objects.filter(booking=booking).delete()
        session.register_taken_at = now
        session.save(update_fields=["register_taken_at"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=TrainingEvent.TRAINING_REGISTER,
            object_id=session.pk,
            changes={"changed_bookings": changed},
        )
    return session


@transaction.atomic
def training_record_add(
    *,
    by: User,
    learner: User,
    skill: Skill,
    trained_on: dt.date,
    note: str = "",
) -> TrainingRecord:
    """Record training done elsewhere (the business unit), such as AIM3 with its provider."""
    _require(by, "training.manage")
    if trained_on > timezone.localdate():
        raise InvalidRequest(errors={"trained_on": "The date of the training must be in the past"})
    months = skill.renew_after_months
    record = TrainingRecord.objects.create(
        learner=learner,
        skill=skill,
        trained_on=trained_on,
        expires_on=months_after(trained_on, months) if months else None,
        note=note.strip()[:300],
        recorded_by=by,
    )
    renewal_work_close(by=by, record=record)
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=TrainingEvent.TRAINING_RECORD,
        object_id=record.pk,
    )
    return record


@transaction.atomic
def certificate_issue(*, by: User, booking: Booking) -> Booking:
    """Check the learner may have a certificate (they came) and audit its download."""
    if by is None or (booking.learner_id != by.pk and not by.has_perm("training.manage")):
        raise Forbidden("You cannot download this certificate")
    if not booking.attended:
        raise InvalidRequest("A certificate is for people who came to the session")
    audit_record(
        by=by,
        action=AuditAction.EXPORT,
        object_type=TrainingEvent.TRAINING_CERTIFICATE,
        object_id=booking.pk,
    )
    return booking
