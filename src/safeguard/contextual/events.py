"""Audit event types of the contextual safeguarding app (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class ContextualEvent(AuditEventType):
    """What the contextual safeguarding app writes to the audit log about."""

    DEMO_CONTEXTUAL = "demo_contextual"
    PLACE = "contextual_place"
    PERSON_OF_CONCERN = "contextual_person_of_concern"
    POLICE_ONLY = "contextual_police_only"
    VEHICLE = "contextual_vehicle"
    PHONE = "contextual_phone"
    PEER_GROUP = "contextual_peer_group"
    LINK = "contextual_link"
    NETWORK = "contextual_network"
    NETWORK_EXPORT = "contextual_network_export"
    CONTEXT_CONCERN = "contextual_concern"
    CONTEXT_ASSESSMENT = "contextual_assessment"
    CONTEXT_WEIGHTING = "contextual_weighting"
    DISRUPTION_ACTION = "contextual_disruption_action"
    CHILD = "contextual_child"
