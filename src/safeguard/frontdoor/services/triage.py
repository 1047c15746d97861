"""MASH triage: asking agencies what they know, threshold decisions, sign-off and return."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import Agency, AuditAction
from safeguard.people.access import AccessDenied
from safeguard.people.models import ChronologyEvent, Visibility
from safeguard.people.services import chronology_add

from ..events import FrontdoorEvent
from ..handoffs import decision_hand_off
from ..models import (
    Contact,
    ContactStatus,
    Level,
    MashEnquiry,
    Outcome,
    ThresholdDecision,
)
from ..rules import (
    can_sign_off,
    can_triage,
)
from ._common import _send, _text
from .requests import request_work_close, request_work_create

if TYPE_CHECKING:
    from safeguard.core.models import User

SIGN_OFF_OUTCOMES = frozenset({Outcome.ADVICE_NO_FURTHER_ACTION})


def needs_sign_off(*, level: int, outcome: str) -> bool:
    """Level 4 and 'advice and no further action' need a MASH manager's sign-off."""
    return int(level) == Level.SPECIALIST or outcome in SIGN_OFF_OUTCOMES


def _check_open_for_triage(by: User, contact: Contact) -> None:
    if not can_triage(by):
        raise AccessDenied("Only the MASH can triage contacts.")


def information_request_create(
    *, by: User, contact: Contact, agency: Agency, question: str
) -> MashEnquiry:
    """Ask an involved agency what it knows about the children in a contact."""
    _check_open_for_triage(by, contact)
    errors: dict[str, str] = {}
    question = _text(question, name="question", label="what you are asking", errors=errors)
    if not contact.is_open:
        errors["question"] = "This contact has been decided"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        request = MashEnquiry.objects.create(
            contact=contact, agency=agency, question=question, requested_at=now, requested_by=by
        )
        if contact.status == ContactStatus.RECEIVED:
            Contact.objects.filter(pk=contact.pk).update(status=ContactStatus.GATHERING)
            contact.status = ContactStatus.GATHERING
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=FrontdoorEvent.INFORMATION_REQUEST,
            object_id=request.pk,
            changes={"contact": contact.reference, "agency": agency.name},
        )
        request_work_create(by=by, request=request)
        for person in contact.children.all():
            chronology_add(
                by=by,
                person=person,
                occurred_at=now,
                category=ChronologyEvent.Category.CONTACT,
                title=(
                    f"The Multi-Agency Safeguarding Hub (MASH) asked {agency.name} "
                    f"for information ({contact.reference})"
                ),
                source_type="frontdoor.information_request",
                source_id=str(request.pk),
                visibility=Visibility.MASH_AND_SOCIAL_CARE,
            )
    return request


def information_request_answer(*, by: User, request: MashEnquiry, answer: str) -> MashEnquiry:
    """Record what the agency told the MASH."""
    _check_open_for_triage(by, request.contact)
    errors: dict[str, str] = {}
    answer = _text(answer, name="answer", label="what the agency told you", errors=errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        before = request.answer
        request.answer = answer
        request.answered_at = now
        request.answered_by = by
        request.save(update_fields=["answer", "answered_at", "answered_by"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=FrontdoorEvent.INFORMATION_REQUEST,
            object_id=request.pk,
            changes={"answered": {"before": bool(before), "after": True}},
        )
        request_work_close(by=by, request=request)
        for person in request.contact.children.all():
            chronology_add(
                by=by,
                person=person,
                occurred_at=now,
                category=ChronologyEvent.Category.CONTACT,
                title=(
                    f"{request.agency.name} replied to the Multi-Agency Safeguarding Hub (MASH) "
                    f"({request.contact.reference})"
                ),
                source_type="frontdoor.information_request",
                source_id=str(request.pk),
                visibility=Visibility.MASH_AND_SOCIAL_CARE,
            )
    return request


def _referrer_tell(
    *, by: User, contact: Contact, decision: ThresholdDecision, error_field: str
) -> None:
    """Tell the referrer the outcome: what they need to know, not the whole record."""
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk).update(status=ContactStatus.DECIDED, referrer_told_at=now)
    contact.status = ContactStatus.DECIDED
    contact.referrer_told_at = now
    body = (
        f"The Multi-Agency Safeguarding Hub (MASH) has decided what happens next about the "
        f"concern you reported ({contact.reference}).\n\n"
        f"Outcome: {decision.get_outcome_display()}\n\n{decision.message_to_referrer}\n\n"
        "You can also see this under 'My referrals' in Safeguard.\n"
    )
    _send(
        kind="frontdoor.decision_outcome",
        subject=f"Outcome of your concern {contact.reference}",
        body=body,
        to=contact.referrer_email,
        about="contact",
        reference=contact.reference,
        summary=f"Outcome of concern {contact.reference}",
    )
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=FrontdoorEvent.CONTACT,
        object_id=contact.reference,
        changes={"referrer_told": True, "status": ContactStatus.DECIDED},
    )
    _outcome_chronology(by=by, contact=contact, decision=decision)
    _early_help_open(by=by, contact=contact, decision=decision, error_field=error_field)


