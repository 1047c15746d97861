"""Audit event types of the training app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class TrainingEvent(AuditEventType):
    """What the training app writes to the audit log about."""

    DEMO_TRAINING = "demo_training"
    COURSE = "training_course"
    SESSION = "training_session"
    BOOKING = "training_booking"
    REGISTER = "training_register"
    CERTIFICATE = "training_certificate"
    TRAINING_RECORD = "training_record"
    EVALUATION = "training_evaluation"
    IMPACT_SURVEY = "training_impact_survey"
    ELEARNING_IMPORT = "training_elearning_import"
    REMINDERS = "training_reminders"
    REPORT = "training_report"
