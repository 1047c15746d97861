"""Audit event types of the meetings app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class MeetingEvent(AuditEventType):
    """What meetings write to the audit log about."""

    DEMO_MEETINGS = "demo_meetings"
    MEETING = "meeting"
    MEETING_SCHEDULE = "meeting_schedule"
    MEETING_INVITATION = "meeting_invitation"
    MEETING_ITEM = "meeting_item"
    MEETING_ACTION = "meeting_action"
    MEETING_MINUTES = "meeting_minutes"
    MEETING_OUTCOME = "meeting_outcome"
    MEETING_LIST = "meeting_list"
