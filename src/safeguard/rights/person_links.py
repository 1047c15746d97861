"""What the rights app holds about a person: their subject access requests.

Imported by ``RightsConfig.ready()``; see ``safeguard.people.registry``. The key and
section name are those this link had when it was declared in ``sharing``.
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

from .models import SubjectAccessRequest

# --- SubjectAccessRequest -------------------------------------------
register(
    PersonLink(
        model=SubjectAccessRequest,
        field="person",
        key="sharing.subject_access_requests",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section="sharing.subject_access_requests",
            title="Requests for a copy of your information",
            label="Subject access request",
            order=80,
            date="received_on",
            fields=(
                Shown("Reference", "reference"),
                Shown("Asked by", "get_requester_kind_display"),
                Shown("Name of the person who asked", "requester_name", third_party=True),
                Shown("Received", "received_on"),
                Shown("Reply due by", "due_on"),
                Shown("Status", "get_status_display"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person.",
    )
)
