"""Audit event types of the work app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class WorkEvent(AuditEventType):
    """What the work app writes to the audit log about."""

    WORK_ITEM = "work_item"
    WORK_QUEUE = "work_queue"
    TEAM = "team"
    TEAM_MEMBERSHIP = "team_membership"
    ABSENCE = "absence"
    ACCOUNT = "account"
