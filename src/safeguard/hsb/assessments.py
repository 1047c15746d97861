"""AIM assessments by the Youth Justice Service's harmful sexual behaviour (HSB) service.

AIM3, AIM3 Under 12s and the AIM digital technology assessment, each with the age
band the partnership sets (``settings.HSB_AIM_AGE_RULES``; defaults from its 7 point
briefing: AIM3 ages 10 to 18, AIM3 Under 12s ages 10 to 12, and, as nothing else is
said, the digital assessment as AIM3). Ages are completed years on the day the
assessment starts, both ends included. Only practitioners recorded as trained to use
the tool may complete it (:func:`training_check.is_trained`). An assessment is a case
formulation over the five AIM domains, updated as things change (each update is a
new version); it never gives a low, medium or high score.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditAction, TeamMembership, TeamPurpose
from safeguard.people.access import can_edit_person

from . import chronology, training_check
from .events import HsbEvent
from .guidance import age_on
from .models import (
    AimAssessment,
    AimTool,
    AimTrainedPractitioner,
    CaseType,
    Formulation,
    Pathway,
    PathwayStatus,
    Role,
)

if TYPE_CHECKING:
    from safeguard.core.models import User

DEFAULT_AGE_RULES: dict[str, tuple[int, int]] = {
    AimTool.AIM3: (10, 18),
    AimTool.AIM3_UNDER_12S: (10, 12),
    AimTool.AIM_DIGITAL: (10, 18),
}

# The five AIM domains, then what the pattern means and the plan.
FORMULATION_FIELDS: list[tuple[str, str]] = [
    ("sexual_behaviours", "Sexual behaviours"),
    ("non_sexual_behaviours", "Non-sexual behaviours"),
    ("development", "Development"),
    ("family_environment", "Family and environment"),
    ("self_regulation", "Self-regulation"),
    ("formulation", "Case formulation: what the pattern means for this child"),
    ("plan", "Plan: what will help, and who will do it"),
]


def age_rule(tool: str) -> tuple[int, int]:
    """The youngest and oldest age (completed years, both included) the tool may be used at."""
    configured = getattr(settings, "HSB_AIM_AGE_RULES", {}) or {}
    low, high = configured.get(str(tool), DEFAULT_AGE_RULES[AimTool(tool)])
    return int(low), int(high)


def age_problem(tool: str, date_of_birth: dt.date | None, on: dt.date) -> str | None:
    """Why the child's age on the day rules the tool out, or None when it does not."""
    label = AimTool(tool).label
    low, high = age_rule(tool)
    if date_of_birth is None:
        return f"Record the child's date of birth before starting an {label} assessment"
    age = age_on(date_of_birth, on)
    if age < low or age > high:
        return (
            f"{label} is for children aged {low} to {high}: this child is {age} on {on:%-d %B %Y}"
        )
    return None


def _in_hsb_team(by: User, pathway: Pathway) -> bool:
    return TeamMembership.objects.filter(
        user_id=by.pk,
        team=pathway.team,
        team__purpose=TeamPurpose.HARMFUL_SEXUAL_BEHAVIOUR,
    ).exists()


def _formulation_errors(fields: dict[str, str]) -> dict[str, str]:
    return {
        name: f"Enter {label[0].lower()}{label[1:].split(':')[0]}"
        for name, label in FORMULATION_FIELDS
        if not str(fields.get(name, "")).strip()
    }


