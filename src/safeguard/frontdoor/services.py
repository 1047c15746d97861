"""Every change in the front door: checked, audited, on the child's chronology, one transaction.

Contacts (concerns) reach the Multi-Agency Safeguarding Hub (MASH) from the
"Report a concern" pages and the partner API through :func:`contact_submit`;
police partner forms through :func:`police_form_submit`.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.forms import MAX_TEXT
from safeguard.core.models import Agency, AuditAction
from safeguard.core.outbox import outbox_enqueue
from safeguard.core.references import reference_issue
from safeguard.people.access import AccessDenied, access_grant_create, can_view_person
from safeguard.people.identifiers import (
    is_valid_nhs_number,
    is_valid_postcode,
    normalise_nhs_number,
    normalise_postcode,
)
from safeguard.people.models import AccessGrant, Address, ChronologyEvent, Person, Sex
from safeguard.people.services import chronology_add

from . import categories as concern_categories
from .hours import EMERGENCY_DUTY_TEAM_PHONE, decision_due, in_office_hours
from .models import (
    Consent,
    Contact,
    ContactChild,
    ContactDraft,
    ContactStatus,
    Level,
    MashEnquiry,
    NoConsentReason,
    Outcome,
    PoliceForm,
    PoliceFormKind,
    PoliceFormStatus,
    PoliceIntelligenceUser,
    Submission,
    ThresholdDecision,
)
from .rules import (
    can_report_concern,
    can_see_police_queue,
    can_sign_off,
    can_submit_police_form,
    can_triage,
)

if TYPE_CHECKING:
    from safeguard.core.models import User

logger = logging.getLogger(__name__)

MASH_GRANT_DAYS = 30
RE_REFERRAL_WINDOW = dt.timedelta(days=365)
SIGN_OFF_OUTCOMES = frozenset({Outcome.ADVICE_NO_FURTHER_ACTION})


@dataclass(frozen=True)
class ChildDetails:
    """A child named in a concern: an existing record, or a description of a new one."""

    person_id: uuid.UUID | None = None
    given_name: str = ""
    family_name: str = ""
    date_of_birth: dt.date | None = None
    sex: str = Sex.UNKNOWN
    nhs_number: str = ""
    postcode: str = ""


def _text(
    value: str | None,
    *,
    name: str,
    label: str,
    errors: dict[str, str],
    required: bool = True,
    max_length: int = MAX_TEXT,
) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        errors[name] = f"Enter {label}"
    elif len(text) > max_length:
        errors[name] = f"{label[0].upper()}{label[1:]} must be {max_length:,} characters or fewer"
    return text


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def needs_sign_off(*, level: int, outcome: str) -> bool:
    """Level 4 and 'advice and no further action' need a MASH manager's sign-off."""
    return int(level) == Level.SPECIALIST or outcome in SIGN_OFF_OUTCOMES


def _validate_child(details: ChildDetails, index: int, errors: dict[str, str]) -> None:
    if details.person_id is not None:
        return
    prefix = f"children.{index}"
    if not details.given_name.strip():
        errors[f"{prefix}.given_name"] = "Enter the child's given name"
    if not details.family_name.strip():
        errors[f"{prefix}.family_name"] = "Enter the child's family name"
    if len(details.given_name) > 100 or len(details.family_name) > 100:
        errors[f"{prefix}.name"] = "Names must be 100 characters or fewer"
    dob = details.date_of_birth
    if dob is not None:
        if dob > timezone.localdate():
            errors[f"{prefix}.date_of_birth"] = "Date of birth must be today or in the past"
        elif dob < timezone.localdate() - dt.timedelta(days=366 * 26):
            errors[f"{prefix}.date_of_birth"] = "Date of birth must be within the last 25 years"
    if details.nhs_number and not is_valid_nhs_number(details.nhs_number):
        errors[f"{prefix}.nhs_number"] = "Enter a real NHS number, like 943 476 5919"
    if details.postcode and not is_valid_postcode(details.postcode):
        errors[f"{prefix}.postcode"] = "Enter a real postcode, like YO1 7HH"
    if details.sex not in Sex.values:
        errors[f"{prefix}.sex"] = "Select the child's sex, or 'Not known'"


