"""Every write about meetings: arranging, schedules, invitations, agenda, minutes and outcomes.

Each service checks the permission table, changes state, writes the audit event
and queues its emails through the outbox, in one transaction. Actions become work
items when the chair finalises the minutes (so an action is checked for an owner
and a date before anyone is asked to act on it); outcomes go to every invited
agency, attended or not, as a work item in the agency's receiving team and an
email that names no child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.clock import UK, Clock, due
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import Agency, AgencyKind, AuditAction, TeamMembership
from safeguard.core.outbox import outbox_enqueue
from safeguard.core.references import reference_issue
from safeguard.people.access import can_view_person
from safeguard.work.models import WorkKind
from safeguard.work.services import (
    deadline_for,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from .events import MeetingEvent
from .models import (
    Action,
    AgendaItem,
    Attendance,
    Decision,
    Frequency,
    Invitation,
    ItemKind,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OutcomeNotice,
    Response,
    Schedule,
)
from .schedules import occurrences

if TYPE_CHECKING:
    from safeguard.core.models import Team, User
    from safeguard.people.models import Person

# Actions are due at the end of the working day they are due on (UK time).
ACTION_DUE_TIME = dt.time(17, 0)
# How far ahead a schedule makes its meetings when no end date is given.
SCHEDULE_HORIZON_DAYS = 366
MAX_SAFETY_SCALE = 10


def _invalid(message: str, *, field: str | None = None) -> InvalidRequest:
    return InvalidRequest(message, errors={field: message} if field else None)


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def meeting_url(meeting: Meeting) -> str:
    """The meeting's page."""
    return reverse("meetings:detail", args=[meeting.reference])


def _require_chair(by: User, meeting: Meeting) -> None:
    if not by.has_perm("meetings.run_meeting", meeting):
        raise Forbidden("Only the meeting's chair can change it.")


def _require_open(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise InvalidRequest("The minutes of this meeting are finalised: nothing more can change.")


def _uk(moment: dt.datetime) -> str:
    local = timezone.localtime(moment, UK)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local.strftime('%p').lower()}"


# --- Arranging meetings ----------------------------------------------------------------------


def clock_due(kind: MeetingKind, started_at: dt.datetime | None) -> dt.datetime | None:
    """When the kind's clock says the meeting must be held by, counted from ``started_at``."""
    if started_at is None or not kind.clock_starts or kind.clock_amount is None or not kind.clock:
        return None
    return due(started_at, kind.clock_amount, Clock(kind.clock))


def _missing_agency_kinds(kind: MeetingKind, agencies: Iterable[Agency]) -> list[str]:
    """Kinds of agency the meeting must invite but does not (only kinds the partnership has)."""
    invited = {a.kind for a in agencies}
    required = [k for k in kind.required_agency_kinds if k not in invited]
    existing = set(
        Agency.objects.filter(kind__in=required, active=True).values_list("kind", flat=True)
    )
    return [AgencyKind(k).label for k in required if k in existing]


def _clash(chair: User, starts_at: dt.datetime, ends_at: dt.datetime) -> Meeting | None:
    return (
        Meeting.objects.filter(chair=chair, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .first()
    )


def _meeting_make(
    *,
    by: User,
    kind: MeetingKind,
    title: str,
    starts_at: dt.datetime,
    duration_minutes: int,
    chair: User,
    location: str,
    agencies: list[Agency],
    people: list[User],
    schedule: Schedule | None = None,
    moved_from: dt.date | None = None,
    clock_started_at: dt.datetime | None = None,
) -> Meeting:
    ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
    clash = _clash(chair, starts_at, ends_at)
    if clash is not None:
        raise _invalid(
            f"The chair already has a meeting then ({clash.title}, {_uk(clash.starts_at)}). "
            "Choose another time",
            field="starts_at",
        )
    meeting = Meeting.objects.create(
        reference=reference_issue(prefix="MTG", kind="meeting"),
        kind=kind,
        schedule=schedule,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        moved_from=moved_from,
        location=location,
        chair=chair,
        clock_started_at=clock_started_at,
        due_by=clock_due(kind, clock_started_at),
        created_by=by,
    )
    for agency in dict.fromkeys(agencies):
        _invite(by=by, meeting=meeting, agency=agency)
    for person in dict.fromkeys(people):
        if person.agency is not None:  # checked by _check_people
            _invite(by=by, meeting=meeting, agency=person.agency, person=person)
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=MeetingEvent.MEETING,
        object_id=meeting.reference,
        changes={
            "kind": kind.slug,
            "starts_at": starts_at,
            "chair": chair.username,
            "agencies": sorted(a.slug for a in agencies),
            "people": sorted(p.username for p in people),
        },
    )
    return meeting


