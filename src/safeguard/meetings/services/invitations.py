"""Invitations: agencies and named people invited (by email, with a calendar file), their answers, attendance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import Forbidden
from safeguard.core.models import Agency, AuditAction
from safeguard.core.outbox import outbox_enqueue
from safeguard.work.services import (
    team_receiving_for,
)

from ..events import MeetingEvent
from ..models import (
    AgendaItem,
    Attendance,
    Invitation,
    Meeting,
    Response,
)

if TYPE_CHECKING:
    from safeguard.core.models import User
from .base import (
    _check_people,
    _invalid,
    _require_chair,
    _require_open,
    _site,
    _uk,
)

# --- Invitations -----------------------------------------------------------------------------


def _agency_addresses(agency: Agency) -> list[str]:
    team = team_receiving_for(agency)
    if team.email:
        return [team.email]
    return list(
        team.members.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    )


def _invite(
    *,
    by: User,
    meeting: Meeting,
    agency: Agency,
    person: User | None = None,
    items: Iterable[AgendaItem] = (),
) -> Invitation:
    invitation = Invitation.objects.create(meeting=meeting, agency=agency, person=person)
    items = list(items)
    if items:
        invitation.items.set(items)
    recipients = [person.email] if person is not None and person.email else []
    if person is None:
        recipients = _agency_addresses(agency)
    link = _site(reverse("meetings:detail", args=[meeting.reference]))
    outbox_enqueue(
        kind="meeting_invitation",
        recipients=recipients,
        subject=f"Invitation: {meeting.kind.name}, {_uk(meeting.starts_at)}",
        body=(
            f"{agency.name} is invited to a {meeting.kind.name.lower()}.\n\n"
            f"When: {_uk(meeting.starts_at)} (UK time)\n"
            f"Where: {meeting.location or 'see the meeting page'}\n"
            f"Reference: {meeting.reference}\n\n"
            f"Say whether you are coming, and download the calendar file: {link}\n"
        ),
        summary=f"Invitation to {meeting.reference} for {agency.name}",
        related_type=str(MeetingEvent.MEETING_INVITATION),
        related_id=invitation.pk,
    )
    return invitation


@transaction.atomic
def invitation_add(
    *,
    by: User,
    meeting: Meeting,
    agency: Agency | None = None,
    person: User | None = None,
    items: Iterable[AgendaItem] = (),
) -> Invitation:
    """Invite an agency, or a named person, to the meeting or to some of its items only."""
    _require_chair(by, meeting)
    _require_open(meeting)
    if person is not None:
        _check_people([person])
        agency = person.agency
        if Invitation.objects.filter(meeting=meeting, person=person).exists():
            raise _invalid("This person is already invited", field="person")
    elif agency is None:
        raise _invalid("Select an agency or a person to invite", field="agency")
    elif Invitation.objects.filter(meeting=meeting, agency=agency, person__isnull=True).exists():
        raise _invalid(f"{agency.name} is already invited", field="agency")
    items = list(items)
    if any(item.meeting_id != meeting.pk for item in items):
        raise _invalid("Choose items from this meeting", field="items")
    assert agency is not None  # noqa: S101 - narrowed above
    invitation = _invite(by=by, meeting=meeting, agency=agency, person=person, items=items)
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=MeetingEvent.MEETING_INVITATION,
        object_id=invitation.pk,
        changes={
            "meeting": meeting.reference,
            "agency": agency.slug,
            "person": getattr(person, "username", None),
            "items": [i.pk for i in items] or "all",
        },
    )
    return invitation


@transaction.atomic
def invitation_respond(
    *, by: User, invitation: Invitation, response: str, substitute_name: str = ""
) -> Invitation:
    """The invited person, or someone in the invited agency, says whether they are coming."""
    own = invitation.person_id == by.pk or (
        invitation.person_id is None and invitation.agency_id == by.agency_id
    )
    if not by.is_active or not own:
        raise Forbidden("Only the invited agency or person can answer this invitation.")
    _require_open(invitation.meeting)
    if response not in (Response.CONFIRMED, Response.APOLOGIES, Response.SUBSTITUTE):
        raise _invalid("Select whether you are coming", field="response")
    substitute_name = substitute_name.strip()
    if response == Response.SUBSTITUTE and not substitute_name:
        raise _invalid("Enter the name of the person coming instead", field="substitute_name")
    invitation.response = response
    invitation.substitute_name = substitute_name if response == Response.SUBSTITUTE else ""
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "substitute_name", "responded_at"])
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=MeetingEvent.MEETING_INVITATION,
        object_id=invitation.pk,
        changes={"response": response, "substitute": invitation.substitute_name},
    )
    return invitation


@transaction.atomic
def attendance_record(
    *, by: User, meeting: Meeting, attendance: Mapping[int, str]
) -> list[Invitation]:
    """The chair records, for each invitation, whether the agency came."""
    _require_chair(by, meeting)
    _require_open(meeting)
    invitations = {i.pk: i for i in meeting.invitations.select_related("agency")}
    changed = []
    for pk, value in attendance.items():
        invitation = invitations.get(int(pk))
        if invitation is None:
            continue
        if value not in Attendance.values:
            raise _invalid(f"Select whether {invitation.agency.name} came", field=f"i{pk}")
        if invitation.attendance != value:
            invitation.attendance = value
            invitation.save(update_fields=["attendance"])
            changed.append(invitation)
    if changed:
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=MeetingEvent.MEETING,
            object_id=meeting.reference,
            changes={"attendance": {i.agency.slug: i.attendance for i in changed}},
        )
    return changed


def _tell_invitees(*, meeting: Meeting, kind: str, subject: str, body: str) -> int:
    """Email every invited agency and named person about a change (through the outbox)."""
    told = 0
    for invitation in meeting.invitations.select_related("agency", "person"):
        if invitation.person is not None:
            recipients = [invitation.person.email] if invitation.person.email else []
        else:
            recipients = _agency_addresses(invitation.agency)
        if not recipients:
            continue
        outbox_enqueue(
            kind=kind,
            recipients=recipients,
            subject=subject,
            body=body,
            summary=f"{subject} for {invitation.agency.name}",
            related_type=str(MeetingEvent.MEETING),
            related_id=meeting.reference,
        )
        told += 1
    return told
