"""What the harmful sexual behaviour app holds about a person.

Imported by ``HsbConfig.ready()``; see ``safeguard.people.registry``. Every row
follows the child on a merge and is deleted with them under the retention rules;
a concern itself (with no child left in it) stays, for the partnership's counts.
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

from .models import (
    AimAssessment,
    ConcernChild,
    InternetSafetyAdvice,
    Investigation,
    OnlineSafetyLessons,
    Pathway,
)

SECTION = "hsb"
TITLE = "Harmful sexual behaviour"


def _latest_formulation(assessment: AimAssessment) -> str:
    latest = assessment.formulations.order_by("-version").first()
    return latest.formulation if latest else ""


LINKS = [
    PersonLink(
        model=ConcernChild,
        field="person",
        key="hsb.concern_children",
        merge=OnMerge.MOVE,
        unique_with=("concern", "role"),
        subject_access=SubjectAccess(
            section=SECTION,
            title=TITLE,
            label="A concern about sexual behaviour",
            order=65,
            explanation=(
                "Concerns a practitioner recorded about sexual behaviour you were part of, "
                "what you told them, and where they placed the behaviour."
            ),
            date="concern.recorded_at",
            agency="concern.agency.name",
            fields=(
                Shown("Your role", "get_role_display"),
                Shown("Where the behaviour was placed", "concern.get_level_display"),
                Shown("What happened", "concern.what_happened", third_party=True, free_text=True),
                Shown("What you said", "voice", free_text=True),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person; the concern keeps its level for counts.",
    ),
    PersonLink(
        model=Pathway,
        field="person",
        key="hsb.pathways",
        merge=OnMerge.MOVE,
        merge_rule=(
            "Moved. Two children who both have an OPEN pathway in the same role cannot be "
            "merged yet (the one-open-pathway constraint refuses the whole merge): close one first."
        ),
        subject_access=SubjectAccess(
            section=SECTION,
            title=TITLE,
            label="Support from a team",
            order=65,
            date="opened_at",
            agency="team.agency.name",
            fields=(
                Shown("Team", "team.name"),
                Shown("Why", "get_role_display"),
                Shown("Your consent", "get_child_consent_display"),
                Shown("Your parents' consent", "get_parents_consent_display"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person.",
    ),
    PersonLink(
        model=AimAssessment,
        field="person",
        key="hsb.assessments",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section=SECTION,
            title=TITLE,
            label="AIM assessment",
            order=65,
            date="started_on",
            agency="assessor.agency.name",
            fields=(
                Shown("Assessment", "get_tool_display"),
                Shown("What it means for you", _latest_formulation, free_text=True),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person, every version of the formulation with it.",
    ),
    PersonLink(
        model=InternetSafetyAdvice,
        field="person",
        key="hsb.internet_advice",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section=SECTION,
            title=TITLE,
            label="Internet safety advice to your family",
            order=65,
            date="given_on",
            agency="given_by.agency.name",
            fields=(
                Shown("Given to", "given_to", third_party=True),
                Shown("Devices talked about", "devices"),
                Shown("Notes", "notes", free_text=True),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person.",
    ),
    PersonLink(
        model=OnlineSafetyLessons,
        field="person",
        key="hsb.online_safety_lessons",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section=SECTION,
            title=TITLE,
            label="Online-safety lessons you may have missed",
            order=65,
            date="flagged_at",
            agency="school.name",
            fields=(
                Shown("Why", "get_reason_display"),
                Shown("Where it stands", "get_status_display"),
                Shown("What the school said", "confirmation", free_text=True),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person.",
    ),
    PersonLink(
        model=Investigation,
        field="person",
        key="hsb.investigations",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section=SECTION,
            title=TITLE,
            label="Police investigation",
            order=65,
            date="started_on",
            agency="officer.agency.name",
            fields=(
                Shown("Status", "get_status_display"),
                Shown("Started", "started_on"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person, with its reviews and requests.",
    ),
]

for _link in LINKS:
    register(_link)
