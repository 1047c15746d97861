"""The MASH's own work: a contact's urgency and deadline, and the work items that carry it.

A contact's urgency sets its own deadline (``work.services.deadline_for``, which
an installation changes in ``settings.WORK_DEADLINES``):

* immediate danger: 2 hours, round the clock (``decide_contact_immediate``);
* urgent: 4 working hours (``decide_contact_urgent``);
* standard: 1 working day (``decide_contact``).

Every new contact gives the Multi-Agency Safeguarding Hub (MASH) team a "decide
what happens next" work item due at the contact's deadline. Outside office hours
an immediate-danger contact also goes to the Emergency Duty Team (EDT), which
works round the clock. Deciding (or proposing a decision) closes them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from safeguard.core.audit import audit_record
from safeguard.core.clock import in_office_hours
from safeguard.core.models import Agency, AuditAction, Team, TeamPurpose
from safeguard.people.access import AccessDenied
from safeguard.work.models import WorkItem, WorkKind
from safeguard.work.services import (
    deadline_for,
    team_for_purpose,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from ..events import FrontdoorEvent
from ..models import Contact, Urgency
from ..rules import can_triage
from ._common import _text

if TYPE_CHECKING:
    from safeguard.core.models import User

CONTACT_SUBJECT = "frontdoor.contact"

DEADLINE_KEYS = {
    Urgency.IMMEDIATE: "decide_contact_immediate",
    Urgency.URGENT: "decide_contact_urgent",
    Urgency.STANDARD: "decide_contact",
}

# The work that waits on a contact until the MASH decides.
DECISION_WORK = (WorkKind.DECIDE_CONTACT, WorkKind.REDO_DECISION)


def contact_deadline(received_at: dt.datetime, urgency: int) -> dt.datetime:
    """When the MASH must decide a contact of this urgency received at ``received_at``."""
    return deadline_for(DEADLINE_KEYS[Urgency(int(urgency))]).from_moment(received_at)


def urgency_for(*, immediate_danger: bool) -> Urgency:
    """A reporter who says the child is in immediate danger makes the contact immediate."""
    return Urgency.IMMEDIATE if immediate_danger else Urgency.STANDARD


def mash_team() -> Team | None:
    """The MASH team: the team with the MASH purpose, or the one receiving for the MASH agency."""
    team = team_for_purpose(TeamPurpose.MASH)
    if team is not None:
        return team
    agency = Agency.objects.filter(is_mash=True, active=True).order_by("pk").first()
    return team_receiving_for(agency) if agency is not None else None


def contact_url(contact: Contact) -> str:
    """The contact's triage page."""
    return reverse("frontdoor:contact", kwargs={"reference": contact.reference})


def _first_child(contact: Contact) -> object:
    return contact.children.order_by("pk").first()


def contact_work_create(*, by: User | None, contact: Contact) -> list[WorkItem]:
    """Give the MASH (and, out of hours, the EDT for immediate danger) the contact to decide.

    Call inside the service's transaction.
    """
    items: list[WorkItem] = []
    team = mash_team()
    child = _first_child(contact)
    count = contact.contact_children.count()
    title = "Decide what happens next on a contact" + (f" ({count} children)" if count > 1 else "")
    if team is not None:
        items.append(
            work_item_create(
                by=by,
                team=team,
                kind=WorkKind.DECIDE_CONTACT,
                title=title,
                subject_type=CONTACT_SUBJECT,
                subject_id=contact.reference,
                subject_url=contact_url(contact),
                subject_label=contact.reference,
                person=child,  # type: ignore[arg-type]
                due_at=contact.decision_due_at,
                priority=contact.urgency,
                detail=(
                    f"A concern reported to the Multi-Agency Safeguarding Hub (MASH) by "
                    f"{contact.referrer_agency}. {contact.get_urgency_display()}."
                ),
            )
        )
    if contact.urgency == Urgency.IMMEDIATE and not in_office_hours(contact.received_at):
        duty = team_for_purpose(TeamPurpose.EMERGENCY_DUTY)
        if duty is not None and duty != team:
            items.append(
                work_item_create(
                    by=by,
                    team=duty,
                    kind=WorkKind.DECIDE_CONTACT,
                    title="Immediate danger reported out of hours: act now",
                    subject_type=CONTACT_SUBJECT,
                    subject_id=contact.reference,
                    subject_url="",
                    subject_label=contact.reference,
                    person=child,  # type: ignore[arg-type]
                    due_at=contact.decision_due_at,
                    priority=Urgency.IMMEDIATE,
                    detail=(
                        "Reported out of office hours as immediate danger. "
                        f"Call the referrer, {contact.referrer_name} ({contact.referrer_agency}), "
                        f"on {contact.referrer_phone or contact.referrer_email}. "
                        "The MASH decides when it opens."
                    ),
                )
            )
    return items


def contact_work_close(*, by: User | None, contact: Contact, outcome: str) -> None:
    """The contact has been decided (or a decision proposed): close the work waiting on it."""
    work_items_close_for(
        by=by,
        subject_type=CONTACT_SUBJECT,
        subject_id=contact.reference,
        kinds=DECISION_WORK,
        outcome=outcome,
    )


def contact_urgency_set(*, by: User, contact: Contact, urgency: int, reason: str) -> Contact:
    """The MASH changes a contact's urgency: its deadline and its work's due moment follow."""
    if not can_triage(by):
        raise AccessDenied("Only the MASH can change a contact's urgency.")
    errors: dict[str, str] = {}
    reason = _text(reason, name="reason", label="why the urgency has changed", errors=errors)
    try:
        urgency = Urgency(int(urgency))
    except (TypeError, ValueError):
        errors["urgency"] = "Select how urgent the contact is"
    if not contact.is_open:
        errors["urgency"] = "This contact has been decided"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        before = locked.urgency
        locked.urgency = urgency
        locked.decision_due_at = contact_deadline(locked.received_at, urgency)
        locked.save(update_fields=["urgency", "decision_due_at"])
        WorkItem.objects.open().filter(
            subject_type=CONTACT_SUBJECT, subject_id=locked.reference, kind__in=DECISION_WORK
        ).update(due_at=locked.decision_due_at, priority=urgency)
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=FrontdoorEvent.CONTACT,
            object_id=locked.reference,
            changes={
                "urgency": {"before": before, "after": int(urgency)},
                "decision_due_at": locked.decision_due_at,
            },
            reason=reason,
        )
    contact.urgency = locked.urgency
    contact.decision_due_at = locked.decision_due_at
    return contact
