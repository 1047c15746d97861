"""MASH triage: asking agencies what they know, threshold decisions, sign-off, return and amendment.

Each step moves the MASH's work on (``mash_work``): proposing a decision closes
"decide" and gives the managers "sign off"; a send-back gives the worker "decide
again" with the reason; a final decision hands Level 4 outcomes to children's
social care and early help outcomes to early help (``frontdoor/handoffs.py``),
in the same transaction. Earlier versions of a decision are kept unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import Agency, AuditAction
from safeguard.people.access import AccessDenied
from safeguard.people.models import ChronologyEvent, Visibility
from safeguard.people.services import chronology_add
from safeguard.work.models import WorkKind
from safeguard.work.services import (
    deadline_for,
    managers_of,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from ..events import FrontdoorEvent
from ..handoffs import decision_hand_off
from ..models import (
    OUTCOMES_BY_LEVEL,
    Contact,
    ContactStatus,
    DecisionVersion,
    Level,
    MashEnquiry,
    Outcome,
    ThresholdDecision,
    VersionEnd,
    outcome_allowed,
)
from ..rules import (
    can_sign_off,
    can_triage,
)
from ._common import _send, _text
from .mash_work import CONTACT_SUBJECT, contact_url, contact_work_close, mash_team
from .requests import request_chronology, request_work_close, request_work_create
from .social_care import SOCIAL_CARE_KINDS

if TYPE_CHECKING:
    from safeguard.core.models import User

SIGN_OFF_OUTCOMES = frozenset({Outcome.ADVICE_NO_FURTHER_ACTION, Outcome.SECTION_47})
SIGN_OFF_LEVELS = frozenset({Level.FAMILY_HELP, Level.SPECIALIST})


def needs_sign_off(*, level: int, outcome: str) -> bool:
    """Levels 3 and 4, any Section 47 and 'advice and no further action' need a manager's sign-off."""
    return int(level) in SIGN_OFF_LEVELS or outcome in SIGN_OFF_OUTCOMES


def _incoherent(level: int, outcome: str) -> str:
    allowed = ", ".join(f"'{Outcome(o).label.lower()}'" for o in OUTCOMES_BY_LEVEL[level])
    return (
        f"'{Outcome(outcome).label}' does not fit {Level(level).label.lower()}. "
        f"At this level choose {allowed}, or choose another level"
    )


def _decision_fields(
    *, level: Any, outcome: str, rationale: str, message_to_referrer: str, errors: dict[str, str]
) -> tuple[int, str, str, str]:
    """Check a level, an outcome that fits it (the table in models.py), reasons and a message."""
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in Level.values:
        errors["level"] = "Select a level on the continuum of need"
    if outcome not in Outcome.values:
        errors["outcome"] = "Select what happens next"
    elif level in Level.values and not outcome_allowed(level, outcome):
        errors["outcome"] = _incoherent(level, outcome)
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
    return level, outcome, rationale, message_to_referrer


def answers_awaited(contact: Contact) -> list[MashEnquiry]:
    """Requests to agencies still waiting for an answer."""
    return list(
        MashEnquiry.objects.filter(contact=contact, answered_at__isnull=True, corrects__isnull=True)
        .select_related("agency")
        .order_by("requested_at", "pk")
    )


