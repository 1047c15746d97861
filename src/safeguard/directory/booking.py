"""Booking a place at an event: a registration of interest now, training bookings later.

The training app (issue 17) sits below the directory in the app order but is built
separately; the directory must not import it. Instead, whoever takes real bookings
registers a handler at start-up, as the front door's hand-offs do
(``frontdoor/handoffs.py``)::

    # safeguard/training/apps.py, in ready():
    from safeguard.directory.booking import register_booking_handler
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
