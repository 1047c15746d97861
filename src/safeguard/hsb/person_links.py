"""What the harmful sexual behaviour app holds about a person.

Imported by ``HsbConfig.ready()``; see ``safeguard.people.registry``. Every row
follows the child on a merge and is deleted with them under the retention rules;
a concern itself (with no child left in it) stays, for the partnership's counts.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safeguard.people.registry import (
    MergeStep,
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
    PathwayStatus,
)

SECTION = "hsb"
MERGE_CLOSE_REASON = (
    "Closed when two records of the same child were joined: the child's earlier {role} "
    "pathway (opened {opened}) continues."
)


def _pathways_merge(step: MergeStep) -> list[Any]:
    """Move the merged child's pathways to the survivor, keeping one open pathway per role.

    Where both records have an open pathway in the same role, the OLDER one stays open
    and the newer one is closed with a note saying which continues (and its open work
    is cancelled). Returns, per moved or closed pathway, what an undo needs to restore.
    """
    from safeguard.work.services import work_items_close_for

    from .events import HsbEvent

    open_rows = Pathway.objects.filter(person_id__in=[step.survivor_id, step.merged_id]).exclude(
        status=PathwayStatus.CLOSED
    )
    by_role: dict[str, list[Pathway]] = {}
    for pathway in open_rows.order_by("opened_at", "pk"):
        by_role.setdefault(pathway.role, []).append(pathway)
    record: dict[int, dict[str, Any]] = {}
    for rows in by_role.values():
        kept, *newer = rows
        for pathway in newer:
            record[pathway.pk] = {
                "pk": pathway.pk,
                "moved": False,
                "closed": True,
                "status": pathway.status,
            }
            Pathway.objects.filter(pk=pathway.pk).update(
                status=PathwayStatus.CLOSED,
                closed_at=timezone.now(),
                close_reason=MERGE_CLOSE_REASON.format(
                    role=pathway.get_role_display().lower(),
                    opened=timezone.localtime(kept.opened_at).strftime("%-d %B %Y"),
                ),
            )
            work_items_close_for(
                by=None,
                subject_type=HsbEvent.HSB_PATHWAY,
                subject_id=pathway.pk,
                outcome="The child's records were joined: another pathway continues",
                cancel=True,
            )
    for pk in Pathway.objects.filter(person_id=step.merged_id).values_list("pk", flat=True):
        record.setdefault(pk, {"pk": pk, "moved": False, "closed": False, "status": ""})
        record[pk]["moved"] = True
    Pathway.objects.filter(person_id=step.merged_id).update(person_id=step.survivor_id)
    return list(record.values())


def _pathways_unmerge(step: MergeStep) -> None:
    """Put the merged child's pathways back, then reopen the ones the merge closed."""
    moved = [row["pk"] for row in step.moved if row.get("moved")]
    Pathway.objects.filter(pk__in=moved, person_id=step.survivor_id).update(
        person_id=step.merged_id
    )
    for row in step.moved:
        if row.get("closed"):
            Pathway.objects.filter(pk=row["pk"]).update(
                status=row["status"], closed_at=None, close_reason=""
            )


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
        merge=OnMerge.CUSTOM,
        merge_rule=(
            "Moved. Where both records have an open pathway in the same role, the older stays "
            "open and the newer is closed with a note saying which continues; an undo reopens it."
        ),
        on_merge=_pathways_merge,
        on_unmerge=_pathways_unmerge,
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
