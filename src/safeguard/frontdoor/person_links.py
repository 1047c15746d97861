"""What the front door holds about a person: the children named in contacts to the MASH.

Imported by ``FrontdoorConfig.ready()``; see ``safeguard.people.registry``.
"""

from __future__ import annotations

from typing import Any

from safeguard.people.registry import (
    OnMerge,
    OnRetention,
    PersonLink,
    Shown,
    SubjectAccess,
    register,
)

from .models import Contact, ContactChild


def _decision(contact: Contact, name: str) -> Any:
    decision = getattr(contact, "decision", None)  # None when the MASH has not decided yet
    if decision is None:
        return ""
    return getattr(decision, name)() if name.startswith("get_") else getattr(decision, name)


def _agencies_asked(contact: Contact) -> str:
    return "; ".join(
        f"{r.agency.name}: {r.answer or 'not answered yet'}"
        for r in contact.information_requests.select_related("agency").order_by("requested_at")
    )


_CONTACTS = "frontdoor.contacts"
_TITLE = "Contacts and referrals to the Multi-Agency Safeguarding Hub (MASH)"

# --- Contact.children (through ContactChild): the contact itself -----------------------------
register(
    PersonLink(
        model=Contact,
        field="children",
        key="frontdoor_contacts",
        merge=OnMerge.KEEP,
        merge_rule="Kept: the contact follows its ContactChild rows, which move.",
        subject_access=SubjectAccess(
            section=_CONTACTS,
            title=_TITLE,
            label="Contact",
            order=40,
            explanation=(
                "Concerns reported about you, what the MASH found out and what it decided. Who "
                "reported a concern is information about them, so it is marked for review."
            ),
            date="received_at",
            agency="referrer_agency.name",
            fields=(
                Shown("Reference", "reference"),
                Shown("Received", "received_at"),
                Shown("Referrer name", "referrer_name", third_party=True, source=True),
                Shown("Referrer role", "referrer_role", third_party=True, source=True),
                Shown("Referrer phone", "referrer_phone", third_party=True, source=True),
                Shown("Referrer email", "referrer_email", third_party=True, source=True),
                Shown("Referrer agency", "referrer_agency.name"),
                Shown("What happened", "what_happened", free_text=True),
                Shown("When it happened", "happened_on"),
                Shown("What the child said", "child_voice", free_text=True),
                Shown("Immediate danger", "immediate_danger"),
                Shown("What the family knows", "family_knows", free_text=True),
                Shown("Did the family agree to sharing", "get_consent_display"),
                Shown("Others involved", "others_involved", third_party=True, free_text=True),
                Shown("Status", "get_status_display"),
                Shown("Agencies asked and what they said", _agencies_asked, free_text=True),
                Shown("Level decided", lambda c: _decision(c, "get_level_display")),
                Shown("What happens next", lambda c: _decision(c, "get_outcome_display")),
                Shown(
                    "Reasons for the decision", lambda c: _decision(c, "rationale"), free_text=True
                ),
                Shown("Decided", lambda c: _decision(c, "decided_at")),
            ),
            protected=lambda c: bool(getattr(c, "subject_access_protected_fields", ())),
        ),
        retention=OnRetention.ERASE,
        retention_rule=(
            "A contact no other child is left named in is deleted with its decision and "
            "information requests; a contact about other children too is kept for them."
        ),
    )
)

# --- ContactChild: the child's place in the contact --------------------------------------------
register(
    PersonLink(
        model=ContactChild,
        field="person",
        key="frontdoor.contact_children",
        merge=OnMerge.MOVE,
        unique_with=("contact",),
        merge_rule=(
            "Moved; where the survivor is already named in the same contact the merged person's "
            "row is removed (and put back by an undo)."
        ),
        subject_access=SubjectAccess(
            section=_CONTACTS,
            title=_TITLE,
            label="Contact child",
            order=40,
            date="contact.received_at",
            fields=(
                Shown("Contact reference", "contact.reference"),
                Shown("You were new to Safeguard", "newly_recorded"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person.",
    )
)
