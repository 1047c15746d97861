"""What information sharing holds about a person: decisions, requests, break-glass, subject access.

Imported by ``SharingConfig.ready()``; see ``safeguard.people.registry``.
"""

from __future__ import annotations

from safeguard.people.registry import (
    OnMerge,
    OnRetention,
    PersonLink,
    Shown,
    SubjectAccess,
    register,
)

from .models import BreakGlassUse, SharingDecision, SharingRequest

# --- SharingDecision ---------------------------------------------------------------------------
register(
    PersonLink(
        model=SharingDecision,
        field="person",
        key="sharing.decisions",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section="sharing.decisions",
            title="Decisions to share information about you",
            label="Decision about sharing",
            order=60,
            explanation="Each decision to share, or not to share, information about you, and why.",
            date="decided_at",
            agency="from_agency.name",
            fields=(
                Shown("Reference", "reference"),
                Shown("Decided", "decided_at"),
                Shown("Decided by", "decided_by"),
                Shown("From", "from_agency.name"),
                Shown("To", "recipient_agency.name"),
                Shown("Person at the agency", "recipient_name", third_party=True),
                Shown("Why", "get_purpose_display"),
                Shown("Decision", "get_decision_display"),
                Shown("Consent", "get_consent_display"),
                Shown("Reason for sharing without consent", "get_no_consent_reason_display"),
                Shown("Legal basis", "get_lawful_basis_display"),
                Shown("Judgement", "judgement", free_text=True),
                Shown("What was shared", "summary", free_text=True),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person.",
    )
)

# --- SharingRequest: one agency asks another to share about a person ---------------------------
register(
    PersonLink(
        model=SharingRequest,
        field="person",
        key="sharing.information_requests",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section="sharing.requests",
            title="Requests between agencies for information about you",
            label="Request for information",
            order=61,
            date="created_at",
            agency="from_agency.name",
            fields=(
                Shown("Reference", "reference"),
                Shown("Asked by", "from_agency.name"),
                Shown("Asked of", "to_agency.name"),
                Shown("Why", "get_purpose_display"),
                Shown("What was asked", "asked", free_text=True),
                Shown("Due", "due_date"),
                Shown("Status", "get_status_display"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person.",
    )
)

# --- BreakGlassUse -----------------------------------------------------------------------------
register(
    PersonLink(
        model=BreakGlassUse,
        field="person",
        key="sharing.break_glass_uses",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section="sharing.break_glass",
            title="Emergency access to your record",
            label="Emergency access (break-glass)",
            order=62,
            explanation="Times someone opened your record in an emergency, why, and what a reviewer found.",
            date="opened_at",
            agency="agency.name",
            fields=(
                Shown("Reference", "reference"),
                Shown("Opened", "opened_at"),
                Shown("By", "user"),
                Shown("Agency", "agency.name"),
                Shown("Reason given", "reason", free_text=True),
                Shown("Reviewed", "reviewed_at"),
                Shown("Review outcome", "get_outcome_display"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person, with its alerts.",
    )
)
