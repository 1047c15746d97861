"""Every write of the contextual safeguarding app: one transaction each, with its audit event.

Each service checks the permission table (``contextual/rules.py``) and, for a child, the
access rule; bad input is an :class:`InvalidRequest` with a message per field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.events import AuditEventType
from safeguard.core.models import Agency, AuditAction, Team, TeamPurpose
from safeguard.core.references import reference_issue
from safeguard.core.services import access_refused_record
from safeguard.people.access import can_view_person
from safeguard.people.models import Person
from safeguard.work.models import Priority, WorkKind
from safeguard.work.services import (
    deadline_for,
    team_for_purpose,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from .events import ContextualEvent
from .grading import grade_check
from .models import (
    LINK_ENDS,
    AssessedContext,
    ConcernChild,
    ContextAssessment,
    ContextConcern,
    ContextKind,
    ContextWeighting,
    Correction,
    DisruptionAction,
    DisruptionActionChange,
    DisruptionOutcome,
    DisruptionTool,
    Link,
    LinkChange,
    LinkCorrection,
    LinkKind,
    LinkStatus,
    PeerGroup,
    PeerGroupChange,
    PersonOfConcern,
    PersonOfConcernChange,
    Phone,
    Place,
    PlaceChange,
    PlaceKind,
    TriageOutcome,
    Vehicle,
    WeightedContext,
)

if TYPE_CHECKING:
    from safeguard.core.models import User
    from safeguard.meetings.models import Meeting

CONCERN_PREFIX = "CTX"  # a concern about a context
ACTION_PREFIX = "DIS"  # a disruption action
POLICE_ONLY_REFUSAL = (
    "Intelligence notes are police only: ask the police intelligence unit if you need them"
)
POLICE_ONLY_READS_REFUSAL = (
    "Only managers in the police agency that holds the notes can see who read them"
)
LONG_TEXT = 5000


def _invalid(message: str, field: str | None = None) -> InvalidRequest:
    return InvalidRequest(message, errors={field: message} if field else None)


def _require(by: User, perm: str, message: str) -> None:
    if not by.has_perm(perm):
        raise Forbidden(message)
    if by.agency is None:
        raise Forbidden("Your account is not in an agency.")


def _text(
    value: str, field: str, message: str, *, required: bool = True, limit: int = LONG_TEXT
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _invalid(message, field)
    if len(value) > limit:
        raise _invalid(
            f"{message.split(':', maxsplit=1)[0]} must be {limit} characters or fewer", field
        )
    return value


def contextual_team() -> Team | None:
    """The team that triages concerns about contexts (the contextual safeguarding team)."""
    return team_for_purpose(TeamPurpose.CONTEXTUAL_SAFEGUARDING) or team_for_purpose(
        TeamPurpose.MASH
    )


# --- Places, persons of concern, peer groups ------------------------------------------------


def place_create(
    *,
    by: User,
    name: str,
    kind: str,
    description: str = "",
    location: str = "",
    times_of_concern: str = "",
    agencies: Iterable[Agency] = (),
) -> Place:
    """Record a place or space of concern."""
    _require(by, "contextual.record_intelligence", "You cannot record places.")
    name = _text(name, "name", "Enter the name of the place", limit=200)
    if kind not in PlaceKind.values:
        raise _invalid("Select the kind of place", "kind")
    location = location_check(location)
    with transaction.atomic():
        place = Place.objects.create(
            name=name,
            kind=kind,
            description=(description or "").strip(),
            location=location,
            times_of_concern=(times_of_concern or "").strip()[:300],
            recorded_by=by,
        )
        holders: set[int] = {a.pk for a in agencies} | {by.agency_id or 0}
        place.agencies.set(holders - {0})
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=ContextualEvent.CONTEXTUAL_PLACE,
            object_id=place.pk,
            changes={"kind": kind},
        )
    return place


def location_check(text: str) -> str:
    """A point or area as latitude, longitude pairs, one a line; an error for anything else."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    clean = []
    for line in lines:
        parts = [p.strip() for p in line.replace(";", ",").split(",")]
        try:
            lat, lon = (float(p) for p in parts)
        except ValueError:
            raise _invalid(
                "Enter each point as latitude, longitude, for example 53.9590, -1.0815", "location"
            ) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _invalid(
                "Latitude must be between -90 and 90, longitude between -180 and 180", "location"
            )
        clean.append(f"{lat:.5f}, {lon:.5f}")
    return "\n".join(clean)