def _has_been_decided(contact: Contact) -> bool:
    """Whether a decision was ever proposed or made (the evidence is then append-only)."""
    return (
        ThresholdDecision.objects.filter(contact=contact).exists()
        or DecisionVersion.objects.filter(contact=contact).exists()
    )


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
        request_chronology(
            by=by,
            request=request,
            at=now,
            title=(
                f"The Multi-Agency Safeguarding Hub (MASH) asked {agency.name} "
                f"for information ({contact.reference})"
            ),
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
        locked = MashEnquiry.objects.select_for_update().get(pk=request.pk)
        if locked.answered_at is not None and _has_been_decided(request.contact):
            raise ValidationError(
                {
                    "answer": "A decision rested on this answer, so it cannot be changed. "
                    "Add a correction beside it instead"
                }
            )
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
        request_chronology(
            by=by,
            request=request,
            at=now,
            title=(
                f"{request.agency.name} replied to the Multi-Agency Safeguarding Hub (MASH) "
                f"({request.contact.reference})"
            ),
        )
    return request


def information_answer_correct(*, by: User, request: MashEnquiry, correction: str) -> MashEnquiry:
    """Correct an agency's answer after a decision: a new entry beside the original, never over it."""
    _check_open_for_triage(by, request.contact)
    errors: dict[str, str] = {}
    correction = _text(correction, name="correction", label="the correction", errors=errors)
    if request.answered_at is None:
        errors["correction"] = "There is no answer to correct yet; record the answer instead"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        original = request.corrects or request
        entry = MashEnquiry.objects.create(
            contact=request.contact,
            agency=request.agency,
            question=f"Correction to the answer recorded {timezone.localtime(original.answered_at):%-d %B %Y %H:%M}",
            requested_at=now,
            requested_by=by,
            answer=correction,
            answered_at=now,
            answered_by=by,
            corrects=original,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=FrontdoorEvent.INFORMATION_REQUEST,
            object_id=entry.pk,
            changes={"corrects": original.pk, "contact": request.contact.reference},
        )
        request_chronology(
            by=by,
            request=request,
            entry=entry,
            at=now,
            title=(
                f"The Multi-Agency Safeguarding Hub (MASH) recorded a correction to what "
                f"{request.agency.name} said ({request.contact.reference})"
            ),
        )
    return entry


def _outcome_email(contact: Contact, decision: ThresholdDecision, *, changed: bool) -> None:
    if changed:
        opening = (
            "The Multi-Agency Safeguarding Hub (MASH) has changed its decision about the concern "
            f"you reported ({contact.reference}). This replaces the outcome you were sent before."
        )
        subject = f"Changed outcome of your concern {contact.reference}"
        summary = f"Changed outcome of concern {contact.reference}"
    else:
        opening = (
            "The Multi-Agency Safeguarding Hub (MASH) has decided what happens next about the "
            f"concern you reported ({contact.reference})."
        )
        subject = f"Outcome of your concern {contact.reference}"
        summary = f"Outcome of concern {contact.reference}"
    body = (
        f"{opening}\n\n"
        f"Outcome: {decision.get_outcome_display()}\n\n{decision.message_to_referrer}\n\n"
        "You can also see this under 'My referrals' in Safeguard.\n"
    )
    _send(
        kind="frontdoor.decision_outcome",
        subject=subject,
        body=body,
        to=contact.referrer_email,
        about="contact",
        reference=contact.reference,
        summary=summary,
    )


def _referrer_tell(
    *, by: User, contact: Contact, decision: ThresholdDecision, error_field: str
) -> None:
    """Tell the referrer the outcome (what they need to know, not the whole record); hand it over."""
    now = timezone.now()
    Contact.objects.filter(pk=contact.pk).update(status=ContactStatus.DECIDED, referrer_told_at=now)
    contact.status = ContactStatus.DECIDED
    contact.referrer_told_at = now
    _outcome_email(contact, decision, changed=False)
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=FrontdoorEvent.CONTACT,
        object_id=contact.reference,
        changes={"referrer_told": True, "status": ContactStatus.DECIDED},
    )
    _outcome_chronology(by=by, contact=contact, decision=decision)
    contact_work_close(by=by, contact=contact, outcome=f"Decided: {decision.get_outcome_display()}")
    _hand_off(by=by, contact=contact, decision=decision, error_field=error_field)


