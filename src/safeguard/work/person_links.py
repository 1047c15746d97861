"""What the work app holds about a person: work items about them.

Imported by ``WorkConfig.ready()``; see ``safeguard.people.registry``.
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

from .models import WorkItem

register(
    PersonLink(
        model=WorkItem,
        field="person",
        key="work.items",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section="work.items",
            title="Work that teams were asked to do about you",
            label="Work item",
            order=90,
            explanation=(
                "Each task a team was given about you: what had to be done, by when, "
                "and what was done."
            ),
            date="created_at",
            agency="team.agency.name",
            fields=(
                Shown("What had to be done", "get_kind_display"),
                Shown("Team", "team.name"),
                Shown("Asked", "created_at"),
                Shown("Due", "due_at"),
                Shown("Status", "get_status_display"),
                Shown("What was done", "outcome", free_text=True),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person.",
    )
)