def person_of_concern_create(
    *,
    by: User,
    name: str,
    aliases: str = "",
    approximate_age: str = "",
    description: str = "",
    intelligence_notes: str = "",
) -> PersonOfConcern:
    """Record an adult or young person suspected of exploiting children.

    Only police users may write the police-only intelligence notes.
    """
    _require(by, "contextual.record_intelligence", "You cannot record persons of concern.")
    name = _text(name, "name", "Enter the name the person is known by", limit=200)
    if (intelligence_notes or "").strip() and not by.has_perm("contextual.see_police_only"):
        raise _invalid(POLICE_ONLY_REFUSAL, "intelligence_notes")
    with transaction.atomic():
        person = PersonOfConcern.objects.create(
            name=name,
            aliases="\n".join(a.strip() for a in (aliases or "").splitlines() if a.strip()),
            approximate_age=(approximate_age or "").strip()[:40],
            description=(description or "").strip(),
            intelligence_notes=(intelligence_notes or "").strip(),
            recorded_by=by,
            agency=by.agency,  # type: ignore[misc]
            notes_agency=by.agency if by.has_perm("contextual.see_police_only") else None,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=ContextualEvent.CONTEXTUAL_PERSON_OF_CONCERN,
            object_id=person.pk,
            changes={"police_only": bool(person.intelligence_notes)},
        )
    return person


def _audited_look(
    *, by: User, allowed: bool, page: AuditEventType, object_id: Any, reason: str, refusal: str
) -> None:
    """Audit a look at something only some may see; refuse (audited) anyone else."""
    if not allowed:
        with transaction.atomic():
            access_refused_record(by=by, page=page, object_id=object_id, reason=reason)
        raise Forbidden(refusal)
    with transaction.atomic():
        audit_record(by=by, action=AuditAction.VIEW, object_type=page, object_id=object_id)


def police_only_read(*, by: User, person: PersonOfConcern) -> str:
    """The police-only notes, audited; another agency's request is refused and audited."""
    _audited_look(
        by=by,
        allowed=by.has_perm("contextual.see_police_only"),
        page=ContextualEvent.CONTEXTUAL_POLICE_ONLY,
        object_id=person.pk,
        reason="Police-only field requested by another agency",
        refusal=POLICE_ONLY_REFUSAL,
    )
    return person.intelligence_notes


# --- Corrections after recording -------------------------------------------------------------

REASON_MESSAGE = "Enter why you are making this change"
NOTHING_CHANGED = "Nothing has changed: change at least one answer, or go back"
NOTES = "intelligence_notes"


def _diff(
    before: dict[str, str], after: dict[str, str], labels: dict[str, str]
) -> list[dict[str, str]]:
    """One entry a field whose value changed, with both values (nothing is lost)."""
    return [
        {"field": name, "label": labels[name], "before": before[name], "after": after[name]}
        for name in labels
        if before[name] != after[name]
    ]


C = TypeVar("C", bound=Correction)


def _correction_keep(
    *,
    by: User,
    change: C,
    object_type: AuditEventType,
    object_id: Any,
    audit: dict[str, Any] | None = None,
    audit_reason: str | None = None,
    person_id: Any = None,
) -> C:
    """Save a correction (by the user, in their agency) and its ``UPDATE`` audit event.

    Call it inside the service's transaction, once the record is saved. The audit event
    names the fields and the correction; its reason is the correction's unless told.
    """
    change.by = by
    change.agency = by.agency  # type: ignore[assignment]
    change.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        changes={"fields": change.fields, "change": change.pk, **(audit or {})},
        reason=change.reason if audit_reason is None else audit_reason,
    )
    return change


PLACE_LABELS = {
    "name": "Name",
    "kind": "Kind of place",
    "location": "Where it is",
    "times_of_concern": "Times of concern",
    "description": "What is known about it",
    "agencies": "Agencies that hold information",
}


def _place_values(place: Place) -> dict[str, str]:
    return {
        "name": place.name,
        "kind": PlaceKind(place.kind).label if place.kind in PlaceKind.values else place.kind,
        "location": place.location,
        "times_of_concern": place.times_of_concern,
        "description": place.description,
        "agencies": ", ".join(sorted(a.name for a in place.agencies.all())),
    }


