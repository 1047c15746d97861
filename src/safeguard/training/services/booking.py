"""Booking a place, the waiting list, leaving a session and cancelling one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditAction, User

from ..events import TrainingEvent
from ..models import Booking, BookingStatus, Session
from .common import _email, _manager_addresses, _require, _session_text, _site

if TYPE_CHECKING:
    pass


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