def _early_help_open(
    *, by: User, contact: Contact, decision: ThresholdDecision, error_field: str
) -> None:
    """Hand the decision over (early help) in the decision's own transaction, or refuse it.

    A decision that says "early help assessment" and no early help episode would
    leave the family with nobody to act on it, so the two commit together or not
    at all: if the episode cannot be opened, the decision fails with the reason.
    The early help app registers the hand-off (see ``frontdoor/handoffs.py``).
    """
    if decision.outcome != Outcome.EARLY_HELP_ASSESSMENT:
        return
    try:
        decision_hand_off(by=by, contact=contact, decision=decision)
    except (AccessDenied, InvalidRequest, ValidationError) as exc:
        why = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise ValidationError(
            {
                error_field: "Early help could not be started for this family, so the decision "
                f"has not been saved. {why}".strip()
            }
        ) from exc


def _decision_chronology(
    *, by: User, contact: Contact, decision: ThresholdDecision, title: str
) -> None:
    """The MASH's reasons: read by the MASH and children's social care only (issue 10)."""
    for person in contact.children.all():
        chronology_add(
            by=by,
            person=person,
            occurred_at=timezone.now(),
            category=ChronologyEvent.Category.DECISION,
            title=title,
            detail=decision.rationale[:2000],
            source_type="frontdoor.threshold_decision",
            source_id=str(decision.pk),
            visibility=Visibility.MASH_AND_SOCIAL_CARE,
        )


def _outcome_chronology(*, by: User, contact: Contact, decision: ThresholdDecision) -> None:
    """The outcome as written for the referrer: what every agency with access may read."""
    for person in contact.children.all():
        chronology_add(
            by=by,
            person=person,
            occurred_at=timezone.now(),
            category=ChronologyEvent.Category.DECISION,
            title=(
                f"Outcome of the concern {contact.reference}: "
                f"{decision.get_outcome_display().lower()}"
            ),
            detail=decision.message_to_referrer[:2000],
            source_type="frontdoor.decision_outcome",
            source_id=str(decision.pk),
            visibility=Visibility.EVERYONE,
        )


def threshold_decide(
    *,
    by: User,
    contact: Contact,
    level: int,
    outcome: str,
    rationale: str,
    message_to_referrer: str,
) -> ThresholdDecision:
    """Decide a level on the continuum of need and an outcome, with written reasons."""
    _check_open_for_triage(by, contact)
    errors: dict[str, str] = {}
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in Level.values:
        errors["level"] = "Select a level on the continuum of need"
    if outcome not in Outcome.values:
        errors["outcome"] = "Select what happens next"
    rationale = _text(
        rationale, name="rationale", label="why you made this decision", errors=errors
    )
    message_to_referrer = _text(
        message_to_referrer,
        name="message_to_referrer",
        label="what to tell the referrer",
        errors=errors,
        max_length=2000,
    )
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if ThresholdDecision.objects.filter(contact=locked).exists():
            errors["level"] = "A decision has already been made on this contact"
        if errors:
            raise ValidationError(errors)
        sign_off = needs_sign_off(level=level, outcome=outcome)
        decision = ThresholdDecision.objects.create(
            contact=locked,
            level=level,
            outcome=outcome,
            rationale=rationale,
            message_to_referrer=message_to_referrer,
            decided_by=by,
            decided_at=timezone.now(),
            needs_sign_off=sign_off,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=FrontdoorEvent.THRESHOLD_DECISION,
            object_id=locked.reference,
            changes={"level": level, "outcome": outcome, "needs_sign_off": sign_off},
            reason=rationale[:500],
        )
        level_label = Level(level).label
        if sign_off:
            locked.status = ContactStatus.AWAITING_SIGN_OFF
            locked.save(update_fields=["status"])
            _decision_chronology(
                by=by,
                contact=locked,
                decision=decision,
                title=f"The Multi-Agency Safeguarding Hub (MASH) proposed {level_label.lower()}: "
                f"{decision.get_outcome_display().lower()} "
                f"(waiting for a manager's sign-off, {locked.reference})",
            )
        else:
            _decision_chronology(
                by=by,
                contact=locked,
                decision=decision,
                title=f"Multi-Agency Safeguarding Hub (MASH) decision: {level_label.lower()}, "
                f"{decision.get_outcome_display().lower()} ({locked.reference})",
            )
            _referrer_tell(by=by, contact=locked, decision=decision, error_field="outcome")
    contact.status = locked.status
    return decision