def place_correct(  # noqa: PLR0913 - every answer of the place, and the reason
    *,
    by: User,
    place: Place,
    name: str,
    kind: str,
    description: str = "",
    location: str = "",
    times_of_concern: str = "",
    agencies: Iterable[Agency] = (),
    reason: str,
) -> PlaceChange:
    """Correct a place after it was recorded; the change, with its reason, joins its history."""
    _require(by, "contextual.record_intelligence", "You cannot change places.")
    name = _text(name, "name", "Enter the name of the place", limit=200)
    if kind not in PlaceKind.values:
        raise _invalid("Select the kind of place", "kind")
    location = location_check(location)
    reason = _text(reason, "reason", REASON_MESSAGE)
    holders = {a.pk for a in agencies}
    with transaction.atomic():
        locked = Place.objects.select_for_update().get(pk=place.pk)
        before = _place_values(locked)
        locked.name = name
        locked.kind = kind
        locked.description = (description or "").strip()
        locked.location = location
        locked.times_of_concern = (times_of_concern or "").strip()[:300]
        locked.agencies.set(holders)
        after = _place_values(locked)
        changes = _diff(before, after, PLACE_LABELS)
        if not changes:
            raise _invalid(NOTHING_CHANGED)
        locked.save(update_fields=["name", "kind", "description", "location", "times_of_concern"])
        change = _correction_keep(
            by=by,
            change=PlaceChange(place=locked, changes=changes, reason=reason),
            object_type=ContextualEvent.CONTEXTUAL_PLACE,
            object_id=locked.pk,
        )
    return change


PERSON_LABELS = {
    "name": "Name they are known by",
    "aliases": "Other names",
    "approximate_age": "Age or age range",
    "description": "Description",
    NOTES: "Intelligence notes (police only)",
}


def _person_values(person: PersonOfConcern) -> dict[str, str]:
    return {name: getattr(person, name) for name in PERSON_LABELS}


def person_of_concern_correct(  # noqa: PLR0913 - every answer about the person, and the reason
    *,
    by: User,
    person: PersonOfConcern,
    name: str,
    aliases: str = "",
    approximate_age: str = "",
    description: str = "",
    intelligence_notes: str | None = None,
    reason: str,
) -> PersonOfConcernChange:
    """Correct a person of concern after they were recorded, with a reason.

    ``intelligence_notes`` is ``None`` to leave the police-only notes as they are; only
    police users may change them (anyone else is refused). A change that touches the notes
    is marked police only: its reason is not written to the shared audit log's reason,
    and the page shows the notes' text and the reason to police users only.
    """
    _require(by, "contextual.record_intelligence", "You cannot change persons of concern.")
    police = by.has_perm("contextual.see_police_only")
    if intelligence_notes is not None and not police:
        raise _invalid(POLICE_ONLY_REFUSAL, NOTES)
    name = _text(name, "name", "Enter the name the person is known by", limit=200)
    reason = _text(reason, "reason", REASON_MESSAGE)
    with transaction.atomic():
        locked = PersonOfConcern.objects.select_for_update().get(pk=person.pk)
        before = _person_values(locked)
        locked.name = name
        locked.aliases = "\n".join(a.strip() for a in (aliases or "").splitlines() if a.strip())
        locked.approximate_age = (approximate_age or "").strip()[:40]
        locked.description = (description or "").strip()
        if intelligence_notes is not None:
            locked.intelligence_notes = intelligence_notes.strip()
        changes = _diff(before, _person_values(locked), PERSON_LABELS)
        if not changes:
            raise _invalid(NOTHING_CHANGED)
        police_only = NOTES in {c["field"] for c in changes}
        if police_only and locked.notes_agency_id is None:
            locked.notes_agency = by.agency
        locked.save()
        change = _correction_keep(
            by=by,
            change=PersonOfConcernChange(
                person=locked, changes=changes, reason=reason, police_only=police_only
            ),
            object_type=ContextualEvent.CONTEXTUAL_PERSON_OF_CONCERN,
            object_id=locked.pk,
            audit={"police_only": police_only},
            audit_reason="" if police_only else reason,
        )
    person.refresh_from_db()
    return change


def police_only_reads_view(*, by: User, person: PersonOfConcern) -> None:
    """Audit a look at who read the police-only notes; refuse (audited) anyone else.

    Only managers in the police agency that holds the notes may see it
    (``contextual.see_police_only_reads``).
    """
    _audited_look(
        by=by,
        allowed=by.has_perm("contextual.see_police_only_reads", person),
        page=ContextualEvent.CONTEXTUAL_POLICE_ONLY_READS,
        object_id=person.pk,
        reason="Who read the police-only notes, asked by someone who is not their police manager",
        refusal=POLICE_ONLY_READS_REFUSAL,
    )


def peer_group_create(*, by: User, name: str, description: str = "") -> PeerGroup:
    """Record a peer group professionals know as a group."""
    _require(by, "contextual.record_intelligence", "You cannot record peer groups.")
    name = _text(name, "name", "Enter a name for the group", limit=200)
    with transaction.atomic():
        group = PeerGroup.objects.create(
            name=name, description=(description or "").strip(), recorded_by=by
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=ContextualEvent.CONTEXTUAL_PEER_GROUP,
            object_id=group.pk,
        )
    return group


