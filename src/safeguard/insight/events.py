"""Audit event types of the insight app's outputs (see ``safeguard.core.events``)."""

from safeguard.core.events import AuditEventType


class InsightOutputEvent(AuditEventType):
    """What the census export, measure entry and comparison uploads write to the audit log."""

    CIN_CENSUS = "cin_census"
    MEASURE_VALUE = "measure_value"
    COMPARISON_FILE = "comparison_file"
