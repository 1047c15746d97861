"""Audit event types of the learning app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class LearningEvent(AuditEventType):
    """What the learning app writes to the audit log about."""

    CASE_REVIEW = "case_review"
    CASE_REVIEW_CHILD = "case_review_child"
    BRIEFING = "briefing"
    BRIEFING_CASCADE = "briefing_cascade"
    ACTION_PLAN = "action_plan"
    PLAN_ACTION = "plan_action"
    AUDIT = "audit"
    GOVERNANCE = "governance"
    ANNUAL_REPORT = "annual_report"
    DEMO_LEARNING = "demo_learning"