def _match_existing(details: ChildDetails) -> Person | None:
    """Link rather than duplicate: the same NHS number, or one exact name and date-of-birth match."""
    if details.nhs_number:
        found = Person.objects.filter(nhs_number=normalise_nhs_number(details.nhs_number)).first()
        if found is not None:
            return found
    if details.date_of_birth is None:
        return None
    candidates = list(
        Person.objects.filter(
            given_name__iexact=details.given_name.strip(),
            family_name__iexact=details.family_name.strip(),
            date_of_birth=details.date_of_birth,
        )[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def _child_resolve(*, by: User, details: ChildDetails) -> tuple[Person, bool]:
    """The record for a named child: the chosen one, a matching one, or a new one."""
    if details.person_id is not None:
        person = Person.objects.filter(pk=details.person_id).first()
        if person is None or not can_view_person(by, person):
            raise AccessDenied("You cannot name that record.")
        return person, False
    existing = _match_existing(details)
    if existing is not None:
        return existing, False
    person = Person(
        given_name=details.given_name.strip(),
        family_name=details.family_name.strip(),
        date_of_birth=details.date_of_birth,
        sex=details.sex,
        nhs_number=normalise_nhs_number(details.nhs_number) if details.nhs_number else "",
    )
    person.refresh_search_keys(postcode=details.postcode or "")
    person.save()
    if details.postcode:
        Address.objects.create(
            person=person,
            line_1="Address not known",
            postcode=normalise_postcode(details.postcode),
            moved_in=timezone.localdate(),
        )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        changes={
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth,
            "source": "contact",
        },
    )
    chronology_add(
        by=by,
        person=person,
        occurred_at=timezone.now(),
        category=ChronologyEvent.Category.RECORD,
        title="Record created from a concern reported to the Multi-Agency Safeguarding Hub (MASH)",
        detail=f"Described by {by.agency}",
        audit=False,
    )
    return person, True


def _mash_agencies() -> list[Agency]:
    return list(Agency.objects.filter(is_mash=True, active=True))


def _send(
    *, kind: str, subject: str, body: str, to: str, about: str, reference: str, summary: str
) -> None:
    """Put an email in the outbox; it leaves after this transaction commits (core.outbox)."""
    outbox_enqueue(
        kind=kind,
        recipients=[to],
        subject=subject,
        body=body,
        summary=summary,
        related_type=about,
        related_id=reference,
    )


def contact_receipt_text(contact: Contact) -> str:
    """The receipt the referrer gets by email (no details about the child)."""
    out_of_hours = (
        ""
        if contact.received_in_office_hours
        else (
            "\nWe received this outside office hours. If a child is at risk now, call the "
            f"Emergency Duty Team on {EMERGENCY_DUTY_TEAM_PHONE}.\n"
        )
    )
    due = timezone.localtime(contact.decision_due_at)
    return (
        f"Your concern has been received by the Multi-Agency Safeguarding Hub (MASH).\n\n"
        f"Reference number: {contact.reference}\n"
        f"Received: {timezone.localtime(contact.received_at):%-d %B %Y %H:%M}\n"
        f"The MASH will decide what happens next by {due:%-d %B %Y %H:%M}.\n"
        f"{out_of_hours}\n"
        "If a child is in immediate danger, call 999.\n"
    )


def contact_submit(
    *,
    by: User,
    children: list[ChildDetails],
    categories: list[str],
    what_happened: str,
    happened_on: dt.date | None,
    child_voice: str,
    immediate_danger: bool,
    family_knows: str,
    consent: str,
    no_consent_reason: str = "",
    others_involved: str = "",
    referrer_name: str,
    referrer_role: str = "",
    referrer_phone: str = "",
    referrer_email: str,
    via: str = Submission.WEB,
    received_at: dt.datetime | None = None,
    send_receipt: bool = True,
) -> Contact:
    """Record a concern, link its children, start the one-working-day clock and send a receipt."""
    if not can_report_concern(by) or by.agency_id is None:
        raise AccessDenied("You cannot report a concern.")
    agency_id: int = by.agency_id
    errors: dict[str, str] = {}
    if not children:
        errors["children"] = "Add at least one child"
    if len(children) > 20:
        errors["children"] = "A concern can name at most 20 children"
    for index, details in enumerate(children):
        _validate_child(details, index, errors)
    categories = list(dict.fromkeys(categories or []))
    if not categories:
        errors["categories"] = "Select what the concern is about"
    elif any(c not in concern_categories.BY_CODE for c in categories):
        errors["categories"] = "Select concern categories from the list"
    what_happened = _text(what_happened, name="what_happened", label="what happened", errors=errors)
    child_voice = _text(
        child_voice,
        name="child_voice",
        label="what the child said and what life is like for them",
        errors=errors,
    )
    family_knows = _text(
        family_knows,
        name="family_knows",
        label="what the family knows",
        errors=errors,
        required=False,
    )
    others_involved = _text(
        others_involved,
        name="others_involved",
        label="who else is involved",
        errors=errors,
        required=False,
    )
    now = timezone.now()
    received_at = received_at or now
    if happened_on is not None and happened_on > timezone.localtime(received_at).date():
        errors["happened_on"] = "The date it happened must be today or in the past"
    if consent not in Consent.values:
        errors["consent"] = "Select whether the family agreed to you sharing this concern"
    if consent == Consent.NOT_ASKED:
        if no_consent_reason not in NoConsentReason.values:
            errors["no_consent_reason"] = "Select why you did not ask the family"
    else:
        no_consent_reason = ""
    referrer_name = _text(
        referrer_name, name="referrer_name", label="your name", errors=errors, max_length=200
    )
    referrer_role = _text(
        referrer_role,
        name="referrer_role",
        label="your role",
        errors=errors,
        required=False,
        max_length=200,
    )
    referrer_phone = _text(
        referrer_phone,
        name="referrer_phone",
        label="your phone number",
        errors=errors,
        required=False,
        max_length=40,
    )
    referrer_email = _text(
        referrer_email,
        name="referrer_email",
        label="your email address",
        errors=errors,
        max_length=254,
    )
    if referrer_email and not _is_email(referrer_email):
        errors["referrer_email"] = (
            "Enter an email address in the correct format, like name@example.com"
        )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        reference = reference_issue(prefix="MASH", kind="contact")
        resolved: list[tuple[Person, bool]] = []
        seen: set[uuid.UUID] = set()
        for details in children:
            person, new = _child_resolve(by=by, details=details)
            if person.pk not in seen:
                seen.add(person.pk)
                resolved.append((person, new))
        previous = (
            ContactChild.objects.filter(
                person_id__in=seen,
                contact__received_at__gte=received_at - RE_REFERRAL_WINDOW,
                contact__received_at__lt=received_at,
            )
            .values("contact_id")
            .distinct()
            .count()
        )
        contact = Contact.objects.create(
            reference=reference,
            received_at=received_at,
            submitted_via=via,
            referrer=by,
            referrer_agency_id=agency_id,
            referrer_name=referrer_name,
            referrer_role=referrer_role,
            referrer_phone=referrer_phone,
            referrer_email=referrer_email,
            categories=categories,
            cin_codes=sorted({concern_categories.cin_code(c) for c in categories}),
            what_happened=what_happened,
            happened_on=happened_on,
            child_voice=child_voice,
            immediate_danger=bool(immediate_danger),
            family_knows=family_knows,
            consent=consent,
            no_consent_reason=no_consent_reason,
            others_involved=others_involved,
            decision_due_at=decision_due(received_at),
            is_re_referral=previous > 0,
            previous_contacts=previous,
            received_in_office_hours=in_office_hours(received_at),
        )
        ContactChild.objects.bulk_create(
            [ContactChild(contact=contact, person=p, newly_recorded=new) for p, new in resolved]
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type="contact",
            object_id=contact.reference,
            changes={
                "children": [str(p.pk) for p, _ in resolved],
                "categories": categories,
                "immediate_danger": contact.immediate_danger,
                "consent": consent,
                "no_consent_reason": no_consent_reason,
                "via": via,
                "re_referral": contact.is_re_referral,
            },
        )
        labels = ", ".join(concern_categories.labels(categories))
        for person, _new in resolved:
            chronology_add(
                by=by,
                person=person,
                occurred_at=received_at,
                category=ChronologyEvent.Category.CONTACT,
                title=f"Concern reported to the Multi-Agency Safeguarding Hub (MASH) by {by.agency} ({reference})",
                detail=f"About: {labels}."
                + (
                    " Re-referral: contact in the last 12 months." if contact.is_re_referral else ""
                ),
                source_type="frontdoor.contact",
                source_id=str(contact.pk),
            )
            for agency in _mash_agencies():
                access_grant_create(
                    by=by,
                    person=person,
                    kind=AccessGrant.Kind.MASH_CONTACT,
                    purpose=f"Named in contact {reference}, which the Multi-Agency Safeguarding Hub (MASH) is triaging",
                    ends_at=now + dt.timedelta(days=MASH_GRANT_DAYS),
                    agency_id=agency.pk,
                    source_reference=reference,
                )
        ContactDraft.objects.filter(user=by).delete()
        if send_receipt:
            _send(
                kind="frontdoor.contact_receipt",
                subject=f"Concern received: {reference}",
                body=contact_receipt_text(contact),
                to=referrer_email,
                about="contact",
                reference=reference,
                summary=f"Receipt for concern {reference}",
            )
    return contact


def contact_draft_save(*, by: User, data: dict[str, Any]) -> ContactDraft:
    """Keep what the user has answered so far; a lost connection or time-out loses nothing."""
    if not can_report_concern(by):
        raise AccessDenied("You cannot report a concern.")
    draft, _ = ContactDraft.objects.update_or_create(user=by, defaults={"data": data})
    return draft


def contact_draft_discard(*, by: User) -> None:
    """Throw away the user's draft (they chose to start again)."""
    ContactDraft.objects.filter(user=by).delete()


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
            object_type="information_request",
            object_id=request.pk,
            changes={"contact": contact.reference, "agency": agency.name},
        )
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
            object_type="information_request",
            object_id=request.pk,
            changes={"answered": {"before": bool(before), "after": True}},
        )
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
        object_type="contact",
        object_id=contact.reference,
        changes={"referrer_told": True, "status": ContactStatus.DECIDED},
    )
    _early_help_open(by=by, contact=contact, decision=decision, error_field=error_field)


