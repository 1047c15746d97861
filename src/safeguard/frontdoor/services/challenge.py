"""Professional challenge: a referrer or partner disagrees with a MASH decision and escalates it.

The partnership's escalation pathway has three stages: the worker who decided,
then the MASH team manager, then the head of service. Each stage is a "resolve a
professional challenge" work item with a deadline (``resolve_challenge``, 5
working days by default) and a written resolution, which the challenger is
sent. A challenger who is still not satisfied escalates to the next stage.
Challenges are counted for the partnership's data set (``selectors.challenge_counts``).

No head-of-service role exists yet: stage 3 waits, unallocated, in the MASH team's
queue for a manager who did not resolve stage 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.models import AuditAction
from safeguard.people.access import AccessDenied
from safeguard.work.models import Priority, WorkKind
from safeguard.work.services import (
    deadline_for,
    managers_of,
    work_item_create,
    work_items_close_for,
)

from ..events import FrontdoorEvent
from ..models import (
    ChallengeStage,
    ChallengeStep,
    Contact,
    ContactStatus,
    MashEnquiry,
    ProfessionalChallenge,
    ThresholdDecision,
)
from ..rules import can_sign_off, can_triage
from ._common import _send, _text
from .mash_work import contact_url, mash_team

if TYPE_CHECKING:
    from safeguard.core.models import User

CHALLENGE_SUBJECT = "frontdoor.challenge"


def can_challenge(user: Any, contact: Contact) -> bool:
    """The referrer, their agency, or an agency the MASH asked about the children."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
        return False
    if contact.referrer_id == user.pk or contact.referrer_agency_id == user.agency_id:
        return True
    return MashEnquiry.objects.filter(contact=contact, agency_id=user.agency_id).exists()


def _stage_work(*, by: User, challenge: ProfessionalChallenge, reason: str) -> None:
    contact = challenge.contact
    team = mash_team()
    if team is None:
        return
    stage = ChallengeStage(challenge.stage)
    assignee = None
    if stage == ChallengeStage.WORKER:
        decision = ThresholdDecision.objects.filter(contact=contact).first()
        assignee = decision.decided_by if decision else None
    elif stage == ChallengeStage.TEAM_MANAGER:
        managers = managers_of(team)
        assignee = managers[0] if managers else None
    work_item_create(
        by=by,
        team=team,
        kind=WorkKind.RESOLVE_CHALLENGE,
        title=f"Resolve a professional challenge ({stage.label.split(':')[0].lower()})",
        subject_type=CHALLENGE_SUBJECT,
        subject_id=challenge.pk,
        subject_url=contact_url(contact) + "#challenges",
        subject_label=contact.reference,
        person=contact.children.order_by("pk").first(),
        deadline=deadline_for("resolve_challenge"),
        priority=Priority.URGENT if stage == ChallengeStage.HEAD_OF_SERVICE else Priority.STANDARD,
        assignee=assignee,
        detail=f"{stage.label}. {challenge.raised_by_agency} disagrees: {reason}"[:2000],
    )


def challenge_raise(*, by: User, contact: Contact, reason: str) -> ProfessionalChallenge:
    """Disagree with a decision: stage 1 goes to the worker who decided."""
    if not can_challenge(by, contact):
        raise AccessDenied("You cannot challenge this decision.")
    errors: dict[str, str] = {}
    reason = _text(reason, name="reason", label="why you disagree", errors=errors)
    if contact.status != ContactStatus.DECIDED:
        errors["reason"] = "You can challenge a decision once it has been made"
    elif ProfessionalChallenge.objects.filter(
        contact=contact, raised_by_agency_id=by.agency_id
    ).exists():
        errors["reason"] = "Your agency has already challenged this decision; escalate it instead"
    if errors:
        raise ValidationError(errors)
    agency = by.agency
    assert agency is not None  # noqa: S101 - can_challenge needs an agency
    with transaction.atomic():
        now = timezone.now()
        challenge = ProfessionalChallenge.objects.create(
            contact=contact,
            raised_by=by,
            raised_by_agency=agency,
            raised_at=now,
        )
        ChallengeStep.objects.create(
            challenge=challenge, stage=ChallengeStage.WORKER, reason=reason, opened_at=now
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=FrontdoorEvent.PROFESSIONAL_CHALLENGE,
            object_id=challenge.pk,
            changes={"contact": contact.reference, "stage": 1},
            reason=reason[:500],
        )
        _stage_work(by=by, challenge=challenge, reason=reason)
    return challenge


