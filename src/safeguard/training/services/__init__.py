"""Every write about training: courses, sessions, bookings, the register, evaluations, surveys.

Each service checks the permission table, changes state, writes the audit event and
queues its emails through the outbox, in one transaction.

Booking is the one entry point other apps reuse (the news page's public events and
briefings): :func:`booking_create` takes a session and either a member of staff or a
name and email address. It locks the session row first (``select_for_update``), so
two people booking the last place at the same moment never both get it: the second
goes on the waiting list. SQLite runs every write transaction ``IMMEDIATE`` (see
settings), which serialises them the same way.

By concern:

- :mod:`.common`: reminder intervals, the skills, the permission check and the emails;
- :mod:`.courses`: courses and sessions;
- :mod:`.booking`: booking, the waiting list, leaving and cancelling;
- :mod:`.records`: the register, training records and certificates;
- :mod:`.evaluation`: evaluations and the six-month impact survey.
"""

from safeguard.core.clock import months_after

from .booking import (
    BookingResult,
    booking_can_change,
    booking_create,
    booking_end,
    session_cancel,
)
from .common import (
    IMPACT_AFTER_MONTHS,
    IMPACT_OPEN_DAYS,
    REMINDER_DAYS,
    RENEWAL_REMINDER_DAYS,
    SESSION_REMINDER_DAYS,
    SKILLS,
    managers_of_learner,
    skills_seed,
)
from .courses import course_save, session_add, session_capacity_change
from .evaluation import evaluation_submit, impact_answer, impact_manager_answer
from .records import certificate_issue, register_record, training_record_add

__all__ = [
    "IMPACT_AFTER_MONTHS",
    "IMPACT_OPEN_DAYS",
    "REMINDER_DAYS",
    "RENEWAL_REMINDER_DAYS",
    "SESSION_REMINDER_DAYS",
    "SKILLS",
    "BookingResult",
    "booking_can_change",
    "booking_create",
    "booking_end",
    "certificate_issue",
    "course_save",
    "evaluation_submit",
    "impact_answer",
    "impact_manager_answer",
    "managers_of_learner",
    "months_after",
    "register_record",
    "session_add",
    "session_cancel",
    "session_capacity_change",
    "skills_seed",
    "training_record_add",
]
