"""Audit event types of the sharing app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class SharingEvent(AuditEventType):
    """What sharing writes to the audit log about: decisions, requests, break-glass, the sharing log."""

    BREAK_GLASS = "break_glass"
    BREAK_GLASS_FIND = "break_glass_find"
    BREAK_GLASS_REVIEW = "break_glass_review"
    INFORMATION_REQUESTS = "information_requests"
    SAFEGUARDING_LEAD = "safeguarding_lead"
    SHARING_DECISION = "sharing_decision"
    SHARING_LOG = "sharing_log"
    SHARING_PERSON = "sharing_person"
    SHARING_REQUEST = "sharing_request"
    SHARING_REVOKE = "sharing_revoke"
    SHARING_SHARE = "sharing_share"
