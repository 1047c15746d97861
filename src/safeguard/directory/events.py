"""Audit event types of the directory app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class DirectoryEvent(AuditEventType):
    """What the directory, news and newsletter write to the audit log about."""

    DIRECTORY_SERVICE = "directory_service"
    DIRECTORY_IMPORT = "directory_import"
    DIRECTORY_EXPORT = "directory_export"
    NEWS_ITEM = "news_item"
    PUBLIC_EVENT = "public_event"
    AWARENESS_DAY = "awareness_day"
    CAMPAIGN = "campaign"
    NEWSLETTER_ISSUE = "newsletter_issue"
