"""Audit event types of the people app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class PeopleEvent(AuditEventType):
    """What the people app writes to the audit log about: people, their details and the pages that show them.

    PERSON and CHRONOLOGY_EVENT are also used by other apps (front door, records, rights)
    when they write about a person or a chronology entry: one value, one owner.
    """

    ACCESS_GRANT = "access_grant"
    ADDRESS = "address"
    CHRONOLOGY_EVENT = "chronology_event"
    DEMO_PARTNERSHIP = "demo_partnership"
    HOUSEHOLD_MEMBER = "household_member"
    INVOLVEMENT = "involvement"
    OTHER_NAME = "other_name"
    PERSON = "person"
    PERSON_EDIT = "person_edit"
    PERSON_RELATIVES = "person_relatives"
    PERSON_SEARCH_ALL = "person_search_all"
    PERSON_VIEWERS = "person_viewers"
    RELATIONSHIP = "relationship"
    SEARCH_RESULT = "search_result"
