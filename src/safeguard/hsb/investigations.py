"""Long police investigations (learning point 7) and strategy meetings about a concern.

Each investigation has its start, status and officer. While it is open, the team
working with the child is prompted (a work item) to review the family's support
every 4 weeks: :func:`investigation_reviews_prompt` runs from ``safeguard hsb_sweep``
beside the work sweep. The police's requests to partners are work items in the
partner's receiving team, and each answer is timed against its deadline. Strategy
meetings are the meetings app's; their outcomes reach every invited agency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.clock import UK
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import Agency, AgencyKind, AuditAction, TeamPurpose
from safeguard.meetings import services as meetings
from safeguard.meetings.kinds import kind as meeting_kind
from safeguard.meetings.models import ItemKind, Meeting
from safeguard.people.models import Person
from safeguard.work.models import Priority, WorkItem, WorkKind
from safeguard.work.services import (
    team_for_purpose,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from . import chronology
from .events import HsbEvent
from .models import (
    OPEN_INVESTIGATION,
    Concern,
    Investigation,
    InvestigationStatus,
    Pathway,
    PathwayStatus,
    PoliceRequest,
    Role,
    StrategyMeeting,
    SupportReview,
)
from .rules import can_view_child
from .services import concern_url, deadline

if TYPE_CHECKING:
    from safeguard.core.models import Team, User

REVIEW_EVERY = dt.timedelta(weeks=4)
LONG_INVESTIGATION = dt.timedelta(days=91)  # "open over 3 months"


def _invalid(message: str, *, field: str | None = None) -> InvalidRequest:
    return InvalidRequest(message, errors={field: message} if field else None)


def investigation_url(investigation: Investigation) -> str:
    """The investigation's page."""
    return reverse("hsb:investigation", kwargs={"investigation_id": investigation.pk})


def _is_police(user: User) -> bool:
    return user.agency is not None and user.agency.kind == AgencyKind.POLICE


def investigation_record(
    *,
    by: User,
    concern: Concern,
    person: Person,
    crime_reference: str,
    started_on: dt.date,
    officer: User,
) -> Investigation:
    """The police record an investigation arising from a concern: start, officer, status open."""
    if not _is_police(by) or not can_view_child(by, person):
        raise Forbidden("Only the police record an investigation, about a child they can see.")
    errors: dict[str, str] = {}
    if not concern.children.filter(person=person).exists():
        errors["person"] = "Select a child named in the concern"
    if not crime_reference.strip():
        errors["crime_reference"] = "Enter the crime reference"
    if started_on > timezone.localdate():
        errors["started_on"] = "The date the investigation started must be today or in the past"
    if officer.agency_id != by.agency_id or not officer.is_active:
        errors["officer"] = "Choose an officer in your force"
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        investigation = Investigation.objects.create(
            concern=concern,
            person=person,
            crime_reference=crime_reference.strip(),
            started_on=started_on,
            officer=officer,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=HsbEvent.HSB_INVESTIGATION,
            object_id=investigation.pk,
            person_id=person.pk,
            changes={"concern": concern.reference, "officer": officer.username},
        )
        chronology.investigation_started(by=by, investigation=investigation)
    return investigation


def investigation_status_set(
    *, by: User, investigation: Investigation, status: str, on: dt.date | None = None
) -> Investigation:
    """The police change an investigation's status (closing it stops the review prompts)."""
    if by.agency_id != investigation.officer.agency_id:
        raise Forbidden("Only the force investigating changes its status.")
    if status not in InvestigationStatus.values:
        raise _invalid("Select the investigation's status", field="status")
    on = on or timezone.localdate()
    with transaction.atomic():
        before = investigation.status
        investigation.status = status
        investigation.closed_on = None if status in OPEN_INVESTIGATION else on
        investigation.save(update_fields=["status", "closed_on"])
        if status not in OPEN_INVESTIGATION:
            if before in OPEN_INVESTIGATION:
                chronology.investigation_closed(by=by, investigation=investigation)
            work_items_close_for(
                by=by,
                subject_type=HsbEvent.HSB_INVESTIGATION,
                subject_id=investigation.pk,
                kinds=(WorkKind.HSB_REVIEW_SUPPORT,),
                outcome="The investigation closed",
                cancel=True,
            )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=HsbEvent.HSB_INVESTIGATION,
            object_id=investigation.pk,
            person_id=investigation.person_id,
            changes={"status": {"before": before, "after": status}},
        )
    return investigation