def _may_resolve(by: User, challenge: ProfessionalChallenge) -> bool:
    if challenge.stage == ChallengeStage.WORKER:
        return bool(can_triage(by))
    if not can_sign_off(by):
        return False
    if challenge.stage == ChallengeStage.HEAD_OF_SERVICE:
        earlier = challenge.steps.filter(stage=ChallengeStage.TEAM_MANAGER).first()
        return earlier is None or earlier.resolved_by_id != by.pk
    return True


def challenge_resolve(
    *, by: User, challenge: ProfessionalChallenge, resolution: str, decision_changed: bool
) -> ProfessionalChallenge:
    """Record how the stage resolved the challenge; the challenger is sent the resolution."""
    if not _may_resolve(by, challenge):
        raise AccessDenied("This stage of the challenge is for someone else to resolve.")
    errors: dict[str, str] = {}
    resolution = _text(resolution, name="resolution", label="the resolution", errors=errors)
    if not challenge.is_open:
        errors["resolution"] = "This stage has already been resolved"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        step = challenge.steps.get(stage=challenge.stage)
        step.resolved_at = now
        step.resolved_by = by
        step.resolution = resolution
        step.decision_changed = bool(decision_changed)
        step.save(update_fields=["resolved_at", "resolved_by", "resolution", "decision_changed"])
        challenge.is_open = False
        challenge.save(update_fields=["is_open"])
        work_items_close_for(
            by=by,
            subject_type=CHALLENGE_SUBJECT,
            subject_id=challenge.pk,
            kinds=(WorkKind.RESOLVE_CHALLENGE,),
            outcome=resolution[:500],
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=FrontdoorEvent.PROFESSIONAL_CHALLENGE,
            object_id=challenge.pk,
            changes={
                "stage": challenge.stage,
                "resolved": True,
                "decision_changed": bool(decision_changed),
            },
            reason=resolution[:500],
        )
        contact = challenge.contact
        _send(
            kind="frontdoor.challenge_resolved",
            subject=f"Your challenge to the decision on {contact.reference}",
            body=(
                f"The Multi-Agency Safeguarding Hub (MASH) has answered your challenge to the "
                f"decision on {contact.reference} ({ChallengeStage(challenge.stage).label.lower()}).\n\n"
                f"{resolution}\n\n"
                "If you still disagree, you can escalate it to the next stage from 'My referrals' "
                "in Safeguard.\n"
            ),
            to=challenge.raised_by.email,
            about="contact",
            reference=contact.reference,
            summary=f"Challenge resolved for {contact.reference}",
        )
    return challenge


def challenge_escalate(
    *, by: User, challenge: ProfessionalChallenge, reason: str
) -> ProfessionalChallenge:
    """Still not satisfied: the challenge goes to the next stage of the pathway."""
    if not can_challenge(by, challenge.contact) or by.agency_id != challenge.raised_by_agency_id:
        raise AccessDenied("Only the agency that raised the challenge can escalate it.")
    errors: dict[str, str] = {}
    reason = _text(reason, name="reason", label="why you still disagree", errors=errors)
    if challenge.is_open:
        errors["reason"] = "Wait for this stage's answer before escalating"
    elif challenge.stage >= ChallengeStage.HEAD_OF_SERVICE:
        errors["reason"] = "This challenge has been through every stage"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        challenge.stage += 1
        challenge.is_open = True
        challenge.save(update_fields=["stage", "is_open"])
        ChallengeStep.objects.create(
            challenge=challenge, stage=challenge.stage, reason=reason, opened_at=timezone.now()
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=FrontdoorEvent.PROFESSIONAL_CHALLENGE,
            object_id=challenge.pk,
            changes={"stage": challenge.stage, "escalated": True},
            reason=reason[:500],
        )
        _stage_work(by=by, challenge=challenge, reason=reason)
    return challenge
