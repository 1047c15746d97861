"""Audit event types of the records app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class RecordsEvent(AuditEventType):
    """What the records app writes to the audit log about: imports, agency records, links, merges."""

    AGENCY_RECORD = "agency_record"
    AGENCY_RECORD_LINK = "agency_record_link"
    LINK_REVIEW = "link_review"
    LINK_REVIEW_QUEUE = "link_review_queue"
    MERGE_UNDO = "merge_undo"
    PERSON_MERGE = "person_merge"
    PERSON_RECORDS = "person_records"
    PERSON_UNMERGE = "person_unmerge"
    RECORD_IMPORT = "record_import"
    RECORD_UNLINK = "record_unlink"
