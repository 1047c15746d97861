"""Contacts: a concern reported to the Multi-Agency Safeguarding Hub (MASH), its children and drafts.

Contacts reach the MASH from the "Report a concern" pages and the partner API
through :func:`contact_submit`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.models import AuditAction
from safeguard.core.references import reference_issue
from safeguard.people.access import AccessDenied, access_grant_create, can_view_person
from safeguard.people.events import PeopleEvent
from safeguard.people.identifiers import (
    is_valid_nhs_number,
    is_valid_postcode,
    normalise_nhs_number,
    normalise_postcode,
)
from safeguard.people.models import AccessGrant, Address, ChronologyEvent, Person, Sex
from safeguard.people.services import chronology_add
from safeguard.records.services import possible_match_open

from .. import categories as concern_categories
from ..events import FrontdoorEvent
from ..hours import EMERGENCY_DUTY_TEAM_PHONE, in_office_hours
from ..models import (
    VOICE_LABELS,
    Consent,
    Contact,
    ContactChild,
    ContactDraft,
    NoConsentReason,
    Submission,
    Urgency,
    VoiceApproach,
)
from ..rules import (
    can_report_concern,
)
from ._common import _is_email, _mash_agencies, _send, _text
from .mash_work import contact_deadline, contact_work_create, urgency_for

if TYPE_CHECKING:
    from safeguard.core.models import User

MASH_GRANT_DAYS = 30


RE_REFERRAL_WINDOW = dt.timedelta(days=365)


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
    """A possible match: the same NHS number, or one exact name and date-of-birth match.

    A match is only ever a candidate: :func:`_child_resolve` decides whether the
    reporter may be linked to it.
    """
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


def _same_name(reported: str, recorded: str) -> bool:
    return " ".join(reported.split()).casefold() == " ".join(recorded.split()).casefold()


def _details_agree(details: ChildDetails, person: Person) -> bool:
    """Whether what the reporter typed agrees with the record: both names, and the birth date."""
    if not _same_name(details.given_name, person.given_name):
        return False
    if not _same_name(details.family_name, person.family_name):
        return False
    return (
        details.date_of_birth is None
        or person.date_of_birth is None
        or details.date_of_birth == person.date_of_birth
    )


@dataclass(frozen=True)
class _ResolvedChild:
    """A named child's record, what the reporter said about them and any match for the MASH."""

    person: Person
    new: bool
    reported: ChildDetails
    possible_match: Person | None = None


def _child_resolve(*, by: User, details: ChildDetails, reference: str) -> _ResolvedChild:
    """The record for a named child: the chosen one, a matching one, or a new one.

    An identifier or name match links the concern to an existing record only when
    the reporter may see that record and the name and date of birth agree ("NHS
    number to name", issue 10). Otherwise the concern goes on a new record made from
    the reporter's words and the MASH is asked whether the two are the same child.
    """
    if details.person_id is not None:
        person = Person.objects.filter(pk=details.person_id).first()
        if person is None or not can_view_person(by, person):
            raise AccessDenied("You cannot name that record.")
        seen_as = ChildDetails(
            person_id=person.pk,
            given_name=person.given_name,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
        )
        return _ResolvedChild(person=person, new=False, reported=seen_as)
    existing = _match_existing(details)
    if existing is not None and _details_agree(details, existing) and can_view_person(by, existing):
        return _ResolvedChild(person=existing, new=False, reported=details)
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
        object_type=PeopleEvent.PERSON,
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
    if existing is not None:
        possible_match_open(
            by=by, person=existing, candidate=person, source=f"frontdoor.contact:{reference}"
        )
    return _ResolvedChild(person=person, new=True, reported=details, possible_match=existing)


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
    child_voice_approach: str = VoiceApproach.WORDS,
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
    urgency: Urgency | None = None,
) -> Contact:
    """Record a concern, link its children, start its clock, give the MASH the work, send a receipt.

    ``urgency`` sets the contact's clock when the sender knows better than the reporter's
    "immediate danger" answer (an exploitation screening's significant incident is urgent).
    """
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
    if child_voice_approach not in VoiceApproach.values:
        child_voice_approach = VoiceApproach.WORDS
    child_voice = _text(
        child_voice,
        name="child_voice",
        label=VOICE_LABELS[child_voice_approach][0].lower()
        + VOICE_LABELS[child_voice_approach][1:],
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

    if immediate_danger or urgency is None:
        urgency = urgency_for(immediate_danger=bool(immediate_danger))
    with transaction.atomic():
        reference = reference_issue(prefix="MASH", kind="contact")
        resolved: list[_ResolvedChild] = []
        seen: set[uuid.UUID] = set()
        for details in children:
            child = _child_resolve(by=by, details=details, reference=reference)
            if child.person.pk not in seen:
                seen.add(child.person.pk)
                resolved.append(child)
        # The MASH counts earlier contacts about a possible match too (it sees both).
        matches = {c.possible_match.pk for c in resolved if c.possible_match is not None}
        previous = (
            ContactChild.objects.filter(
                person_id__in=seen | matches,
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
            child_voice_approach=child_voice_approach,
            immediate_danger=bool(immediate_danger),
            urgency=urgency,
            family_knows=family_knows,
            consent=consent,
            no_consent_reason=no_consent_reason,
            others_involved=others_involved,
            decision_due_at=contact_deadline(received_at, urgency),
            is_re_referral=previous > 0,
            previous_contacts=previous,
            received_in_office_hours=in_office_hours(received_at),
        )
        ContactChild.objects.bulk_create(
            [
                ContactChild(
                    contact=contact,
                    person=c.person,
                    newly_recorded=c.new,
                    reported_given_name=c.reported.given_name.strip(),
                    reported_family_name=c.reported.family_name.strip(),
                    reported_date_of_birth=c.reported.date_of_birth,
                )
                for c in resolved
            ]
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=FrontdoorEvent.CONTACT,
            object_id=contact.reference,
            changes={
                "children": [str(c.person.pk) for c in resolved],
                "possible_matches": sorted(str(pk) for pk in matches),
                "categories": categories,
                "immediate_danger": contact.immediate_danger,
                "consent": consent,
                "no_consent_reason": no_consent_reason,
                "via": via,
                "re_referral": contact.is_re_referral,
            },
        )
        labels = ", ".join(concern_categories.labels(categories))
        for person in (c.person for c in resolved):
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
        contact_work_create(by=by, contact=contact)
        if via not in (Submission.EARLY_HELP, Submission.SCREENING):  # leave their own draft
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
