"""Audit event types of the training app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class TrainingEvent(AuditEventType):
    """What the training app writes to the audit log about."""

    DEMO_TRAINING = "demo_training"
    TRAINING_COURSE = "training_course"
    TRAINING_SESSION = "training_session"
    TRAINING_BOOKING = "training_booking"
    TRAINING_REGISTER = "training_register"
    TRAINING_CERTIFICATE = "training_certificate"
    TRAINING_RECORD = "training_record"
    TRAINING_EVALUATION = "training_evaluation"
    TRAINING_IMPACT_SURVEY = "training_impact_survey"
    TRAINING_ELEARNING_IMPORT = "training_elearning_import"
    TRAINING_REMINDERS = "training_reminders"
    TRAINING_REPORT = "training_report"
