"""The front door's deadlines and contact details, on the partnership's clock (``core.clock``).

The Multi-Agency Safeguarding Hub (MASH) decides on a contact within one working
day of the clock starting; outside office hours the Emergency Duty Team (EDT)
takes urgent concerns.
"""

from __future__ import annotations

import datetime as dt

from safeguard.core.clock import (
    AMBER_WITHIN,
    RAG_LABELS,
    RAG_TAG_CLASSES,
    UK,
    add_working_days,
    clock_start,
    describe_interval,
    in_office_hours,
    is_bank_holiday,
    is_working_day,
    next_working_day,
    office_hours,
    rag_status,
)

EMERGENCY_DUTY_TEAM_PHONE = "0300 131 2131"
MASH_PHONE = "01904 551900"
MASH_EMAIL = "MASH@york.gov.uk"

__all__ = [
    "AMBER_WITHIN",
    "EMERGENCY_DUTY_TEAM_PHONE",
    "MASH_EMAIL",
    "MASH_PHONE",
    "RAG_LABELS",
    "RAG_TAG_CLASSES",
    "UK",
    "clock_start",
    "decision_due",
    "describe_interval",
    "in_office_hours",
    "is_bank_holiday",
    "is_working_day",
    "next_working_day",
    "office_hours",
    "rag_status",
]


def decision_due(received_at: dt.datetime) -> dt.datetime:
    """The decision deadline: one working day after the clock starts (UK time, aware)."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    return add_working_days(received_at, 1)