GROUP_LABELS = {"name": "Name for the group", "description": "What is known about the group"}


def peer_group_correct(
    *, by: User, group: PeerGroup, name: str, description: str = "", reason: str
) -> PeerGroupChange:
    """Correct a peer group after it was recorded; the change, with its reason, joins its history."""
    _require(by, "contextual.record_intelligence", "You cannot change peer groups.")
    name = _text(name, "name", "Enter a name for the group", limit=200)
    reason = _text(reason, "reason", REASON_MESSAGE)
    with transaction.atomic():
        locked = PeerGroup.objects.select_for_update().get(pk=group.pk)
        before = {field: getattr(locked, field) for field in GROUP_LABELS}
        locked.name = name
        locked.description = (description or "").strip()
        changes = _diff(before, {f: getattr(locked, f) for f in GROUP_LABELS}, GROUP_LABELS)
        if not changes:
            raise _invalid(NOTHING_CHANGED)
        locked.save(update_fields=["name", "description"])
        change = _correction_keep(
            by=by,
            change=PeerGroupChange(group=locked, changes=changes, reason=reason),
            object_type=ContextualEvent.CONTEXTUAL_PEER_GROUP,
            object_id=locked.pk,
        )
    group.refresh_from_db()
    return change


# --- Links ------------------------------------------------------------------------------------

END_MESSAGES = {
    "child": "Select the child",
    "other_child": "Select the other child",
    "person": "Select the person of concern",
    "other_person": "Select the other person of concern",
    "place": "Select the place",
    "vehicle": "Enter the vehicle's registration",
    "phone": "Enter the phone number",
    "group": "Select the peer group",
}


def link_record(  # noqa: PLR0913 - one link, every part of its grading
    *,
    by: User,
    kind: str,
    summary: str,
    source_agency: Agency | None,
    known_on: dt.date | None,
    source_evaluation: str,
    assessment: str,
    handling_code: str,
    handling_conditions: str = "",
    child: Person | None = None,
    other_child: Person | None = None,
    person: PersonOfConcern | None = None,
    other_person: PersonOfConcern | None = None,
    place: Place | None = None,
    group: PeerGroup | None = None,
    vehicle_registration: str = "",
    phone_number: str = "",
) -> Link:
    """Record a graded link between two things; refused without a source or a complete grade."""
    _require(by, "contextual.record_intelligence", "You cannot record links.")
    if kind not in LINK_ENDS:
        raise _invalid("Select what the link joins", "kind")
    errors: dict[str, str] = {}
    if source_agency is None:
        errors["source_agency"] = "Select the agency the information came from"
    if known_on is None:
        errors["known_on"] = "Enter the date of the information"
    elif known_on > timezone.localdate():
        errors["known_on"] = "The date of the information must be today or in the past"
    if not (summary or "").strip():
        errors["summary"] = "Enter what is known about the link"
    try:
        grade = grade_check(
            source=source_evaluation,
            assessment=assessment,
            handling=handling_code,
            conditions=handling_conditions or "",
        )
    except InvalidRequest as exc:
        errors.update(exc.errors or {})
        grade = None
    vehicle = phone = None
    values: dict[str, Any] = {
        "child": child,
        "other_child": other_child,
        "person": person,
        "other_person": other_person,
        "place": place,
        "group": group,
    }
    first, second = LINK_ENDS[kind]
    for field in (first, second):
        if field == "vehicle":
            registration = "".join((vehicle_registration or "").upper().split())
            if not registration:
                errors["vehicle_registration"] = END_MESSAGES["vehicle"]
        elif field == "phone":
            number = "".join((phone_number or "").split())
            if not number:
                errors["phone_number"] = END_MESSAGES["phone"]
        elif values[field] is None:
            errors[field] = END_MESSAGES[field]
    for field in ("child", "other_child"):
        if (
            field in (first, second)
            and values[field] is not None
            and not can_view_person(by, values[field])
        ):
            errors[field] = "You cannot link a child whose record you cannot see"
    if kind == LinkKind.CHILD_CHILD and child is not None and child == other_child:
        errors["other_child"] = "Select two different children"
    if kind == LinkKind.PERSON_PERSON and person is not None and person == other_person:
        errors["other_person"] = "Select two different persons of concern"
    if errors or grade is None or source_agency is None or known_on is None:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        if second == "vehicle":
            vehicle = Vehicle.objects.filter(
                registration=registration
            ).first() or Vehicle.objects.create(registration=registration)
            values["vehicle"] = vehicle
        if second == "phone":
            phone = Phone.objects.filter(number=number).first() or Phone.objects.create(
                number=number
            )
            values["phone"] = phone
        link = Link.objects.create(
            kind=kind,
            child=child if "child" in (first, second) else None,
            other_child=other_child if second == "other_child" else None,
            person=person if "person" in (first, second) else None,
            other_person=other_person if second == "other_person" else None,
            place=place if second == "place" else None,
            group=group if second == "group" else None,
            vehicle=vehicle,
            phone=phone,
            summary=summary.strip()[:LONG_TEXT],
            source_agency=source_agency,
            known_on=known_on,
            source_evaluation=grade.source,
            assessment=grade.assessment,
            handling_code=grade.handling,
            handling_conditions=grade.conditions,
            rank=grade.rank,
            recorded_by=by,
        )
        for field in ("child", "other_child"):
            if values[field] is not None and field in (first, second):
                audit_record(
                    by=by,
                    action=AuditAction.CREATE,
                    object_type=ContextualEvent.CONTEXTUAL_LINK,
                    object_id=link.pk,
                    person_id=values[field].pk,
                    changes={"kind": kind, "grade": grade.code},
                )
        if first != "child":
            audit_record(
                by=by,
                action=AuditAction.CREATE,
                object_type=ContextualEvent.CONTEXTUAL_LINK,
                object_id=link.pk,
                changes={"kind": kind, "grade": grade.code},
            )
    return link