def _support_team(investigation: Investigation) -> tuple[Team, User | None]:
    """The team supporting the child (the open pathway's), and the keyworker, if any."""
    pathway = (
        Pathway.objects.filter(person_id=investigation.person_id)
        .exclude(status=PathwayStatus.CLOSED)
        .select_related("team", "involvement__lead_practitioner")
        .order_by("role")  # "harmed" before "harming": the child harmed's support first
        .first()
    )
    if pathway is not None:
        lead = pathway.involvement.lead_practitioner if pathway.involvement else None
        return pathway.team, lead
    team = team_for_purpose(TeamPurpose.HARMFUL_SEXUAL_BEHAVIOUR) or team_for_purpose(
        TeamPurpose.MASH
    )
    if team is None and investigation.officer.agency is not None:
        team = team_receiving_for(investigation.officer.agency)
    if team is None:
        raise InvalidRequest("There is no team to prompt: set up the MASH team")
    return team, None


def last_reviewed(investigation: Investigation) -> dt.datetime:
    """When the family's support was last reviewed (the start of the investigation before then)."""
    started = dt.datetime.combine(investigation.started_on, dt.time(9, 0), tzinfo=UK)
    latest = investigation.reviews.aggregate(latest=Max("reviewed_at"))["latest"]
    return max(started, latest) if latest else started


def next_review_due(investigation: Investigation) -> dt.datetime:
    """When the next 4-weekly review of the family's support is due."""
    return last_reviewed(investigation) + REVIEW_EVERY


def investigation_reviews_prompt(*, now: dt.datetime | None = None) -> list[WorkItem]:
    """Prompt a review of the family's support for each open investigation 4 weeks since the last."""
    now = now or timezone.now()
    prompts = []
    open_items = WorkItem.objects.open().filter(kind=WorkKind.HSB_REVIEW_SUPPORT)
    with transaction.atomic():
        for investigation in Investigation.objects.filter(
            status__in=OPEN_INVESTIGATION
        ).select_related("concern", "officer__agency"):
            if next_review_due(investigation) > now:
                continue
            if open_items.filter(subject_id=str(investigation.pk)).exists():
                continue
            team, keyworker = _support_team(investigation)
            prompts.append(
                work_item_create(
                    by=None,
                    team=team,
                    kind=WorkKind.HSB_REVIEW_SUPPORT,
                    title="Review support for a family during a police investigation",
                    detail=(
                        "The investigation is still open: check the family has the support "
                        "they need, and record the review."
                    ),
                    subject_type=HsbEvent.HSB_INVESTIGATION,
                    subject_id=investigation.pk,
                    subject_url=investigation_url(investigation),
                    subject_label=investigation.concern.reference,
                    person=investigation.person,
                    deadline=deadline("hsb_review_support"),
                    assignee=keyworker,
                )
            )
    return prompts


def support_review_record(*, by: User, investigation: Investigation, support: str) -> SupportReview:
    """Record a review of the family's support; the prompt closes and the 4 weeks start again."""
    if not can_view_child(by, investigation.person):
        raise Forbidden("You cannot see this child's record.")
    if not support.strip():
        raise _invalid("Enter what support the family has and what will change", field="support")
    with transaction.atomic():
        review = SupportReview.objects.create(
            investigation=investigation, reviewed_by=by, support=support.strip()
        )
        work_items_close_for(
            by=by,
            subject_type=HsbEvent.HSB_INVESTIGATION,
            subject_id=investigation.pk,
            kinds=(WorkKind.HSB_REVIEW_SUPPORT,),
            outcome="Support reviewed",
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=HsbEvent.HSB_SUPPORT_REVIEW,
            object_id=review.pk,
            person_id=investigation.person_id,
            changes={"investigation": investigation.pk},
        )
    return review


