"""Audit event types of the frontdoor app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class FrontdoorEvent(AuditEventType):
    """What the front door writes to the audit log about: contacts, decisions, police forms.

    INFORMATION_REQUEST is also used by sharing for its requests between agencies (the
    value the log has always held for both; the next issue unifies the two kinds).
    """

    CONTACT = "contact"
    CONTACT_CHILD_SEARCH = "contact_child_search"
    CONTACT_DRAFT = "contact_draft"
    INFORMATION_REQUEST = "information_request"
    MASH_QUEUE = "mash_queue"
    MY_REFERRAL = "my_referral"
    MY_REFERRALS = "my_referrals"
    POLICE_FORM = "police_form"
    POLICE_INTELLIGENCE_USER = "police_intelligence_user"
    THRESHOLD_DECISION = "threshold_decision"
    THRESHOLD_SIGN_OFF = "threshold_sign_off"
    PROFESSIONAL_CHALLENGE = "professional_challenge"