def link_status_change(*, by: User, link: Link, status: str, reason: str) -> Link:
    """Dispute, withdraw or restore a link, with a reason; it is never deleted."""
    _require(by, "contextual.record_intelligence", "You cannot change links.")
    if status not in LinkStatus.values:
        raise _invalid("Select what to do with the link", "status")
    reason = _text(reason, "reason", "Enter the reason")
    if status == link.status:
        raise _invalid(f"The link is already {link.get_status_display().lower()}", "status")
    with transaction.atomic():
        locked = Link.objects.select_for_update().get(pk=link.pk)
        before = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        LinkChange.objects.create(
            link=locked,
            status=status,
            reason=reason,
            by=by,
            agency=by.agency,  # type: ignore[misc]
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=ContextualEvent.CONTEXTUAL_LINK,
            object_id=locked.pk,
            person_id=locked.child_id,
            changes={"status": [before, status]},
            reason=reason,
        )
    return locked


LINK_LABELS = {"summary": "What is known", "known_on": "Date of the information"}


def _link_values(link: Link) -> dict[str, str]:
    return {"summary": link.summary, "known_on": f"{link.known_on:%-d %B %Y}"}


def link_correct(
    *, by: User, link: Link, summary: str, known_on: dt.date | None, reason: str
) -> LinkCorrection:
    """Correct what a link says is known, or the date of the information, with a reason.

    Its ends and its grade are not corrected: a different grade or a different end is new
    intelligence (record a new link, and withdraw this one with the reason).
    """
    _require(by, "contextual.record_intelligence", "You cannot change links.")
    errors: dict[str, str] = {}
    if not (summary or "").strip():
        errors["summary"] = "Enter what is known about the link"
    if known_on is None:
        errors["known_on"] = "Enter the date of the information"
    elif known_on > timezone.localdate():
        errors["known_on"] = "The date of the information must be today or in the past"
    if not (reason or "").strip():
        errors["reason"] = REASON_MESSAGE
    if errors or known_on is None:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    reason = _text(reason, "reason", REASON_MESSAGE)
    with transaction.atomic():
        locked = Link.objects.select_for_update().get(pk=link.pk)
        before = _link_values(locked)
        locked.summary = summary.strip()[:LONG_TEXT]
        locked.known_on = known_on
        changes = _diff(before, _link_values(locked), LINK_LABELS)
        if not changes:
            raise _invalid(NOTHING_CHANGED)
        locked.save(update_fields=["summary", "known_on"])
        change = _correction_keep(
            by=by,
            change=LinkCorrection(link=locked, changes=changes, reason=reason),
            object_type=ContextualEvent.CONTEXTUAL_LINK,
            object_id=locked.pk,
            person_id=locked.child_id,
        )
    link.refresh_from_db()
    return change


# --- Concerns about a context --------------------------------------------------------------


def concern_url(concern: ContextConcern) -> str:
    """The concern's page."""
    return reverse("contextual:concern", kwargs={"reference": concern.reference})


