"""Audit event types of the rights app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class RightsEvent(AuditEventType):
    """What the rights app writes to the audit log about: subject access and retention."""

    RETENTION_DELETION = "retention_deletion"
    RETENTION_REVIEW = "retention_review"
    SUBJECT_ACCESS = "subject_access"
    SUBJECT_ACCESS_COMPLETE = "subject_access_complete"
    SUBJECT_ACCESS_DOWNLOAD = "subject_access_download"
    SUBJECT_ACCESS_EXTENSION = "subject_access_extension"
    SUBJECT_ACCESS_IDENTITY = "subject_access_identity"
    SUBJECT_ACCESS_ITEM = "subject_access_item"
    SUBJECT_ACCESS_RELEASE = "subject_access_release"
    SUBJECT_ACCESS_REFUSE = "subject_access_refuse"
    SUBJECT_ACCESS_REVIEW = "subject_access_review"
    SUBJECT_ACCESS_SIGN_OFF = "subject_access_sign_off"
    SUBJECT_ACCESS_STANDING = "subject_access_standing"
    SUBJECT_ACCESS_EXPORT = "subject_access_export"
    SUBJECT_ACCESS_FIND = "subject_access_find"
    SUBJECT_ACCESS_INTAKE = "subject_access_intake"
    SUBJECT_ACCESS_PAGE = "subject_access_page"
    SUBJECT_ACCESS_REGISTER = "subject_access_register"
    SUBJECT_ACCESS_REQUEST = "subject_access_request"