def _early_help_open(
    *, by: User, contact: Contact, decision: ThresholdDecision, error_field: str
) -> None:
    """Start early help in the decision's own transaction, or refuse the decision.

    A decision that says "early help assessment" and no early help episode would
    leave the family with nobody to act on it, so the two commit together or not
    at all: if the episode cannot be opened, the decision fails with the reason.
    """
    if decision.outcome != Outcome.EARLY_HELP_ASSESSMENT:
        return
    # The decision's hand-off: imported here, where the early help app is the next step.
    from safeguard.earlyhelp.services import early_help_episode_open

    try:
        early_help_episode_open(
            by=by,
            children=list(contact.children.all()),
            source_reference=contact.reference,
            reason=decision.message_to_referrer[:500],
        )
    except (AccessDenied, ValidationError) as exc:
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
            object_type="threshold_decision",
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
            object_type="threshold_decision",
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
            object_type="threshold_decision",
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


POLICE_PREFIX = "POL"


def police_receipt_text(form: PoliceForm) -> str:
    """The receipt a partner gets for a police form."""
    return (
        f"North Yorkshire Police have received your form: {form.get_kind_display()}.\n\n"
        f"Reference number: {form.reference}\n"
        f"Received: {timezone.localtime(form.received_at):%-d %B %Y %H:%M}\n\n"
        "This is dealt with like a 101 call. In an emergency, call 999.\n"
    )