def police_request_create(
    *, by: User, investigation: Investigation, agency: Agency, question: str, due_on: dt.date
) -> PoliceRequest:
    """The police ask a partner for information; the partner's receiving team gets the work."""
    if by.agency_id != investigation.officer.agency_id:
        raise Forbidden("Only the force investigating asks partners for information.")
    errors: dict[str, str] = {}
    if agency.pk == by.agency_id:
        errors["agency"] = "Choose a partner agency, not your own"
    if not question.strip():
        errors["question"] = "Enter what you are asking for"
    if due_on < timezone.localdate():
        errors["due_on"] = "The date the answer is needed by must be today or in the future"
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    due_at = dt.datetime.combine(due_on, dt.time(17, 0), tzinfo=UK)
    with transaction.atomic():
        request = PoliceRequest.objects.create(
            investigation=investigation,
            agency=agency,
            question=question.strip(),
            asked_by=by,
            due_at=due_at,
        )
        work_item_create(
            by=by,
            team=team_receiving_for(agency),
            kind=WorkKind.HSB_POLICE_REQUEST,
            title="Answer a police request about harmful sexual behaviour",
            detail="The police need this to move the investigation on: answer by the date.",
            subject_type=HsbEvent.HSB_POLICE_REQUEST,
            subject_id=request.pk,
            subject_url=reverse("hsb:request-answer", kwargs={"request_id": request.pk}),
            subject_label=investigation.concern.reference,
            person=investigation.person,
            due_at=due_at,
            priority=Priority.URGENT,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=HsbEvent.HSB_POLICE_REQUEST,
            object_id=request.pk,
            person_id=investigation.person_id,
            changes={"agency": agency.name, "due_at": due_at},
        )
    return request


def police_request_answer(*, by: User, request: PoliceRequest, answer: str) -> PoliceRequest:
    """The partner answers the police; the answer is timed against the deadline."""
    if by.agency_id != request.agency_id:
        raise Forbidden("Only the agency asked answers the request.")
    if request.answered_at is not None:
        raise _invalid("This request has already been answered")
    if not answer.strip():
        raise _invalid("Enter your answer", field="answer")
    with transaction.atomic():
        request.answer = answer.strip()
        request.answered_at = timezone.now()
        request.answered_by = by
        request.save(update_fields=["answer", "answered_at", "answered_by"])
        work_items_close_for(
            by=by,
            subject_type=HsbEvent.HSB_POLICE_REQUEST,
            subject_id=request.pk,
            kinds=(WorkKind.HSB_POLICE_REQUEST,),
            outcome="Answered late" if request.answered_late else "Answered on time",
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=HsbEvent.HSB_POLICE_REQUEST,
            object_id=request.pk,
            person_id=request.investigation.person_id,
            changes={"answered_late": request.answered_late},
        )
    return request


def strategy_meeting_arrange(
    *,
    by: User,
    concern: Concern,
    starts_at: dt.datetime,
    agencies: Iterable[Agency],
    location: str = "",
) -> Meeting:
    """Arrange a strategy meeting about the concern, with an agenda item for each child named.

    The meetings app invites the agencies, runs the meeting, and sends the outcome to every
    invited agency (attended or not) when the minutes are finalised.
    """
    people = {c.person_id: c.person for c in concern.children.select_related("person")}
    visible = [p for p in people.values() if can_view_child(by, p)]
    if not visible:
        raise Forbidden("You cannot see the children in this concern.")
    with transaction.atomic():
        meeting = meetings.meeting_arrange(
            by=by,
            kind=meeting_kind("strategy-meeting"),
            title=f"Strategy meeting: harmful sexual behaviour concern {concern.reference}",
            starts_at=starts_at,
            agencies=list(agencies),
            location=location,
        )
        roles: dict[Any, list[str]] = {}
        for child in concern.children.all():
            roles.setdefault(child.person_id, []).append(Role(child.role).label.lower())
        for person in visible:
            meetings.item_add(
                by=by,
                meeting=meeting,
                kind=ItemKind.CHILD,
                title=f"{concern.reference}: {' and '.join(roles[person.pk])}",
                person=person,
            )
        StrategyMeeting.objects.create(concern=concern, meeting=meeting, arranged_by=by)
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=HsbEvent.HSB_STRATEGY,
            object_id=concern.reference,
            changes={"meeting": meeting.reference, "url": concern_url(concern)},
        )
    return meeting
