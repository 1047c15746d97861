"""Entries on the child's one multi-agency chronology for harmful sexual behaviour.

Each entry is about ONE child and says only what is about that child: the concern's
reference, its level and this child's role, a pathway opened or closed, an AIM
assessment, a police investigation. It never names, describes or counts another child
in the concern and never copies "what happened" (free text about both children), so a
reader who may see only one child learns nothing about the other from the chronology.
The entry links (by ``source_type`` and ``source_id``) to the HSB page, which applies
the access rule again. Callers are this app's services, inside their transaction; they
audit the change themselves, so the entry is not audited twice.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from safeguard.people.models import ChronologyEvent, Person
from safeguard.people.services import chronology_add

from .events import HsbEvent

if TYPE_CHECKING:
    from safeguard.core.models import User

    from .models import AimAssessment, Concern, Investigation, Pathway

Category = ChronologyEvent.Category


def _add(
    *,
    by: User | None,
    person: Person | Any,
    occurred_at: dt.datetime,
    category: str,
    title: str,
    source_type: str,
    source_id: Any,
    detail: str = "",
) -> ChronologyEvent:
    return chronology_add(
        by=by,
        person=person,
        occurred_at=occurred_at,
        category=category,
        title=title,
        detail=detail,
        source_type=str(source_type),
        source_id=str(source_id),
        audit=False,
    )


def concern_recorded(*, by: User, concern: Concern, person: Person, role_label: str) -> None:
    """A concern names the child in a role."""
    _add(
        by=by,
        person=person,
        occurred_at=concern.recorded_at,
        category=Category.CONTACT,
        title=(
            f"Concern about sexual behaviour {concern.reference}: "
            f"{concern.get_level_display().lower()} ({role_label.lower()})"
        ),
        detail=f"Recorded by {concern.agency.name}.",
        source_type=HsbEvent.HSB_CONCERN,
        source_id=concern.reference,
    )


def concern_changed(*, by: User, concern: Concern, person: Person, level_before: str) -> None:
    """The concern's level was changed after it was recorded."""
    if level_before == concern.level:
        return
    from .models import Level

    _add(
        by=by,
        person=person,
        occurred_at=timezone.now(),
        category=Category.RECORD,
        title=(
            f"Concern about sexual behaviour {concern.reference}: level changed from "
            f"{Level(level_before).label.lower()} to {concern.get_level_display().lower()}"
        ),
        source_type=HsbEvent.HSB_CONCERN,
        source_id=concern.reference,
    )


def pathway_opened(*, by: User, pathway: Pathway) -> None:
    """The child's pathway in a role opened (referred to its team)."""
    _add(
        by=by,
        person=pathway.person,
        occurred_at=pathway.opened_at,
        category=Category.SUPPORT,
        title=(
            f"Harmful sexual behaviour support ({pathway.get_role_display().lower()}): "
            f"referred to {pathway.team.name}"
        ),
        source_type=HsbEvent.HSB_PATHWAY,
        source_id=pathway.pk,
    )


def pathway_closed(*, by: User | None, pathway: Pathway) -> None:
    """The child's pathway in a role closed."""
    _add(
        by=by,
        person=pathway.person,
        occurred_at=pathway.closed_at or timezone.now(),
        category=Category.SUPPORT,
        title=(
            f"Harmful sexual behaviour support ({pathway.get_role_display().lower()}): "
            f"closed by {pathway.team.name}"
        ),
        detail=pathway.close_reason,
        source_type=HsbEvent.HSB_PATHWAY,
        source_id=pathway.pk,
    )


def assessment_started(*, by: User, assessment: AimAssessment) -> None:
    """An AIM assessment of the child started."""
    _add(
        by=by,
        person=assessment.person,
        occurred_at=timezone.now(),
        category=Category.ASSESSMENT,
        title=f"{assessment.get_tool_display()} started ({assessment.get_case_type_display().lower()})",
        detail=f"Started {assessment.started_on:%-d %B %Y}.",
        source_type=HsbEvent.HSB_ASSESSMENT,
        source_id=assessment.pk,
    )


def investigation_started(*, by: User, investigation: Investigation) -> None:
    """A police investigation about the child's concern started."""
    _add(
        by=by,
        person=investigation.person,
        occurred_at=timezone.now(),
        category=Category.POLICE,
        title=f"Police investigation {investigation.crime_reference} started",
        detail=f"Started {investigation.started_on:%-d %B %Y}.",
        source_type=HsbEvent.HSB_INVESTIGATION,
        source_id=investigation.pk,
    )


def investigation_closed(*, by: User, investigation: Investigation) -> None:
    """A police investigation closed (charged, no further action, out of court)."""
    _add(
        by=by,
        person=investigation.person,
        occurred_at=timezone.now(),
        category=Category.POLICE,
        title=(
            f"Police investigation {investigation.crime_reference}: "
            f"{investigation.get_status_display().lower()}"
        ),
        source_type=HsbEvent.HSB_INVESTIGATION,
        source_id=investigation.pk,
    )