def police_form_submit(
    *,
    by: User,
    kind: str,
    subject_name: str,
    subject_date_of_birth: dt.date | None,
    location: str,
    details: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    answers: dict[str, Any] | None = None,
    related_reference: str = "",
    via: str = Submission.WEB,
    received_at: dt.datetime | None = None,
    send_receipt: bool = True,
) -> PoliceForm:
    """Send the police a partner form; it returns a reference at once and a receipt by email."""
    if not can_submit_police_form(by) or by.agency_id is None:
        raise AccessDenied("You cannot send police forms.")
    agency_id: int = by.agency_id
    errors: dict[str, str] = {}
    if kind not in PoliceFormKind.values:
        errors["kind"] = "Select which form you are sending"
    subject_name = _text(
        subject_name, name="subject_name", label="the person's name", errors=errors, max_length=200
    )
    location = _text(
        location, name="location", label="where", errors=errors, required=False, max_length=500
    )
    details = _text(details, name="details", label="the details", errors=errors)
    contact_name = _text(
        contact_name, name="contact_name", label="your name", errors=errors, max_length=200
    )
    contact_email = _text(
        contact_email,
        name="contact_email",
        label="your email address",
        errors=errors,
        max_length=254,
    )
    if contact_email and not _is_email(contact_email):
        errors["contact_email"] = (
            "Enter an email address in the correct format, like name@example.com"
        )
    contact_phone = _text(
        contact_phone,
        name="contact_phone",
        label="your phone number",
        errors=errors,
        required=False,
        max_length=40,
    )
    related_reference = _text(
        related_reference,
        name="related_reference",
        label="the reference",
        errors=errors,
        required=False,
        max_length=40,
    )
    if subject_date_of_birth is not None and subject_date_of_birth > timezone.localdate():
        errors["subject_date_of_birth"] = "Date of birth must be today or in the past"
    clean_answers: dict[str, str] = {}
    for key, value in (answers or {}).items():
        text = str(value or "").replace("\x00", "").strip()
        if len(text) > MAX_TEXT:
            errors[str(key)] = f"Answers must be {MAX_TEXT:,} characters or fewer"
        clean_answers[str(key)[:60]] = text
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        form = PoliceForm.objects.create(
            reference=reference_issue(prefix=POLICE_PREFIX, kind=f"police_{kind}"),
            kind=kind,
            received_at=received_at or timezone.now(),
            submitted_via=via,
            submitted_by=by,
            agency_id=agency_id,
            contact_name=contact_name,
            contact_phone=contact_phone,
            contact_email=contact_email,
            subject_name=subject_name,
            subject_date_of_birth=subject_date_of_birth,
            location=location,
            details=details,
            answers=clean_answers,
            related_reference=related_reference,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type="police_form",
            object_id=form.reference,
            changes={"kind": kind, "via": via},
        )
        if send_receipt:
            _send(
                kind="frontdoor.police_form_receipt",
                subject=f"Police form received: {form.reference}",
                body=police_receipt_text(form),
                to=contact_email,
                about="police_form",
                reference=form.reference,
                summary=f"Receipt for police form {form.reference}",
            )
    return form