def _hand_off(*, by: User, contact: Contact, decision: ThresholdDecision, error_field: str) -> None:
    """Hand the decision over (early help, social care) in the decision's own transaction, or refuse it.

    A decision that says "early help assessment" or "Section 47 strategy discussion"
    with nobody told to act would leave the family with nobody to act on it, so the
    two commit together or not at all: if the hand-off fails, so does the decision,
    with the reason. See ``frontdoor/handoffs.py``.
    """
    try:
        decision_hand_off(by=by, contact=contact, decision=decision)
    except (AccessDenied, InvalidRequest, ValidationError) as exc:
        why = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        receiver = (
            "Early help"
            if decision.outcome == Outcome.EARLY_HELP_ASSESSMENT
            else "Children's social care"
        )
        raise ValidationError(
            {
                error_field: f"{receiver} could not be started for this family, so the decision "
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
    confirm_awaited: bool = False,
) -> ThresholdDecision:
    """Decide a level and an outcome that fits it, with written reasons.

    Levels 3 and 4, any Section 47 and "no further action" wait for a manager's
    sign-off; deciding while an agency's answer is awaited needs ``confirm_awaited``.
    """
    _check_open_for_triage(by, contact)
    errors: dict[str, str] = {}
    level, outcome, rationale, message_to_referrer = _decision_fields(
        level=level,
        outcome=outcome,
        rationale=rationale,
        message_to_referrer=message_to_referrer,
        errors=errors,
    )
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if ThresholdDecision.objects.filter(contact=locked).exists():
            errors["level"] = "A decision has already been made on this contact"
        awaited = answers_awaited(locked)
        if awaited and not confirm_awaited and not errors:
            names = ", ".join(sorted({r.agency.name for r in awaited}))
            errors["confirm_awaited"] = (
                f"{names} {'has' if len(awaited) == 1 else 'have'} not answered yet. "
                "Confirm that you want to decide without waiting for the answer"
            )
        if errors:
            raise ValidationError(errors)
        sign_off = needs_sign_off(level=level, outcome=outcome)
        version = DecisionVersion.objects.filter(contact=locked).count() + 1
        decision = ThresholdDecision.objects.create(
            contact=locked,
            level=level,
            outcome=outcome,
            rationale=rationale,
            message_to_referrer=message_to_referrer,
            decided_by=by,
            decided_at=timezone.now(),
            needs_sign_off=sign_off,
            version=version,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=FrontdoorEvent.THRESHOLD_DECISION,
            object_id=locked.reference,
            changes={
                "level": level,
                "outcome": outcome,
                "needs_sign_off": sign_off,
                "version": version,
                "answers_awaited": len(awaited),
            },
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
            contact_work_close(by=by, contact=locked, outcome="Decision proposed for sign-off")
            _sign_off_work_create(by=by, contact=locked, decision=decision)
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


def _sign_off_work_create(*, by: User, contact: Contact, decision: ThresholdDecision) -> None:
    team = mash_team()
    if team is None:
        return
    managers = managers_of(team, exclude=by)
    work_item_create(
        by=by,
        team=team,
        kind=WorkKind.SIGN_OFF_DECISION,
        title=f"Sign off a threshold decision ({Level(decision.level).label.split(':')[0]})",
        subject_type=CONTACT_SUBJECT,
        subject_id=contact.reference,
        subject_url=contact_url(contact),
        subject_label=contact.reference,
        person=contact.children.order_by("pk").first(),
        deadline=deadline_for("sign_off_decision"),
        priority=contact.urgency,
        assignee=managers[0] if managers else None,
        detail=(
            f"{by}, in the Multi-Agency Safeguarding Hub (MASH), proposed "
            f"{decision.get_outcome_display().lower()}."
        ),
    )


def threshold_sign_off(*, by: User, contact: Contact, note: str = "") -> ThresholdDecision:
    """A MASH manager (not the person who decided) signs off a decision that needs it."""
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
        work_items_close_for(
            by=by,
            subject_type=CONTACT_SUBJECT,
            subject_id=locked.reference,
            kinds=(WorkKind.SIGN_OFF_DECISION,),
            outcome="Signed off",
        )
        _referrer_tell(by=by, contact=locked, decision=decision, error_field="note")
    contact.status = locked.status
    return decision


def _version_keep(
    *, decision: ThresholdDecision, ended: str, by: User, reason: str
) -> DecisionVersion:
    """Keep the decision as it stands now, unchanged, in the contact's history."""
    return DecisionVersion.objects.create(
        contact_id=decision.contact_id,
        version=decision.version,
        level=decision.level,
        outcome=decision.outcome,
        rationale=decision.rationale,
        message_to_referrer=decision.message_to_referrer,
        decided_by_id=decision.decided_by_id,
        decided_at=decision.decided_at,
        signed_off_by_id=decision.signed_off_by_id,
        signed_off_at=decision.signed_off_at,
        ended=ended,
        ended_by=by,
        ended_at=timezone.now(),
        reason=reason,
    )


def threshold_return(*, by: User, contact: Contact, note: str) -> Contact:
    """A MASH manager does not agree: the proposal is kept in the history and the worker decides again."""
    if not can_sign_off(by):
        raise AccessDenied("Only a MASH manager can send a decision back.")
    errors: dict[str, str] = {}
    note = _text(note, name="note", label="why you are sending the decision back", errors=errors)
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        decision = (
            ThresholdDecision.objects.filter(contact=locked).select_related("decided_by").first()
        )
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
            changes={
                "level": decision.level,
                "outcome": decision.outcome,
                "returned": True,
                "version": decision.version,
            },
            reason=note,
        )
        _version_keep(decision=decision, ended=VersionEnd.SENT_BACK, by=by, reason=note)
        worker = decision.decided_by
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
        work_items_close_for(
            by=by,
            subject_type=CONTACT_SUBJECT,
            subject_id=locked.reference,
            kinds=(WorkKind.SIGN_OFF_DECISION,),
            outcome=f"Sent back: {note}"[:500],
        )
        team = mash_team()
        if team is not None:
            work_item_create(
                by=by,
                team=team,
                kind=WorkKind.REDO_DECISION,
                title="Decide again: a manager sent the decision back",
                subject_type=CONTACT_SUBJECT,
                subject_id=locked.reference,
                subject_url=contact_url(locked),
                subject_label=locked.reference,
                person=locked.children.order_by("pk").first(),
                deadline=deadline_for("redo_decision"),
                priority=locked.urgency,
                assignee=worker,
                detail=f"{by}, a Multi-Agency Safeguarding Hub (MASH) manager, sent the decision back: {note}",
            )
    return locked


def threshold_amend(
    *,
    by: User,
    contact: Contact,
    level: int,
    outcome: str,
    rationale: str,
    message_to_referrer: str,
    reason: str,
) -> ThresholdDecision:
    """A MASH manager corrects a final decision, saying why; the referrer is told of the change.

    The decision as it stood is kept, unchanged, as an earlier version. The amendment
    is a new version with the manager's authority (no second sign-off). Work handed
    to social care for an outcome that no longer stands is cancelled, and the new
    outcome is handed over in the same transaction.
    """
    if not can_sign_off(by):
        raise AccessDenied("Only a MASH manager can amend a decision.")
    errors: dict[str, str] = {}
    level, outcome, rationale, message_to_referrer = _decision_fields(
        level=level,
        outcome=outcome,
        rationale=rationale,
        message_to_referrer=message_to_referrer,
        errors=errors,
    )
    reason = _text(reason, name="reason", label="why you are amending the decision", errors=errors)
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        decision = ThresholdDecision.objects.filter(contact=locked).first()
        if decision is None or locked.status != ContactStatus.DECIDED:
            errors["reason"] = "Only a final decision can be amended"
        elif (
            decision.level == level
            and decision.outcome == outcome
            and decision.message_to_referrer == message_to_referrer
            and decision.rationale == rationale
        ):
            errors["reason"] = "Change the decision, or go back without amending it"
        if errors:
            raise ValidationError(errors)
        assert decision is not None  # noqa: S101 - checked above
        before = {"level": decision.level, "outcome": decision.outcome}
        outcome_changed = decision.outcome != outcome
        _version_keep(decision=decision, ended=VersionEnd.AMENDED, by=by, reason=reason)
        now = timezone.now()
        decision.level = level
        decision.outcome = outcome
        decision.rationale = rationale
        decision.message_to_referrer = message_to_referrer
        decision.decided_by = by
        decision.decided_at = now
        decision.needs_sign_off = needs_sign_off(level=level, outcome=outcome)
        decision.signed_off_by = by if decision.needs_sign_off else None
        decision.signed_off_at = now if decision.needs_sign_off else None
        decision.sign_off_note = ""
        decision.version += 1
        decision.amendment_reason = reason
        decision.save()
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=FrontdoorEvent.THRESHOLD_DECISION,
            object_id=locked.reference,
            changes={
                "level": {"before": before["level"], "after": level},
                "outcome": {"before": before["outcome"], "after": outcome},
                "version": decision.version,
                "amended": True,
            },
            reason=reason,
        )
        _decision_chronology(
            by=by,
            contact=locked,
            decision=decision,
            title=f"Multi-Agency Safeguarding Hub (MASH) manager amended the decision: "
            f"{Level(level).label.lower()}, {decision.get_outcome_display().lower()} "
            f"({locked.reference})",
        )
        if outcome_changed:
            work_items_close_for(
                by=by,
                subject_type=CONTACT_SUBJECT,
                subject_id=locked.reference,
                kinds=SOCIAL_CARE_KINDS,
                outcome=f"The decision was amended: {decision.get_outcome_display()}",
                cancel=True,
            )
            _hand_off(by=by, contact=locked, decision=decision, error_field="outcome")
        _referrer_tell_change(by=by, contact=locked, decision=decision)
    return decision


def _referrer_tell_change(*, by: User, contact: Contact, decision: ThresholdDecision) -> None:
    """The referrer's agency is told the outcome changed: an email and a work item to read it."""
    Contact.objects.filter(pk=contact.pk).update(referrer_told_at=timezone.now())
    _outcome_email(contact, decision, changed=True)
    work_item_create(
        by=by,
        team=team_receiving_for(contact.referrer_agency),
        kind=WorkKind.READ_OUTCOME,
        title="The outcome of a concern you reported has changed",
        subject_type=CONTACT_SUBJECT,
        subject_id=contact.reference,
        subject_url=reverse("frontdoor:my-referral", kwargs={"reference": contact.reference}),
        subject_label=contact.reference,
        deadline=deadline_for("read_outcome"),
        detail=f"New outcome: {decision.get_outcome_display()}. {decision.message_to_referrer}"[
            :2000
        ],
    )