def _check_people(people: Iterable[User]) -> None:
    for person in people:
        if not person.is_active:
            raise _invalid(
                f"{person.get_full_name() or person.username}'s account is closed: "
                "invite someone else from their agency",
                field="people",
            )
        if person.agency_id is None:
            raise _invalid(
                f"{person.get_full_name() or person.username} is not in an agency", field="people"
            )


def _check_arrangement(
    *, by: User, kind: MeetingKind, title: str, chair: User, agencies: list[Agency]
) -> None:
    if not by.has_perm("meetings.arrange_meetings"):
        raise Forbidden("You cannot arrange meetings.")
    if not kind.active:
        raise _invalid("This kind of meeting is no longer held", field="kind")
    if not title.strip():
        raise _invalid("Enter a title for the meeting", field="title")
    if not chair.is_active:
        raise _invalid("The chair's account is closed: choose another chair", field="chair")
    missing = _missing_agency_kinds(kind, agencies)
    if missing:
        raise _invalid(f"A {kind.name.lower()} must invite {', '.join(missing)}", field="agencies")


@transaction.atomic
def meeting_arrange(
    *,
    by: User,
    kind: MeetingKind,
    title: str,
    starts_at: dt.datetime,
    agencies: Iterable[Agency],
    people: Iterable[User] = (),
    chair: User | None = None,
    duration_minutes: int | None = None,
    location: str = "",
    clock_started_at: dt.datetime | None = None,
) -> Meeting:
    """Arrange one meeting and invite agencies and named people (their invitations are emailed)."""
    chair = chair or by
    agencies, people = list(agencies), list(people)
    _check_arrangement(by=by, kind=kind, title=title, chair=chair, agencies=agencies)
    _check_people(people)
    if timezone.is_naive(starts_at):
        raise _invalid("Enter the time the meeting starts", field="starts_at")
    if clock_started_at is not None and clock_started_at > starts_at:
        raise _invalid(
            "The meeting cannot be before what started its clock", field="clock_started_at"
        )
    return _meeting_make(
        by=by,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes or kind.duration_minutes,
        chair=chair,
        location=location.strip(),
        agencies=agencies,
        people=people,
        clock_started_at=clock_started_at,
    )


@transaction.atomic
def schedule_create(
    *,
    by: User,
    kind: MeetingKind,
    title: str,
    weekday: int,
    start_time: dt.time,
    starts_on: dt.date,
    agencies: Iterable[Agency],
    chair: User | None = None,
    frequency: str | None = None,
    week_of_month: int | None = None,
    ends_on: dt.date | None = None,
    duration_minutes: int | None = None,
    location: str = "",
) -> Schedule:
    """Set up a recurring meeting and make its meetings (off bank holidays) up to a year ahead."""
    chair = chair or by
    agencies = list(agencies)
    frequency = frequency or kind.frequency
    if frequency not in (Frequency.WEEKLY, Frequency.MONTHLY):
        raise _invalid("A schedule repeats weekly or monthly", field="frequency")
    _check_arrangement(by=by, kind=kind, title=title, chair=chair, agencies=agencies)
    until = ends_on or starts_on + dt.timedelta(days=SCHEDULE_HORIZON_DAYS)
    if until < starts_on:
        raise _invalid("The schedule must end after it starts", field="ends_on")
    schedule = Schedule.objects.create(
        kind=kind,
        title=title.strip(),
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month,
        start_time=start_time,
        duration_minutes=duration_minutes or kind.duration_minutes,
        starts_on=starts_on,
        ends_on=ends_on,
        location=location.strip(),
        chair=chair,
        created_by=by,
    )
    schedule.agencies.set(agencies)
    for occurrence in occurrences(
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month,
        start_time=start_time,
        starts_on=starts_on,
        until=until,
    ):
        _meeting_make(
            by=by,
            kind=kind,
            title=schedule.title,
            starts_at=occurrence.starts_at,
            duration_minutes=schedule.duration_minutes,
            chair=chair,
            location=schedule.location,
            agencies=agencies,
            people=[],
            schedule=schedule,
            moved_from=occurrence.moved_from,
        )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=MeetingEvent.MEETING_SCHEDULE,
        object_id=schedule.pk,
        changes={"kind": kind.slug, "frequency": frequency, "weekday": weekday, "until": until},
    )
    return schedule


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


# --- Agenda and notes ------------------------------------------------------------------------


