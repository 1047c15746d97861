"""Audit event types of the api app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class ApiEvent(AuditEventType):
    """What the partner API writes to the audit log about: partner tokens."""

    PARTNER_TOKEN = "partner_token"  # noqa: S105 - an audit event type, not a secret
