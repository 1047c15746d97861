"""Audit event types of the harmful sexual behaviour app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class HsbEvent(AuditEventType):
    """What the harmful sexual behaviour app writes to the audit log about."""

    DEMO_HSB = "demo_hsb"
    HSB_CONCERN = "hsb_concern"
    HSB_PATHWAY = "hsb_pathway"
    HSB_CONSENT = "hsb_consent"
    HSB_TRAINED = "hsb_trained"
    HSB_ASSESSMENT = "hsb_assessment"
    HSB_INTERNET_ADVICE = "hsb_internet_advice"
    HSB_LESSONS = "hsb_lessons"
    HSB_INVESTIGATION = "hsb_investigation"
    HSB_SUPPORT_REVIEW = "hsb_support_review"
    HSB_POLICE_REQUEST = "hsb_police_request"
    HSB_STRATEGY = "hsb_strategy"
    HSB_CHILD = "hsb_child"
    HSB_FIGURES = "hsb_figures"
    HSB_EXPLOITATION = "hsb_exploitation"