def context_concern_report(
    *,
    by: User,
    context_kind: str,
    what_happened: str,
    place: Place | None = None,
    group: PeerGroup | None = None,
    where: str = "",
) -> ContextConcern:
    """Report a concern about a place, peer group, school or online space (no child named).

    It gets a reference and goes to the contextual safeguarding team to triage.
    """
    _require(by, "contextual.report_context_concern", "You cannot report a concern.")
    if context_kind not in ContextKind.values:
        raise _invalid("Select what the concern is about", "context_kind")
    if place is None and group is None and not (where or "").strip():
        raise _invalid("Say where or who the concern is about: the place, group or space", "where")
    what = _text(what_happened, "what_happened", "Enter what has happened or what worries you")
    team = contextual_team()
    if team is None:
        raise _invalid(
            "The partnership has no contextual safeguarding team yet: tell the Multi-Agency Safeguarding Hub (MASH)"
        )
    with transaction.atomic():
        concern = ContextConcern.objects.create(
            reference=reference_issue(prefix=CONCERN_PREFIX, kind="context_concern"),
            context_kind=context_kind,
            place=place,
            group=group,
            where=(where or "").strip()[:300],
            what_happened=what,
            reported_by=by,
            agency=by.agency,  # type: ignore[misc]
        )
        work_item_create(
            by=by,
            team=team,
            kind=WorkKind.TRIAGE_CONTEXT_CONCERN,
            title=f"Triage a concern about {concern.get_context_kind_display().lower()}",
            detail="A concern about a context, not a named child: decide what happens next.",
            subject_type=ContextualEvent.CONTEXTUAL_CONCERN,
            subject_id=concern.reference,
            subject_url=concern_url(concern),
            subject_label=concern.reference,
            deadline=deadline_for("triage_context_concern"),
            priority=Priority.STANDARD,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=ContextualEvent.CONTEXTUAL_CONCERN,
            object_id=concern.reference,
            changes={"context_kind": context_kind},
        )
    return concern


def context_concern_triage(
    *, by: User, concern: ContextConcern, outcome: str, notes: str = ""
) -> ContextConcern:
    """The contextual safeguarding team decides what happens next; the triage item closes."""
    _require(by, "contextual.see_contexts", "You cannot triage concerns.")
    if outcome not in TriageOutcome.values:
        raise _invalid("Select what happens next", "outcome")
    if concern.triaged_at is not None:
        raise _invalid("This concern has already been triaged", "outcome")
    with transaction.atomic():
        concern.outcome = outcome
        concern.triage_notes = (notes or "").strip()
        concern.triaged_at = timezone.now()
        concern.triaged_by = by
        concern.save(update_fields=["outcome", "triage_notes", "triaged_at", "triaged_by"])
        work_items_close_for(
            by=by,
            subject_type=ContextualEvent.CONTEXTUAL_CONCERN,
            subject_id=concern.reference,
            kinds=(WorkKind.TRIAGE_CONTEXT_CONCERN,),
            outcome=TriageOutcome(outcome).label,
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=ContextualEvent.CONTEXTUAL_CONCERN,
            object_id=concern.reference,
            changes={"outcome": outcome},
        )
    return concern


def context_concern_link_child(
    *, by: User, concern: ContextConcern, person: Person | None
) -> ConcernChild:
    """Link a child to a concern about a context, once they are known."""
    _require(by, "contextual.record_intelligence", "You cannot link children to concerns.")
    if person is None:
        raise _invalid("Select the child", "child")
    if not can_view_person(by, person):
        raise _invalid("You cannot link a child whose record you cannot see", "child")
    if ConcernChild.objects.filter(concern=concern, person=person).exists():
        raise _invalid("This child is already linked to the concern", "child")
    with transaction.atomic():
        row = ConcernChild.objects.create(concern=concern, person=person, linked_by=by)
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=ContextualEvent.CONTEXTUAL_CONCERN,
            object_id=concern.reference,
            person_id=person.pk,
            changes={"child_linked": True},
        )
    return row


def context_assessment_record(
    *,
    by: User,
    context: str,
    harm: str,
    guardians: str,
    conditions: str,
    plan: str,
    strengths: str = "",
    place: Place | None = None,
    group: PeerGroup | None = None,
    concern: ContextConcern | None = None,
) -> ContextAssessment:
    """Assess one context (school, peer group or neighbourhood) on the triangle's three sides."""
    _require(by, "contextual.record_intelligence", "You cannot assess contexts.")
    if context not in AssessedContext.values:
        raise _invalid("Select the context assessed", "context")
    if place is None and group is None and concern is None:
        raise _invalid("Select the place or peer group assessed", "place")
    values = {
        "harm": _text(harm, "harm", "Enter what happens in this context"),
        "guardians": _text(
            guardians, "guardians", "Enter who has influence here and their capacity"
        ),
        "conditions": _text(conditions, "conditions", "Enter the wider conditions"),
        "plan": _text(plan, "plan", "Enter what will change, and who will change it"),
    }
    with transaction.atomic():
        assessment = ContextAssessment.objects.create(
            context=context,
            place=place,
            group=group,
            concern=concern,
            strengths=(strengths or "").strip(),
            assessed_by=by,
            agency=by.agency,  # type: ignore[misc]
            **values,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=ContextualEvent.CONTEXTUAL_ASSESSMENT,
            object_id=assessment.pk,
            changes={"context": context},
        )
    return assessment


