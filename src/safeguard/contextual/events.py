"""Audit event types of the contextual safeguarding app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class ContextualEvent(AuditEventType):
    """What the contextual safeguarding app writes to the audit log about."""

    CONTEXTUAL_PLACE = "contextual_place"
    CONTEXTUAL_PERSON_OF_CONCERN = "contextual_person_of_concern"
    CONTEXTUAL_POLICE_ONLY = "contextual_police_only"
    CONTEXTUAL_POLICE_ONLY_READS = "contextual_police_only_reads"
    CONTEXTUAL_VEHICLE = "contextual_vehicle"
    CONTEXTUAL_PHONE = "contextual_phone"
    CONTEXTUAL_PEER_GROUP = "contextual_peer_group"
    CONTEXTUAL_LINK = "contextual_link"
    CONTEXTUAL_NETWORK = "contextual_network"
    CONTEXTUAL_NETWORK_EXPORT = "contextual_network_export"
    CONTEXTUAL_CONCERN = "contextual_concern"
    CONTEXTUAL_ASSESSMENT = "contextual_assessment"
    CONTEXTUAL_WEIGHTING = "contextual_weighting"
    CONTEXTUAL_DISRUPTION_ACTION = "contextual_disruption_action"
    CONTEXTUAL_CHILD = "contextual_child"
