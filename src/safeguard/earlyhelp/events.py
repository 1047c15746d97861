"""Audit event types of the earlyhelp app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class EarlyHelpEvent(AuditEventType):
    """What early help writes to the audit log about: episodes, assessments, meetings, support."""

    DEMO_EARLY_HELP = "demo_early_help"
    EARLY_HELP_ASSESSMENT = "early_help_assessment"
    EARLY_HELP_CENTRAL_RECORD = "early_help_central_record"
    EARLY_HELP_CHANGE = "early_help_change"
    EARLY_HELP_CLOSE = "early_help_close"
    EARLY_HELP_CONSENT = "early_help_consent"
    EARLY_HELP_EPISODE = "early_help_episode"
    EARLY_HELP_FIND_CHILD = "early_help_find_child"
    EARLY_HELP_LIST = "early_help_list"
    EARLY_HELP_OPEN = "early_help_open"
    EARLY_HELP_SUPPORT = "early_help_support"
    EARLY_HELP_TAF_MEETING = "early_help_taf_meeting"