def context_weighting_record(
    *, by: User, person: Person, first: str, why: str, then: Iterable[str] = ()
) -> ContextWeighting:
    """Which context must change first for a child to be safer (Context Weighting)."""
    if not by.has_perm("contextual.view_child_network", person):
        raise Forbidden("You cannot record context weighting for this child.")
    if first not in WeightedContext.values:
        raise _invalid("Select the context that must change first", "first")
    why = _text(why, "why", "Enter why this context must change first")
    rest = [c for c in dict.fromkeys(then) if c in WeightedContext.values and c != first]
    with transaction.atomic():
        weighting = ContextWeighting.objects.create(
            person=person, first=first, then=",".join(rest), why=why, recorded_by=by
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=ContextualEvent.CONTEXTUAL_WEIGHTING,
            object_id=weighting.pk,
            person_id=person.pk,
            changes={"first": first},
        )
    return weighting


# --- Disruption ---------------------------------------------------------------------------------


def action_url(action: DisruptionAction) -> str:
    """The action's page."""
    return reverse("contextual:action", kwargs={"reference": action.reference})


def _owner_team(agency: Agency) -> Team:
    return team_for_purpose(
        TeamPurpose.CONTEXTUAL_SAFEGUARDING, agency=agency
    ) or team_receiving_for(agency)


def disruption_action_agree(
    *,
    by: User,
    tool: str,
    description: str,
    owner_agency: Agency | None,
    due_on: dt.date | None,
    place: Place | None = None,
    person: PersonOfConcern | None = None,
    group: PeerGroup | None = None,
    meeting: Meeting | None = None,
    children_at_risk_before: int = 0,
) -> DisruptionAction:
    """Agree a disruption action; it lands in the owning agency's queue."""
    _require(by, "contextual.record_intelligence", "You cannot agree disruption actions.")
    errors: dict[str, str] = {}
    if tool not in DisruptionTool.values:
        errors["tool"] = "Select the disruption tool"
    if not (description or "").strip():
        errors["description"] = "Enter what will be done"
    if owner_agency is None:
        errors["owner_agency"] = "Select the agency that owns the action"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    if place is None and person is None and group is None:
        errors["place"] = "Select the place, person of concern or peer group the action is aimed at"
    if children_at_risk_before < 0:
        errors["children_at_risk_before"] = "The number of children must be 0 or more"
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    assert owner_agency is not None  # noqa: S101 - checked above
    assert due_on is not None  # noqa: S101 - checked above
    with transaction.atomic():
        action = DisruptionAction.objects.create(
            reference=reference_issue(prefix=ACTION_PREFIX, kind="disruption_action"),
            tool=tool,
            description=description.strip()[:LONG_TEXT],
            place=place,
            person=person,
            group=group,
            meeting=meeting,
            owner_agency=owner_agency,
            due_on=due_on,
            children_at_risk_before=children_at_risk_before,
            agreed_by=by,
        )
        work_item_create(
            by=by,
            team=_owner_team(owner_agency),
            kind=WorkKind.DISRUPTION_ACTION,
            title=f"Disruption action: {DisruptionTool(tool).label}",
            detail="Agreed at the Child Exploitation Disruption Meeting. Record the outcome on its page.",
            subject_type=ContextualEvent.CONTEXTUAL_DISRUPTION_ACTION,
            subject_id=action.reference,
            subject_url=action_url(action),
            subject_label=action.reference,
            due_at=dt.datetime.combine(due_on, dt.time(17, 0), tzinfo=dt.UTC),
            priority=Priority.STANDARD,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=ContextualEvent.CONTEXTUAL_DISRUPTION_ACTION,
            object_id=action.reference,
            changes={"tool": tool, "owner": owner_agency.name},
        )
    return action


