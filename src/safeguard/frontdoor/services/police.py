"""Police partner forms: submitted by any agency, acknowledged by the police, intelligence users."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.forms import MAX_TEXT
from safeguard.core.models import Agency, AgencyKind, AuditAction, Team, TeamPurpose
from safeguard.core.references import reference_issue
from safeguard.people.access import AccessDenied
from safeguard.work.models import Priority, WorkKind
from safeguard.work.services import (
    deadline_for,
    team_for_purpose,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from ..events import FrontdoorEvent
from ..models import (
    PoliceForm,
    PoliceFormKind,
    PoliceFormStatus,
    PoliceIntelligenceUser,
    Submission,
)
from ..rules import (
    can_see_police_queue,
    can_submit_police_form,
)
from ..selectors import URGENT_KINDS
from ._common import _is_email, _send, _text

if TYPE_CHECKING:
    from safeguard.core.models import User

POLICE_PREFIX = "POL"
POLICE_FORM_SUBJECT = "frontdoor.police_form"


def police_receipt_text(form: PoliceForm) -> str:
    """The receipt a partner gets for a police form: what happens next, and 999 in an emergency."""
    return (
        f"North Yorkshire Police have received your form: {form.get_kind_display()}.\n\n"
        f"Reference number: {form.reference}\n"
        f"Received: {timezone.localtime(form.received_at):%-d %B %Y %H:%M}\n\n"
        f"{police_next_steps(form)}\n\n"
        "This form is not for emergencies. If someone is in danger now, or a crime is "
        "happening, call 999.\n"
    )


def police_next_steps(form: PoliceForm) -> str:
    """What happens next to a form, in plain words (the receipt and the page after sending)."""
    if form.is_intelligence:
        return (
            "The police intelligence unit will read it and decide what to do with it. "
            "They will contact you if they need to know more."
        )
    if form.kind == PoliceFormKind.MISSING_PERSON:
        return (
            "The police safeguarding hub treats a person missing now as urgent: an officer "
            "will act on it within the hour, day or night, and contact you."
        )
    return (
        "The police safeguarding hub will read it and act on it by the end of the next "
        "working day. They will contact you if they need to know more."
    )


# A person reported missing now is the one form that cannot wait for office hours.
URGENT_FORMS = frozenset(URGENT_KINDS)


def _police_team(form: PoliceForm) -> Team | None:
    """The police team that acts on a form: the intelligence unit for intelligence, else the hub."""
    if form.is_intelligence:
        team = team_for_purpose(TeamPurpose.POLICE_INTELLIGENCE)
        if team is not None:
            return team
    team = team_for_purpose(TeamPurpose.POLICE_SAFEGUARDING)
    if team is not None:
        return team
    police = Agency.objects.filter(kind=AgencyKind.POLICE, active=True).order_by("pk").first()
    return team_receiving_for(police) if police is not None else None


def police_form_work_create(*, by: User, form: PoliceForm, notify: bool = True) -> None:
    """Put a form in the police team's queue: a person missing now at once, others next working day."""
    team = _police_team(form)
    if team is None:
        return
    urgent = form.kind in URGENT_FORMS
    deadline = deadline_for("action_police_form_urgent" if urgent else "action_police_form")
    work_item_create(
        by=by,
        team=team,
        kind=WorkKind.ACTION_POLICE_FORM,
        title=f"Form from {form.agency.name}: {form.get_kind_display()}",
        subject_type=POLICE_FORM_SUBJECT,
        subject_id=form.pk,
        subject_url=reverse("frontdoor:police-form-detail", args=[form.reference]),
        subject_label=f"Police form {form.reference}",
        deadline=deadline,
        due_at=deadline.from_moment(form.received_at),
        priority=Priority.IMMEDIATE if urgent else Priority.STANDARD,
        notify=notify,
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
            object_type=FrontdoorEvent.POLICE_FORM,
            object_id=form.reference,
            changes={"kind": kind, "via": via},
        )
        police_form_work_create(by=by, form=form)
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
    from ..rules import can_see_intelligence

    allowed = can_see_intelligence(by) if form.is_intelligence else can_see_police_queue(by)
    if not allowed:
        raise AccessDenied("You cannot work this queue.")
    with transaction.atomic():
        form.status = PoliceFormStatus.ACKNOWLEDGED
        form.save(update_fields=["status"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=FrontdoorEvent.POLICE_FORM,
            object_id=form.reference,
            changes={"status": PoliceFormStatus.ACKNOWLEDGED},
        )
        work_items_close_for(
            by=by,
            subject_type=POLICE_FORM_SUBJECT,
            subject_id=form.pk,
            kinds=(WorkKind.ACTION_POLICE_FORM,),
            outcome=f"Actioned by {by}",
        )
    return form


def police_intelligence_user_set(*, by: User | None, user: User, enabled: bool) -> None:
    """Flag (or unflag) a police user as working the partner intelligence queue."""
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
            object_type=FrontdoorEvent.POLICE_INTELLIGENCE_USER,
            object_id=user.pk,
            changes={"enabled": enabled},
        )