def police_form_acknowledge(*, by: User, form: PoliceForm) -> PoliceForm:
    """A police user picks up a form from the queue."""
    from .rules import can_see_intelligence

    allowed = can_see_intelligence(by) if form.is_intelligence else can_see_police_queue(by)
    if not allowed:
        raise AccessDenied("You cannot work this queue.")
    with transaction.atomic():
        form.status = PoliceFormStatus.ACKNOWLEDGED
        form.save(update_fields=["status"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type="police_form",
            object_id=form.reference,
            changes={"status": PoliceFormStatus.ACKNOWLEDGED},
        )
    return form


def police_intelligence_user_set(*, by: User | None, user: User, enabled: bool) -> None:
    """Flag (or unflag) a police user as working the partner intelligence queue."""
    from safeguard.core.models import AgencyKind

    if enabled and (user.agency is None or user.agency.kind != AgencyKind.POLICE):
        raise ValidationError({"user": "Only police users can work the intelligence queue"})
    with transaction.atomic():
        if enabled:
            PoliceIntelligenceUser.objects.get_or_create(user=user, defaults={"granted_by": by})
        else:
            PoliceIntelligenceUser.objects.filter(user=user).delete()
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type="police_intelligence_user",
            object_id=user.pk,
            changes={"enabled": enabled},
        )