def disruption_action_outcome(
    *,
    by: User,
    action: DisruptionAction,
    outcome: str,
    notes: str,
    children_at_risk_after: int | None,
    completed_on: dt.date | None = None,
) -> DisruptionAction:
    """Record what the action achieved; its work item closes."""
    _require(by, "contextual.record_intelligence", "You cannot record outcomes.")
    errors: dict[str, str] = {}
    if outcome not in DisruptionOutcome.values:
        errors["outcome"] = "Select what the action achieved"
    if not (notes or "").strip():
        errors["notes"] = "Enter what happened"
    if children_at_risk_after is None or children_at_risk_after < 0:
        errors["children_at_risk_after"] = (
            "Enter how many children are assessed at risk now (0 or more)"
        )
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        errors["completed_on"] = "The date must be today or in the past"
    if action.outcome:
        errors["outcome"] = "The outcome of this action has already been recorded"
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        action.outcome = outcome
        action.outcome_notes = notes.strip()
        action.children_at_risk_after = children_at_risk_after
        action.completed_on = completed_on
        action.save(
            update_fields=["outcome", "outcome_notes", "children_at_risk_after", "completed_on"]
        )
        work_items_close_for(
            by=by,
            subject_type=ContextualEvent.CONTEXTUAL_DISRUPTION_ACTION,
            subject_id=action.reference,
            kinds=(WorkKind.DISRUPTION_ACTION,),
            outcome=DisruptionOutcome(outcome).label,
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=ContextualEvent.CONTEXTUAL_DISRUPTION_ACTION,
            object_id=action.reference,
            changes={"outcome": outcome},
        )
    return action


ACTION_LABELS = {
    "tool": "Disruption tool",
    "description": "What will be done",
    "target": "Aimed at",
    "children_at_risk_before": "Children assessed at risk before",
}


def _action_values(action: DisruptionAction) -> dict[str, str]:
    return {
        "tool": DisruptionTool(action.tool).label
        if action.tool in DisruptionTool.values
        else action.tool,
        "description": action.description,
        "target": "; ".join(
            str(end) for end in (action.place, action.person, action.group) if end is not None
        ),
        "children_at_risk_before": str(action.children_at_risk_before),
    }


def disruption_action_correct(  # noqa: PLR0913 - every agreed answer of the action, and the reason
    *,
    by: User,
    action: DisruptionAction,
    tool: str,
    description: str,
    place: Place | None = None,
    person: PersonOfConcern | None = None,
    group: PeerGroup | None = None,
    children_at_risk_before: int | None = 0,
    reason: str,
) -> DisruptionActionChange:
    """Correct what was agreed for a disruption action, with a reason; it joins its history.

    The owning agency and the due date are not corrected here: the owning team's work
    item carries them. The outcome is recorded once, on its own.
    """
    _require(by, "contextual.record_intelligence", "You cannot change disruption actions.")
    errors: dict[str, str] = {}
    if tool not in DisruptionTool.values:
        errors["tool"] = "Select the disruption tool"
    if not (description or "").strip():
        errors["description"] = "Enter what will be done"
    if place is None and person is None and group is None:
        errors["place"] = "Select the place, person of concern or peer group the action is aimed at"
    if children_at_risk_before is None or children_at_risk_before < 0:
        errors["children_at_risk_before"] = "The number of children must be 0 or more"
    if not (reason or "").strip():
        errors["reason"] = REASON_MESSAGE
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    reason = _text(reason, "reason", REASON_MESSAGE)
    with transaction.atomic():
        # No select_related: PostgreSQL cannot lock the nullable side of an outer join.
        locked = DisruptionAction.objects.select_for_update().get(pk=action.pk)
        before = _action_values(locked)
        locked.tool = tool
        locked.description = description.strip()[:LONG_TEXT]
        locked.place = place
        locked.person = person
        locked.group = group
        locked.children_at_risk_before = children_at_risk_before or 0
        changes = _diff(before, _action_values(locked), ACTION_LABELS)
        if not changes:
            raise _invalid(NOTHING_CHANGED)
        locked.save(
            update_fields=[
                "tool",
                "description",
                "place",
                "person",
                "group",
                "children_at_risk_before",
            ]
        )
        change = _correction_keep(
            by=by,
            change=DisruptionActionChange(action=locked, changes=changes, reason=reason),
            object_type=ContextualEvent.CONTEXTUAL_DISRUPTION_ACTION,
            object_id=locked.reference,
        )
    action.refresh_from_db()
    return change


# --- Reads that are audited ------------------------------------------------------------------


def network_view_record(
    *, by: User, start: str, children: Iterable[Any], export: bool = False
) -> None:
    """Record that a network page (or its PDF) named these children to the user."""
    named = list(dict.fromkeys(children))
    with transaction.atomic():
        audit_record(
            by=by,
            action=AuditAction.EXPORT if export else AuditAction.VIEW,
            object_type=ContextualEvent.CONTEXTUAL_NETWORK_EXPORT
            if export
            else ContextualEvent.CONTEXTUAL_NETWORK,
            object_id=start,
            people=named,
        )
