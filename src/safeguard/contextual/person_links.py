"""What the contextual safeguarding app holds about a person (a child).

Imported by ``ContextualConfig.ready()``; see ``safeguard.people.registry``. Places,
persons of concern and peer groups are not ``people.Person`` rows: only a child's
links, a concern's linked children and context weighting refer to a child.
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

from .models import ConcernChild, ContextWeighting, Link

SECTION = "contextual"
TITLE = "Places, groups and people around you"

_LINK_ACCESS = SubjectAccess(
    section=SECTION,
    title=TITLE,
    label="A link recorded between you and a place, group or person",
    order=68,
    explanation=(
        "Information professionals recorded linking you to a place, a group or another "
        "person, with where it came from. Details about other people are left out."
    ),
    date="known_on",
    agency="source_agency.name",
    fields=(
        Shown("What the link is", "get_kind_display"),
        Shown("Where it stands", "get_status_display"),
        Shown("What is known", "summary", third_party=True, free_text=True),
    ),
)

LINKS = [
    PersonLink(
        model=Link,
        field="child",
        key="contextual.links",
        merge=OnMerge.MOVE,
        subject_access=_LINK_ACCESS,
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person, with its history of disputes and withdrawals.",
    ),
    PersonLink(
        model=Link,
        field="other_child",
        key="contextual.links_other",
        merge=OnMerge.MOVE,
        subject_access=_LINK_ACCESS,
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person, with its history of disputes and withdrawals.",
    ),
    PersonLink(
        model=ConcernChild,
        field="person",
        key="contextual.concern_children",
        merge=OnMerge.MOVE,
        unique_with=("concern",),
        subject_access=SubjectAccess(
            section=SECTION,
            title=TITLE,
            label="A concern about a place or group you were linked to",
            order=68,
            date="linked_at",
            agency="concern.agency.name",
            fields=(
                Shown("What the concern is about", "concern.get_context_kind_display"),
                Shown("What happened", "concern.what_happened", third_party=True, free_text=True),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person; the concern about the context stays.",
    ),
    PersonLink(
        model=ContextWeighting,
        field="person",
        key="contextual.weightings",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section=SECTION,
            title=TITLE,
            label="Which part of your life must change first",
            order=68,
            date="recorded_at",
            agency="recorded_by.agency.name",
            fields=(
                Shown("First", "get_first_display"),
                Shown("Why", "why", free_text=True),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person.",
    ),
]

for _link in LINKS:
    register(_link)
