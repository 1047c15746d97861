"""What meetings hold about a person: the agenda items about a child or family.

Imported by ``MeetingsConfig.ready()``; see ``safeguard.people.registry``.
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

from .models import AgendaItem


def _decisions(item: AgendaItem) -> str:
    return "\n".join(d.text for d in item.decisions.all())


def _actions(item: AgendaItem) -> str:
    return "\n".join(
        f"{a.description} (by {a.due_on:%d %B %Y})" if a.due_on else a.description
        for a in item.actions.all()
    )


register(
    PersonLink(
        model=AgendaItem,
        field="person",
        key="meetings.agenda_items",
        merge=OnMerge.MOVE,
        merge_rule="Moved: the item follows the child.",
        subject_access=SubjectAccess(
            section="meetings.items",
            title="Meetings",
            label="Discussed at a meeting",
            order=60,
            explanation=(
                "Multi-agency meetings that discussed you or your family: what was said, "
                "what you told us, what was decided and who agreed to do what."
            ),
            date="meeting.starts_at",
            agency="meeting.chair.agency.name",
            fields=(
                Shown("Meeting", "meeting.kind.name"),
                Shown("Date", "meeting.starts_at"),
                Shown("Discussion", "discussion", third_party=True, free_text=True),
                Shown("Your voice", "child_voice", free_text=True),
                Shown("What we are worried about", "worried_about", free_text=True),
                Shown("What is working well", "working_well", free_text=True),
                Shown("What needs to happen", "needs_to_happen", free_text=True),
                Shown("Safety scale (0 to 10)", "safety_scale"),
                Shown("Decisions", _decisions, free_text=True),
                Shown("Actions", _actions, third_party=True, free_text=True),
            ),
        ),
        retention=OnRetention.ANONYMISE,
        anonymise={
            "person": None,
            "discussion": "",
            "child_voice": "",
            "worried_about": "",
            "working_well": "",
            "needs_to_happen": "",
            "safety_scale": None,
        },
        retention_rule=(
            "The meeting keeps the item (for attendance and counts) but loses the child and "
            "everything said about them; decisions and actions keep only their wording."
        ),
    )
)
