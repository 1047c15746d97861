"""Every write about training: courses, sessions, bookings, the register, evaluations, surveys.

Each service checks the permission table, changes state, writes the audit event and
queues its emails through the outbox, in one transaction.

Booking is the one entry point other apps reuse (the news page's public events and
briefings): :func:`booking_create` takes a session and either a member of staff or a
name and email address. It locks the session row first (``select_for_update``), so
two people booking the last place at the same moment never both get it: the second
goes on the waiting list. SQLite runs every write transaction ``IMMEDIATE`` (see
settings), which serialises them the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.clock import UK, months_after
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditAction, TeamMembership, User
from safeguard.core.outbox import outbox_enqueue

from .events import TrainingEvent
from .models import (
    ELEMENTS,
    Booking,
    BookingStatus,
    Course,
    Evaluation,
    ImpactSurvey,
    Likelihood,
    Mode,
    PracticeChange,
    Rating,
    Session,
    Skill,
    SurveyStatus,
    TrainingRecord,
)

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


# --- Courses and sessions ---------------------------------------------------------------


def _require(by: Any, perm: str, obj: Any = None) -> None:
    if by is None or not by.has_perm(perm, obj):
        raise Forbidden("You cannot do this")


@transaction.atomic
def course_save(
    *,
    by: User,
    slug: str,
    title: str,
    audience: str,
    learning_outcomes: str,
    summary: str = "",
    skill: Skill | None = None,
    impact_asks_manager: bool = False,
    course: Course | None = None,
) -> Course:
    """Add a course, or change one (the business unit)."""
    _require(by, "training.manage")
    errors = {}
    if not title.strip():
        errors["title"] = "Enter the course's title"
    if not audience.strip():
        errors["audience"] = "Say who the course is for"
    if not learning_outcomes.strip():
        errors["learning_outcomes"] = "Enter at least one learning outcome"
    same = Course.objects.filter(slug=slug)
    if course is not None:
        same = same.exclude(pk=course.pk)
    if same.exists():
        errors["title"] = "There is already a course with this title"
    if errors:
        raise InvalidRequest(errors=errors)
    created = course is None
    course = course or Course(slug=slug, created_at=timezone.now())
    course.title = title.strip()
    course.audience = audience.strip()
    course.learning_outcomes = learning_outcomes.strip()
    course.summary = summary.strip()
    course.skill = skill
    course.impact_asks_manager = impact_asks_manager
    course.save()
    audit_record(
        by=by,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type=TrainingEvent.TRAINING_COURSE,
        object_id=course.slug,
    )
    return course


@transaction.atomic
def session_add(
    *,
    by: User,
    course: Course,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    mode: str,
    capacity: int,
    trainer: User | None = None,
    joining_link: str = "",
    venue: str = "",
    open_to_public: bool = False,
) -> Session:
    """Plan a session of a course (the business unit)."""
    _require(by, "training.manage")
    errors = {}
    if ends_at <= starts_at:
        errors["end_time"] = "The session must end after it starts"
    if capacity < 1:
        errors["capacity"] = "A session needs at least 1 place"
    if mode == Mode.VIRTUAL and not joining_link.strip():
        errors["joining_link"] = "Enter the joining link for an online session"
    if mode == Mode.IN_PERSON and not venue.strip():
        errors["venue"] = "Enter the venue for a session in person"
    if mode not in Mode.values:
        errors["mode"] = "Select online or in person"
    if errors:
        raise InvalidRequest(errors=errors)
    session = Session.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        capacity=capacity,
        trainer=trainer,
        joining_link=joining_link.strip() if mode == Mode.VIRTUAL else "",
        venue=venue.strip() if mode == Mode.IN_PERSON else "",
        open_to_public=open_to_public,
        created_at=timezone.now(),
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=TrainingEvent.TRAINING_SESSION,
        object_id=session.pk,
    )
    return session


@transaction.atomic
def session_capacity_change(*, by: User, session: Session, capacity: int) -> Session:
    """Change how many places a session has; more places promote the waiting list."""
    _require(by, "training.manage")
    session = Session.objects.select_for_update().get(pk=session.pk)
    booked = session.bookings.filter(status=BookingStatus.BOOKED).count()
    if capacity < max(booked, 1):
        raise InvalidRequest(
            errors={
                "capacity": f"{booked} people hold places: the session needs at least that many"
            }
        )
    before = session.capacity
    session.capacity = capacity
    session.save(update_fields=["capacity"])
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=TrainingEvent.TRAINING_SESSION,
        object_id=session.pk,
        changes={"capacity": {"before": before, "after": capacity}},
    )
    _promote(session, now=timezone.now())
    return session


# --- Booking ----------------------------------------------------------------------------


@dataclass
class BookingResult:
    """A booking and whether it holds a place or waits."""

    booking: Booking
    waiting: bool


def booking_create(
    *,
    by: User | None,
    session: Session,
    learner: User | None = None,
    name: str = "",
    email: str = "",
    agency_name: str = "",
    now: dt.datetime | None = None,
) -> BookingResult:
    """Book a place on a session, or a place on its waiting list when it is full.

    The entry point for every booking: a member of staff for themselves, a manager
    for someone in their team (``learner``), the business unit for anyone, or a
    member of the public by ``name`` and ``email`` on a session open to the public
    (``by`` is then ``None``; the news page's events use this).
    """
    with transaction.atomic():
        return _booking_create(
            by=by,
            session=session,
            learner=learner,
            name=name,
            email=email,
            agency_name=agency_name,
            now=now or timezone.now(),
        )


def _booking_create(
    *,
    by: User | None,
    session: Session,
    learner: User | None,
    name: str,
    email: str,
    agency_name: str,
    now: dt.datetime,
) -> BookingResult:
    if learner is not None:
        if by is None:
            raise Forbidden("Sign in to book a place")
        if learner.pk == by.pk:
            _require(by, "training.book")
        elif not (by.has_perm("training.book_for", learner) or by.has_perm("training.manage")):
            raise Forbidden("You can only book for people in a team you manage")
        name = learner.get_full_name() or learner.username
        email = learner.email
        agency = learner.agency
        agency_name = agency.name if agency else ""
        sector = agency.kind if agency else ""
    else:
        if by is None and not session.open_to_public:
            raise Forbidden("This session is for partnership staff: sign in to book")
        if not name.strip():
            raise InvalidRequest(errors={"name": "Enter your full name"})
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidRequest(
                errors={"email": "Enter an email address like name@example.org"}
            ) from None
        sector = ""
    # Lock the session first: every booking of it waits here, so capacity is counted once.
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    )
    if session.cancelled_at is not None:
        raise InvalidRequest("This session has been cancelled")
    if session.starts_at <= now:
        raise InvalidRequest("This session has already started: choose another date")
    existing = session.bookings.filter(status__in=[BookingStatus.BOOKED, BookingStatus.WAITING])
    existing = (
        existing.filter(learner=learner)
        if learner is not None
        else existing.filter(learner__isnull=True, email__iexact=email.strip())
    )
    if existing.exists():
        raise InvalidRequest(
            f"{'You are' if learner is not None and by and learner.pk == by.pk else name + ' is'} "
            "already booked on this session (or on its waiting list)"
        )
    booked = session.bookings.filter(status=BookingStatus.BOOKED).count()
    status = BookingStatus.BOOKED if booked < session.capacity else BookingStatus.WAITING
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                session=session,
                learner=learner,
                name=name.strip()[:200],
                email=email.strip(),
                agency_name=agency_name[:200],
                sector=sector,
                booked_by=by,
                status=status,
                created_at=now,
            )
    except IntegrityError:
        raise InvalidRequest("Already booked on this session (or on its waiting list)") from None
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=TrainingEvent.TRAINING_BOOKING,
        object_id=booking.pk,
        changes={"status": status, "session": session.pk},
    )
    waiting = status == BookingStatus.WAITING
    if waiting:
        subject = f"Waiting list: {session.course.title}"
        intro = (
            "The session is full, so you are on its waiting list. If a place frees, "
            "it is yours and we will email you.\n\n"
        )
    else:
        subject = f"Booked: {session.course.title}"
        intro = "Your place is booked.\n\n"
    link = _site(reverse("training:session", args=[session.pk]))
    _email(
        kind="training_booking",
        to=[booking.email],
        subject=subject,
        body=f"{intro}{_session_text(session)}\nCancel or say you cannot come: {link}\n",
        booking=booking,
    )
    if learner is not None and by is not None and learner.pk != by.pk:
        pass  # the manager booked it and knows
    elif learner is not None:
        _email(
            kind="training_booking_manager",
            to=_manager_addresses(booking),
            subject=f"{booking.name} booked: {session.course.title}",
            body=f"{booking.name} from your team {'is on the waiting list for' if waiting else 'booked'}:\n\n"
            f"{_session_text(session)}",
            booking=booking,
        )
    return BookingResult(booking=booking, waiting=waiting)


def booking_can_change(by: Any, booking: Booking) -> bool:
    """Whether ``by`` may cancel the booking: the learner, their manager, the business unit."""
    if by is None:
        return False
    if booking.learner_id is not None and booking.learner_id == by.pk:
        return True
    if booking.learner is not None and by.has_perm("training.book_for", booking.learner):
        return True
    return bool(by.has_perm("training.manage"))


def _promote(session: Session, *, now: dt.datetime) -> list[Booking]:
    """Give freed places to the waiting list, oldest first (the session row is locked)."""
    booked = session.bookings.filter(status=BookingStatus.BOOKED).count()
    free = session.capacity - booked
    if free <= 0 or session.starts_at <= now or session.cancelled_at is not None:
        return []
    promoted = list(
        session.bookings.filter(status=BookingStatus.WAITING).order_by("created_at", "pk")[:free]
    )
    link = _site(reverse("training:session", args=[session.pk]))
    for booking in promoted:
        booking.status = BookingStatus.BOOKED
        booking.promoted_at = now
        booking.save(update_fields=["status", "promoted_at"])
        audit_record(
            by=None,
            action=AuditAction.UPDATE,
            object_type=TrainingEvent.TRAINING_BOOKING,
            object_id=booking.pk,
            changes={"status": {"before": "waiting", "after": "booked"}},
            reason="A place freed on the session",
        )
        _email(
            kind="training_place_freed",
            to=[booking.email, *_manager_addresses(booking)],
            subject=f"You have a place: {session.course.title}",
            body=f"A place freed and it is now yours.\n\n{_session_text(session)}\n"
            f"If you cannot come, please say so: {link}\n",
            booking=booking,
        )
    return promoted


def booking_end(
    *,
    by: User,
    booking: Booking,
    not_attending: bool = False,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Cancel a booking, or record that the learner is not attending; the place goes on.

    Cancelling withdraws the booking (booked in error, no longer needed); "not
    attending" records the learner's apologies. Either frees the place for the
    first person on the waiting list.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = (
            Session.objects.select_for_update(of=("self",))
            .select_related("course")
            .get(pk=booking.session_id)
        )
        booking = Booking.objects.select_related("learner").get(pk=booking.pk)
        if not booking_can_change(by, booking):
            raise Forbidden("You cannot change this booking")
        if booking.status not in (BookingStatus.BOOKED, BookingStatus.WAITING):
            raise InvalidRequest("This booking has already been cancelled")
        if session.starts_at <= now:
            raise InvalidRequest("The session has started: the trainer records who came")
        before = booking.status
        booking.status = BookingStatus.NOT_ATTENDING if not_attending else BookingStatus.CANCELLED
        booking.ended_at = now
        booking.end_reason = reason.strip()[:500]
        booking.save(update_fields=["status", "ended_at", "end_reason"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=TrainingEvent.TRAINING_BOOKING,
            object_id=booking.pk,
            changes={"status": {"before": before, "after": booking.status}},
            reason=booking.end_reason,
        )
        said = "not attending" if not_attending else "cancelled"
        _email(
            kind="training_booking_ended",
            to=[booking.email, *_manager_addresses(booking)],
            subject=f"{said.capitalize()}: {session.course.title}",
            body=f"The booking of {booking.name} is {said}.\n\n{_session_text(session)}",
            booking=booking,
        )
        _promote(session, now=now)
    return booking


@transaction.atomic
def session_cancel(*, by: User, session: Session, reason: str) -> Session:
    """Cancel a whole session (the business unit); everyone booked or waiting is told."""
    _require(by, "training.manage")
    if not reason.strip():
        raise InvalidRequest(errors={"reason": "Say why the session is cancelled"})
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    )
    if session.cancelled_at is not None:
        raise InvalidRequest("The session is already cancelled")
    now = timezone.now()
    session.cancelled_at = now
    session.save(update_fields=["cancelled_at"])
    for booking in session.bookings.filter(
        status__in=[BookingStatus.BOOKED, BookingStatus.WAITING]
    ):
        booking.status = BookingStatus.CANCELLED
        booking.ended_at = now
        booking.end_reason = f"The session was cancelled: {reason.strip()}"[:500]
        booking.save(update_fields=["status", "ended_at", "end_reason"])
        _email(
            kind="training_session_cancelled",
            to=[booking.email, *_manager_addresses(booking)],
            subject=f"Cancelled: {session.course.title}",
            body=f"Sorry: this session is cancelled ({reason.strip()}).\n\n{_session_text(session)}",
            booking=booking,
        )
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=TrainingEvent.TRAINING_SESSION,
        object_id=session.pk,
        reason=reason.strip(),
    )
    return session


# --- The register, training records and certificates --------------------------------------


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
        TrainingRecord.objects.update_or_create(
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


# --- Evaluation and the impact survey ------------------------------------------------------


@transaction.atomic
def evaluation_submit(
    *,
    by: User,
    booking: Booking,
    ratings: Mapping[str, int],
    likelihood: int,
    comments: str = "",
    now: dt.datetime | None = None,
) -> Evaluation:
    """The learner's evaluation straight after the session: only people who came evaluate."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.learner_id != by.pk:
        raise Forbidden("Only the learner evaluates their own booking")
    if not booking.attended:
        raise InvalidRequest("Only people who came to the session can evaluate it")
    if Evaluation.objects.filter(booking=booking).exists():
        raise InvalidRequest("You have already evaluated this session: thank you")
    errors = {}
    clean: dict[str, int] = {}
    for code, label in ELEMENTS:
        value = ratings.get(code)
        if value not in Rating.values:
            errors[f"rating_{code}"] = f"Rate {label.lower()}"
        else:
            clean[code] = int(value)  # type: ignore[arg-type]
    if likelihood not in Likelihood.values:
        errors["likelihood"] = "Say how likely you are to change the way you work"
    if errors:
        raise InvalidRequest(errors=errors)
    evaluation = Evaluation.objects.create(
        booking=booking,
        ratings=clean,
        likelihood=likelihood,
        comments=comments.strip(),
        submitted_at=now or timezone.now(),
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=TrainingEvent.TRAINING_EVALUATION,
        object_id=evaluation.pk,
    )
    return evaluation


@transaction.atomic
def impact_answer(
    *,
    by: User,
    survey: ImpactSurvey,
    practice_changed: str,
    example: str = "",
    now: dt.datetime | None = None,
) -> ImpactSurvey:
    """The learner's six-month answer; on courses that ask, the manager is asked next."""
    now = now or timezone.now()
    survey = (
        ImpactSurvey.objects.select_for_update(of=("self",))
        .select_related("booking__session__course")
        .get(pk=survey.pk)
    )
    booking = survey.booking
    if booking.learner_id != by.pk:
        raise Forbidden("Only the learner answers their impact survey")
    if survey.status != SurveyStatus.OPEN:
        raise InvalidRequest("This survey is not open for your answer")
    if practice_changed not in PracticeChange.values:
        raise InvalidRequest(
            errors={"practice_changed": "Say whether the training changed the way you work"}
        )
    survey.practice_changed = practice_changed
    survey.example = example.strip()
    survey.learner_answered_at = now
    survey.status = SurveyStatus.ANSWERED
    fields = ["practice_changed", "example", "learner_answered_at", "status", "manager"]
    if booking.session.course.impact_asks_manager:
        managers = managers_of_learner(booking.learner)
        if managers:
            survey.manager = managers[0]
            survey.status = SurveyStatus.MANAGER
            link = _site(reverse("training:impact-manager", args=[survey.pk]))
            _email(
                kind="training_impact_manager",
                to=[managers[0].email],
                subject=f"Has {booking.name}'s practice changed? {booking.session.course.title}",
                body=f"{booking.name} went on {booking.session.course.title} six months ago "
                f"and has told us how it changed their work. Please add what you have seen: {link}\n",
                booking=booking,
            )
    survey.save(update_fields=fields)
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=TrainingEvent.TRAINING_IMPACT_SURVEY,
        object_id=survey.pk,
        changes={"answered": "learner"},
    )
    return survey


@transaction.atomic
def impact_manager_answer(
    *,
    by: User,
    survey: ImpactSurvey,
    saw_change: str,
    comments: str = "",
    now: dt.datetime | None = None,
) -> ImpactSurvey:
    """The manager's stage of the impact survey."""
    survey = ImpactSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.manager_id != by.pk:
        raise Forbidden("Only the learner's manager answers this stage")
    if survey.status != SurveyStatus.MANAGER:
        raise InvalidRequest("This survey is not waiting for the manager")
    if saw_change not in PracticeChange.values:
        raise InvalidRequest(errors={"saw_change": "Say whether you have seen practice change"})
    survey.manager_saw_change = saw_change
    survey.manager_comments = comments.strip()
    survey.manager_answered_at = now or timezone.now()
    survey.status = SurveyStatus.ANSWERED
    survey.save(
        update_fields=["manager_saw_change", "manager_comments", "manager_answered_at", "status"]
    )
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=TrainingEvent.TRAINING_IMPACT_SURVEY,
        object_id=survey.pk,
        changes={"answered": "manager"},
    )
    return survey
