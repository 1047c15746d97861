"""Finalising the minutes: actions become work items, outcomes go to every invited agency."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.clock import UK
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import AuditAction, TeamMembership
from safeguard.core.outbox import outbox_enqueue
from safeguard.work.models import WorkKind
from safeguard.work.services import (
    deadline_for,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from ..events import MeetingEvent
from ..models import (
    Action,
    AgendaItem,
    Invitation,
    ItemKind,
    Meeting,
    MeetingStatus,
    OutcomeNotice,
)

if TYPE_CHECKING:
    from safeguard.core.models import Team, User
from .base import (
    ACTION_DUE_TIME,
    _require_chair,
    _require_open,
    _site,
    _uk,
)
from .invitations import _agency_addresses

# --- Finalising the minutes ------------------------------------------------------------------


def _owner_team(action: Action) -> tuple[Team, User | None]:
    """The team the action goes to, and who in it (a person owner's own team, else their agency's)."""
    if action.owner_user is not None:
        membership = (
            TeamMembership.objects.filter(user=action.owner_user, team__active=True)
            .select_related("team")
            .order_by("is_manager", "since", "pk")
            .first()
        )
        if membership is not None:
            return membership.team, action.owner_user
        assert action.owner_user.agency is not None  # noqa: S101 - checked when invited
        return team_receiving_for(action.owner_user.agency), action.owner_user
    assert action.owner_agency is not None  # noqa: S101 - checked before finalising
    return team_receiving_for(action.owner_agency), None


def _finalise_problems(meeting: Meeting, items: list[AgendaItem]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for n, item in enumerate(items, start=1):
        if item.kind == ItemKind.CHILD and not item.child_voice.strip():
            errors[f"item-{item.pk}-voice"] = (
                f"Item {n}: record the child's voice (what the child said, wants and feels)"
            )
        for action in item.actions.all():
            if action.owner_user_id is None and action.owner_agency_id is None:
                errors[f"action-{action.pk}-owner"] = f"Item {n}: choose who owns the action"
            if action.due_on is None:
                errors[f"action-{action.pk}-due"] = f"Item {n}: enter when the action is due"
    return errors


@transaction.atomic
def minutes_finalise(*, by: User, meeting: Meeting) -> Meeting:
    """Finalise the minutes: actions become work items, every invited agency gets the outcome."""
    _require_chair(by, meeting)
    _require_open(meeting)
    items = list(
        meeting.items.select_related("person").prefetch_related(
            "actions__owner_user__agency", "actions__owner_agency"
        )
    )
    problems = _finalise_problems(meeting, items)
    if problems:
        raise InvalidRequest("The minutes cannot be finalised yet", errors=problems)
    # The action links to the outcome: everyone in an invited agency may open it, whoever
    # of the agency was invited by name (the meeting page is for the invitees themselves).
    url = reverse("meetings:outcome", args=[meeting.reference])
    for item in items:
        for action in item.actions.all():
            team, assignee = _owner_team(action)
            assert action.due_on is not None  # noqa: S101 - checked above
            action.work_item = work_item_create(
                by=by,
                team=team,
                kind=WorkKind.MEETING_ACTION,
                title=f"Action from the {meeting.kind.name.lower()}"[:200],
                detail=action.description,
                person=item.person,
                subject_type=str(MeetingEvent.MEETING_ACTION),
                subject_id=action.pk,
                subject_url=url,
                subject_label=meeting.reference,
                due_at=dt.datetime.combine(action.due_on, ACTION_DUE_TIME, tzinfo=UK),
                assignee=assignee,
            )
            action.save(update_fields=["work_item"])
    _outcomes_send(by=by, meeting=meeting)
    meeting.status = MeetingStatus.FINALISED
    meeting.finalised_at = timezone.now()
    meeting.finalised_by = by
    meeting.save(update_fields=["status", "finalised_at", "finalised_by"])
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=MeetingEvent.MEETING_MINUTES,
        object_id=meeting.reference,
        changes={"status": "finalised", "items": len(items)},
    )
    return meeting


def _outcomes_send(*, by: User, meeting: Meeting) -> list[OutcomeNotice]:
    """One outcome per invited agency, attended or not: a work item and an email naming no child."""
    notices = []
    by_agency: dict[int, Invitation] = {}
    for invitation in meeting.invitations.select_related("agency", "person").order_by(
        "person_id", "pk"
    ):
        by_agency.setdefault(invitation.agency_id, invitation)
    url = reverse("meetings:outcome", args=[meeting.reference])
    deadline = deadline_for("read_outcome")
    for invitation in by_agency.values():
        agency = invitation.agency
        notice = OutcomeNotice.objects.create(meeting=meeting, invitation=invitation, agency=agency)
        notice.work_item = work_item_create(
            by=by,
            team=team_receiving_for(agency),
            kind=WorkKind.READ_OUTCOME,
            title=f"Read the outcome of the {meeting.kind.name.lower()}"[:200],
            subject_type=str(MeetingEvent.MEETING_OUTCOME),
            subject_id=notice.pk,
            subject_url=url,
            subject_label=meeting.reference,
            deadline=deadline,
            notify=False,
        )
        notice.save(update_fields=["work_item"])
        recipients = _agency_addresses(agency)
        recipients += [
            i.person.email
            for i in meeting.invitations.all()
            if i.agency_id == agency.pk and i.person is not None and i.person.email
        ]
        came = invitation.get_attendance_display().lower()
        outbox_enqueue(
            kind="meeting_outcome",
            recipients=recipients,
            subject=f"Outcome: {meeting.kind.name}, {meeting.reference}",
            body=(
                f"The minutes of the {meeting.kind.name.lower()} of {_uk(meeting.starts_at)} "
                f"are final. {agency.name}'s attendance: {came}.\n\n"
                "Read the decisions and actions for the items your agency may see: "
                f"{_site(url)}\n"
            ),
            summary=f"Outcome of {meeting.reference} for {agency.name}",
            related_type=str(MeetingEvent.MEETING_OUTCOME),
            related_id=notice.pk,
        )
        notices.append(notice)
    return notices


@transaction.atomic
def outcome_open(*, by: User, meeting: Meeting) -> OutcomeNotice | None:
    """Someone in an invited agency opens the outcome: the first opening is the receipt."""
    if by.agency_id is None:
        return None
    notice = (
        OutcomeNotice.objects.select_for_update()
        .filter(meeting=meeting, agency_id=by.agency_id)
        .first()
    )
    if notice is None:
        return None
    if notice.opened_at is None:
        notice.opened_at = timezone.now()
        notice.opened_by = by
        notice.save(update_fields=["opened_at", "opened_by"])
        work_items_close_for(
            by=by,
            subject_type=str(MeetingEvent.MEETING_OUTCOME),
            subject_id=notice.pk,
            kinds=(WorkKind.READ_OUTCOME,),
            outcome="Opened the outcome.",
        )
    audit_record(
        by=by,
        action=AuditAction.VIEW,
        object_type=MeetingEvent.MEETING_OUTCOME,
        object_id=notice.pk,
        changes={"meeting": meeting.reference},
    )
    return notice


@transaction.atomic
def minutes_export_record(*, by: User, meeting: Meeting, items: list[AgendaItem]) -> None:
    """Record that the user took the minutes away as a PDF, with the children it named."""
    audit_record(
        by=by,
        action=AuditAction.EXPORT,
        object_type=MeetingEvent.MEETING_MINUTES,
        object_id=meeting.reference,
        changes={
            "format": "pdf",
            "items": [i.pk for i in items],
            "children": [str(i.person_id) for i in items if i.person_id],
        },
    )


def user_choices_for(meeting: Meeting) -> Q:
    """Who can own an action: active people in an agency the meeting invited."""
    return Q(is_active=True, agency__in=meeting.invitations.values("agency"))
