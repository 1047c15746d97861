"""Every write about meetings: arranging, schedules, invitations, agenda, minutes and outcomes.

Each service checks the permission table, changes state, writes the audit event
and queues its emails through the outbox, in one transaction. Actions become work
items when the chair finalises the minutes (so an action is checked for an owner
and a date before anyone is asked to act on it); outcomes go to every invited
agency, attended or not, as a work item in the agency's receiving team and an
email that names no child.

One module per step: ``arranging`` (meetings, schedules, cancelling, moving),
``invitations`` (invitations, answers, attendance), ``running`` (agenda, notes,
decisions, actions, suggested items) and ``outcomes`` (finalising, outcomes,
receipts). Callers import from here.
"""

from .arranging import (
    clock_due,
    meeting_arrange,
    meeting_cancel,
    meeting_move,
    schedule_create,
)
from .base import (
    ACTION_DUE_TIME,
    MAX_SAFETY_SCALE,
    SCHEDULE_HORIZON_DAYS,
    meeting_url,
)
from .invitations import attendance_record, invitation_add, invitation_respond
from .outcomes import minutes_export_record, minutes_finalise, outcome_open, user_choices_for
from .running import (
    action_add,
    action_update,
    decision_add,
    item_add,
    item_notes_save,
    suggestion_add,
)

__all__ = [
    "ACTION_DUE_TIME",
    "MAX_SAFETY_SCALE",
    "SCHEDULE_HORIZON_DAYS",
    "action_add",
    "action_update",
    "attendance_record",
    "clock_due",
    "decision_add",
    "invitation_add",
    "invitation_respond",
    "item_add",
    "item_notes_save",
    "meeting_arrange",
    "meeting_cancel",
    "meeting_move",
    "meeting_url",
    "minutes_export_record",
    "minutes_finalise",
    "outcome_open",
    "schedule_create",
    "suggestion_add",
    "user_choices_for",
]