def assessment_start(
    *,
    by: User,
    pathway: Pathway,
    tool: str,
    case_type: str,
    started_on: dt.date,
    fields: dict[str, str],
) -> AimAssessment:
    """Start an AIM assessment: the first version of the child's case formulation."""
    if pathway.role != Role.HARMING or pathway.status == PathwayStatus.CLOSED:
        raise Forbidden("AIM assessments are for a child who harmed, on an open pathway.")
    if not _in_hsb_team(by, pathway) or not can_edit_person(by, pathway.person):
        raise Forbidden("Only the harmful sexual behaviour service completes AIM assessments.")
    errors: dict[str, str] = {}
    if tool not in AimTool.values:
        errors["tool"] = "Select the AIM assessment"
    if case_type not in CaseType.values:
        errors["case_type"] = "Select whether the case is preventative or statutory"
    if started_on > timezone.localdate():
        errors["started_on"] = "The date the assessment started must be today or in the past"
    if tool in AimTool.values and "started_on" not in errors:
        problem = age_problem(tool, pathway.person.date_of_birth, started_on)
        if problem:
            errors["tool"] = problem
        elif not training_check.is_trained(by, tool, started_on):
            errors["tool"] = (
                f"You are not recorded as trained to use {AimTool(tool).label}: "
                "an assessment by someone not trained in the tool is not valid"
            )
    errors.update(_formulation_errors(fields))
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        assessment = AimAssessment.objects.create(
            pathway=pathway,
            person=pathway.person,
            tool=tool,
            case_type=case_type,
            started_on=started_on,
            assessor=by,
        )
        _formulation_add(by=by, assessment=assessment, version=1, fields=fields, what_changed="")
        chronology.assessment_started(by=by, assessment=assessment)
    return assessment


def formulation_update(
    *, by: User, assessment: AimAssessment, what_changed: str, fields: dict[str, str]
) -> Formulation:
    """Update the case formulation as things change: a new version, the old ones kept."""
    pathway = assessment.pathway
    if not _in_hsb_team(by, pathway) or not can_edit_person(by, assessment.person):
        raise Forbidden("Only the harmful sexual behaviour service updates AIM assessments.")
    errors = _formulation_errors(fields)
    if not what_changed.strip():
        errors = {"what_changed": "Enter what has changed since the last version", **errors}
    today = timezone.localdate()
    if not training_check.is_trained(by, assessment.tool, today):
        errors = {
            "what_changed": (
                f"You are not recorded as trained to use {assessment.get_tool_display()}: "
                "ask a trained colleague to update it"
            ),
            **{k: v for k, v in errors.items() if k != "what_changed"},
        }
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        last = assessment.formulations.order_by("-version").values_list("version", flat=True)
        return _formulation_add(
            by=by,
            assessment=assessment,
            version=(last.first() or 0) + 1,
            fields=fields,
            what_changed=what_changed,
        )


def _formulation_add(
    *, by: User, assessment: AimAssessment, version: int, fields: dict[str, str], what_changed: str
) -> Formulation:
    formulation = Formulation.objects.create(
        assessment=assessment,
        version=version,
        recorded_by=by,
        what_changed=what_changed.strip(),
        **{name: str(fields[name]).strip() for name, _label in FORMULATION_FIELDS},
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE if version == 1 else AuditAction.UPDATE,
        object_type=HsbEvent.HSB_ASSESSMENT,
        object_id=assessment.pk,
        person_id=assessment.person_id,
        changes={"tool": assessment.tool, "version": version, "case_type": assessment.case_type},
    )
    return formulation


def trained_record(
    *,
    by: User,
    user: User,
    tool: str,
    trained_on: dt.date,
    valid_until: dt.date | None = None,
) -> AimTrainedPractitioner:
    """Record that a practitioner is trained to use an AIM tool (until the training app does)."""
    if not by.has_perm("hsb.manage_trained"):
        raise Forbidden("Only the service's managers keep the list of trained practitioners.")
    errors: dict[str, str] = {}
    if tool not in AimTool.values:
        errors["tool"] = "Select the AIM tool"
    if trained_on > timezone.localdate():
        errors["trained_on"] = "The date of the training must be today or in the past"
    if valid_until is not None and valid_until < trained_on:
        errors["valid_until"] = "The training must be valid until a date after it was done"
    if not user.is_active:
        errors["user"] = "Choose someone whose account is open"
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        row, _created = AimTrainedPractitioner.objects.update_or_create(
            user=user,
            tool=tool,
            defaults={
                "trained_on": trained_on,
                "valid_until": valid_until,
                "recorded_by": by,
                "recorded_at": timezone.now(),
            },
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=HsbEvent.HSB_TRAINED,
            object_id=row.pk,
            changes={"user": user.username, "tool": tool, "trained_on": trained_on},
        )
    return row


def formulation_fields(formulation: Formulation | None) -> dict[str, Any]:
    """A formulation's fields, to start the next version from."""
    if formulation is None:
        return {}
    return {name: getattr(formulation, name) for name, _label in FORMULATION_FIELDS}