@transaction.atomic
def item_add(
    *,
    by: User,
    meeting: Meeting,
    kind: str,
    title: str,
    person: Person | None = None,
    supplied_by: str = "",
) -> AgendaItem:
    """Put a child, a family or a topic on the agenda (the chair must be able to see the child)."""
    _require_chair(by, meeting)
    _require_open(meeting)
    if kind not in ItemKind.values:
        raise _invalid("Select what the item is about", field="kind")
    if not title.strip():
        raise _invalid("Enter a title for the item (never a child's name)", field="title")
    if kind in (ItemKind.CHILD, ItemKind.FAMILY):
        if person is None:
            raise _invalid("Select the child the item is about", field="person")
        if not can_view_person(by, person):
            raise Forbidden("You cannot see this child's record.")
    elif person is not None:
        raise _invalid("A topic is not about one child", field="person")
    last = meeting.items.order_by("-order").values_list("order", flat=True).first() or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=last + 1,
        kind=kind,
        person=person,
        title=title.strip(),
        supplied_by=supplied_by,
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=MeetingEvent.MEETING_ITEM,
        object_id=item.pk,
        person_id=getattr(person, "pk", None),
        changes={"meeting": meeting.reference, "kind": kind},
    )
    return item


NOTE_FIELDS = (
    "discussion",
    "child_voice",
    "worried_about",
    "working_well",
    "needs_to_happen",
    "safety_scale",
)


@transaction.atomic
def item_notes_save(*, by: User, item: AgendaItem, notes: Mapping[str, Any]) -> AgendaItem:
    """Keep the chair's notes for an item (the autosave and the Save button both call this)."""
    meeting = item.meeting
    _require_chair(by, meeting)
    _require_open(meeting)
    scale = notes.get("safety_scale")
    if scale not in (None, ""):
        try:
            scale = int(scale)
        except (TypeError, ValueError):
            raise _invalid(
                "The safety scale is a number from 0 to 10", field="safety_scale"
            ) from None
        if not 0 <= scale <= MAX_SAFETY_SCALE:
            raise _invalid("The safety scale is a number from 0 to 10", field="safety_scale")
    else:
        scale = None
    changes: dict[str, Any] = {}
    for name in NOTE_FIELDS:
        if name not in notes:
            continue
        value = scale if name == "safety_scale" else str(notes[name] or "").strip()
        if getattr(item, name) != value:
            setattr(item, name, value)
            changes[name] = "changed"
    if not changes:
        return item
    item.notes_saved_at = timezone.now()
    item.notes_saved_by = by
    item.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=MeetingEvent.MEETING_ITEM,
        object_id=item.pk,
        person_id=item.person_id,
        changes=changes,
    )
    return item


@transaction.atomic
def decision_add(*, by: User, item: AgendaItem, text: str) -> Decision:
    """Record a decision on an item."""
    _require_chair(by, item.meeting)
    _require_open(item.meeting)
    if not text.strip():
        raise _invalid("Enter the decision", field="text")
    decision = Decision.objects.create(item=item, text=text.strip(), recorded_by=by)
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=MeetingEvent.MEETING_ITEM,
        object_id=item.pk,
        person_id=item.person_id,
        changes={"decision": decision.pk},
    )
    return decision


def _check_owner(owner_user: User | None, owner_agency: Agency | None) -> None:
    if owner_user is not None and owner_agency is not None:
        raise _invalid("Choose a person or an agency to own the action, not both", field="owner")
    if owner_user is not None and not owner_user.is_active:
        raise _invalid("This person's account is closed: choose another owner", field="owner")


@transaction.atomic
def action_add(
    *,
    by: User,
    item: AgendaItem,
    description: str,
    owner_user: User | None = None,
    owner_agency: Agency | None = None,
    due_on: dt.date | None = None,
) -> Action:
    """Record an action on an item; its owner and date can follow until the minutes are final."""
    _require_chair(by, item.meeting)
    _require_open(item.meeting)
    if not description.strip():
        raise _invalid("Enter what needs to be done", field="description")
    _check_owner(owner_user, owner_agency)
    action = Action.objects.create(
        item=item,
        description=description.strip(),
        owner_user=owner_user,
        owner_agency=owner_agency,
        due_on=due_on,
        recorded_by=by,
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=MeetingEvent.MEETING_ACTION,
        object_id=action.pk,
        person_id=item.person_id,
        changes={
            "owner": getattr(owner_user, "username", None) or getattr(owner_agency, "slug", None),
            "due_on": due_on,
        },
    )
    return action


@transaction.atomic
def action_update(
    *,
    by: User,
    action: Action,
    owner_user: User | None = None,
    owner_agency: Agency | None = None,
    due_on: dt.date | None = None,
) -> Action:
    """Give an action its owner and due date before the minutes are finalised."""
    _require_chair(by, action.item.meeting)
    _require_open(action.item.meeting)
    _check_owner(owner_user, owner_agency)
    action.owner_user, action.owner_agency, action.due_on = owner_user, owner_agency, due_on
    action.save(update_fields=["owner_user", "owner_agency", "due_on"])
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=MeetingEvent.MEETING_ACTION,
        object_id=action.pk,
        person_id=action.item.person_id,
        changes={
            "owner": getattr(owner_user, "username", None) or getattr(owner_agency, "slug", None),
            "due_on": due_on,
        },
    )
    return action


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
    url = meeting_url(meeting)
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
