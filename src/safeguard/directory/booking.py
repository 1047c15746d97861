"""Booking a place at an event: a registration of interest now, training bookings later.

Whoever takes real bookings registers a handler at start-up, as the front door's
hand-offs do (``frontdoor/handoffs.py``). The training app sits below the directory
in the app order, so the directory registers training's handler itself
(:func:`training_booking_for_event`, from ``DirectoryConfig.ready()``)::

    register_booking_handler(training_booking_for_event)

A handler is called with the event and the person's details inside the registration's
transaction; it returns a short confirmation to show, or ``None`` to leave the event to
the default (a registration of interest the business unit follows up). Events linked to
a course carry its code in ``PublicEvent.training_course``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BookingHandler = Callable[..., str | None]
_handlers: list[BookingHandler] = []


def register_booking_handler(handler: BookingHandler) -> None:
    """Let another app take bookings for the events it recognises (called once, at start-up)."""
    if handler not in _handlers:
        _handlers.append(handler)


def unregister_booking_handler(handler: BookingHandler) -> None:
    """Remove a handler (tests)."""
    if handler in _handlers:
        _handlers.remove(handler)


def book_with_handlers(*, event: Any, name: str, email: str, organisation: str) -> str | None:
    """Ask each registered handler in turn; the first answer wins (None: nobody took it)."""
    for handler in _handlers:
        answer = handler(event=event, name=name, email=email, organisation=organisation)
        if answer is not None:
            return answer
    return None


TRAINING_BOOKED = (
    "Thank you. We will email you to confirm whether you have a place or are on the waiting list."
)


def training_booking_for_event(
    *, event: Any, name: str, email: str, organisation: str
) -> str | None:
    """Book an event linked to a training course through training's one booking entry point.

    The event names the course (``training_course``, the course's slug); the session is
    the course's public session starting when the event starts. Training applies its
    capacity, waiting list and emails. A repeated booking reads exactly like a new one,
    so the page never says whether an address booked before. Training sits below the
    directory in the app order, so the directory may call it directly.
    """
    if not event.training_course:
        return None
    from safeguard.core.errors import InvalidRequest
    from safeguard.training.models import Session
    from safeguard.training.services import booking_create

    session = Session.objects.filter(
        course__slug=event.training_course,
        open_to_public=True,
        cancelled_at__isnull=True,
        starts_at=event.starts_at,
    ).first()
    if session is None:
        return None
    try:
        booking_create(by=None, session=session, name=name, email=email, agency_name=organisation)
    except InvalidRequest:
        pass  # already booked: nothing changes, and nothing says so
    return TRAINING_BOOKED