def threshold_sign_off(*, by: User, contact: Contact, note: str = "") -> ThresholdDecision:
    """A MASH manager (not the person who decided) signs off a level 4 or 'no further action' decision."""
    if not can_sign_off(by):
        raise AccessDenied("Only a MASH manager can sign off this decision.")
    errors: dict[str, str] = {}
    note = _text(note, name="note", label="a note", errors=errors, required=False)
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        decision = ThresholdDecision.objects.filter(contact=locked).first()
        if decision is None or locked.status != ContactStatus.AWAITING_SIGN_OFF:
            errors["note"] = "This contact is not waiting for sign-off"
        elif decision.decided_by_id == by.pk:
            errors["note"] = "Another manager must sign off a decision you made"
        if errors:
            raise ValidationError(errors)
        assert decision is not None  # noqa: S101 - checked above
        decision.signed_off_by = by
        decision.signed_off_at = timezone.now()
        decision.sign_off_note = note
        decision.save(update_fields=["signed_off_by", "signed_off_at", "sign_off_note"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=FrontdoorEvent.THRESHOLD_DECISION,
            object_id=locked.reference,
            changes={"signed_off": True},
            reason=note,
        )
        _decision_chronology(
            by=by,
            contact=locked,
            decision=decision,
            title=f"Multi-Agency Safeguarding Hub (MASH) manager signed off: {Level(decision.level).label.lower()}, "
            f"{decision.get_outcome_display().lower()} ({locked.reference})",
        )
        _referrer_tell(by=by, contact=locked, decision=decision, error_field="note")
    contact.status = locked.status
    return decision


def threshold_return(*, by: User, contact: Contact, note: str) -> Contact:
    """A MASH manager does not agree: the decision is withdrawn and the contact goes back to triage."""
    if not can_sign_off(by):
        raise AccessDenied("Only a MASH manager can send a decision back.")
    errors: dict[str, str] = {}
    note = _text(note, name="note", label="why you are sending the decision back", errors=errors)
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        decision = ThresholdDecision.objects.filter(contact=locked).first()
        if decision is None or locked.status != ContactStatus.AWAITING_SIGN_OFF:
            errors["note"] = "This contact is not waiting for sign-off"
        if errors:
            raise ValidationError(errors)
        assert decision is not None  # noqa: S101 - checked above
        audit_record(
            by=by,
            action=AuditAction.DELETE,
            object_type=FrontdoorEvent.THRESHOLD_DECISION,
            object_id=locked.reference,
            changes={"level": decision.level, "outcome": decision.outcome, "returned": True},
            reason=note,
        )
        decision.delete()
        locked.status = ContactStatus.GATHERING
        locked.save(update_fields=["status"])
        for person in locked.children.all():
            chronology_add(
                by=by,
                person=person,
                occurred_at=timezone.now(),
                category=ChronologyEvent.Category.DECISION,
                title=(
                    f"Multi-Agency Safeguarding Hub (MASH) manager sent the proposed decision "
                    f"back for more work ({locked.reference})"
                ),
                source_type="frontdoor.contact",
                source_id=str(locked.pk),
            )
    return locked
