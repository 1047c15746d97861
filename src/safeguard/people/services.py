"""Every change to a person's record: checked against the access rule, audited, one transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from safeguard.core.audit import AuditEntry, audit_record, audit_record_many, diff
from safeguard.core.errors import InvalidRequest
from safeguard.core.events import AuditEventType
from safeguard.core.models import Agency, AuditAction
from safeguard.core.text import reason_clean

from .access import (
    LOOK_UP_REASON_LENGTH,
    AccessBasis,
    AccessDenied,
    can_create_person,
    can_edit_person,
    can_view_person,
)
from .events import PeopleEvent
from .identifiers import is_valid_nhs_number, is_valid_upn, normalise_postcode, normalise_upn
from .models import (
    INVERSE_RELATIONSHIP,
    Address,
    ChronologyEvent,
    Household,
    HouseholdMember,
    Involvement,
    OtherName,
    Person,
    Relationship,
    RelationshipKind,
    Visibility,
)
from .search import name_key

if TYPE_CHECKING:
    from safeguard.core.models import User

PERSON_FIELDS = (
    "given_name",
    "middle_names",
    "family_name",
    "date_of_birth",
    "date_of_birth_estimated",
    "sex",
    "gender",
    "ethnicity",
    "first_language",
    "send",
    "nhs_number",
    "unique_pupil_number",
    "police_reference",
    "current_school",
)


def _snapshot(person: Person) -> dict[str, Any]:
    return model_to_dict(person, fields=PERSON_FIELDS)


def _validate_person_fields(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if "given_name" in fields and not str(fields["given_name"]).strip():
        errors["given_name"] = "Enter a given name"
    if "family_name" in fields and not str(fields["family_name"]).strip():
        errors["family_name"] = "Enter a family name"
    nhs = fields.get("nhs_number")
    if nhs and not is_valid_nhs_number(nhs):
        errors["nhs_number"] = "Enter a real NHS number, like 943 476 5919"
    upn = fields.get("unique_pupil_number")
    if upn and not is_valid_upn(upn):
        errors["unique_pupil_number"] = "Enter a real Unique Pupil Number, like A123456789012"
    dob = fields.get("date_of_birth")
    if isinstance(dob, dt.date) and dob > timezone.localdate():
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    if errors:
        raise ValidationError(errors)


def chronology_add(
    *,
    by: User | None,
    person: Person,
    occurred_at: dt.datetime,
    category: str,
    title: str,
    detail: str = "",
    agency: Agency | None = None,
    record_type: str = "general",
    visibility: str = Visibility.EVERYONE,
    source_type: str = "",
    source_id: str = "",
    audit: bool = True,
) -> ChronologyEvent:
    """Add an entry to a person's one multi-agency chronology.

    Other apps' services call this inside their own transaction (and their
    own access check); ``audit=False`` is for callers that audit the whole
    change themselves. ``visibility`` says who may read the entry (see
    ``access.entry_access``); police intelligence is police only unless said otherwise.
    """
    if visibility not in Visibility.values:
        raise InvalidRequest(f"Unknown visibility {visibility!r}")
    if record_type == "police_intelligence" and visibility == Visibility.EVERYONE:
        visibility = Visibility.POLICE
    event = ChronologyEvent.objects.create(
        person=person,
        occurred_at=occurred_at,
        category=category,
        title=title[:200],
        detail=detail,
        agency=agency if agency is not None else getattr(by, "agency", None),
        recorded_by=by,
        record_type=record_type,
        visibility=visibility,
        source_type=source_type,
        source_id=str(source_id),
    )
    if audit:
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=PeopleEvent.CHRONOLOGY_EVENT,
            object_id=event.pk,
            person_id=person.pk,
            changes={
                "category": category,
                "title": title,
                "record_type": record_type,
                "visibility": visibility,
            },
        )
    return event


def person_create(
    *,
    by: User,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None = None,
    postcode: str = "",
    address_line_1: str = "",
    involvement_role: str = "",
    **fields: Any,
) -> Person:
    """Add a new person; the creator's agency starts an involvement so they can see them."""
    if not can_create_person(by):
        raise AccessDenied("You cannot add people.")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    values = {"given_name": given_name, "family_name": family_name, "date_of_birth": date_of_birth}
    values.update(fields)
    _validate_person_fields(values)
    if values.get("unique_pupil_number"):
        values["unique_pupil_number"] = normalise_upn(str(values["unique_pupil_number"]))
    with transaction.atomic():
        person = Person(**{k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()})
        person.refresh_search_keys(postcode=postcode)
        person.save()
        if address_line_1 or postcode:
            Address.objects.create(
                person=person,
                line_1=address_line_1 or "Address not known",
                postcode=normalise_postcode(postcode),
                moved_in=timezone.localdate(),
            )
        Involvement.objects.create(
            person=person,
            agency_id=by.agency_id,  # type: ignore[misc]
            started=timezone.localdate(),
            lead_practitioner=by,
            role_description=involvement_role,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=PeopleEvent.PERSON,
            object_id=person.pk,
            person_id=person.pk,
            changes=diff({}, {**_snapshot(person), "postcode": person.current_postcode}),
        )
        chronology_add(
            by=by,
            person=person,
            occurred_at=timezone.now(),
            category=ChronologyEvent.Category.RECORD,
            title="Record created",
            detail=f"Added by {by.agency}",
            audit=False,
        )
    return person


def person_update(*, by: User, person: Person, reason: str = "", **fields: Any) -> Person:
    """Change a person's details; the audit event keeps every field's before and after."""
    if not can_edit_person(by, person):
        raise AccessDenied("You cannot change this record.")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    _validate_person_fields(fields)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        before = _snapshot(locked)
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        if locked.unique_pupil_number:
            locked.unique_pupil_number = normalise_upn(locked.unique_pupil_number)
        locked.refresh_search_keys()
        locked.save()
        changes = diff(before, _snapshot(locked))
        if changes:
            audit_record(
                by=by,
                action=AuditAction.UPDATE,
                object_type=PeopleEvent.PERSON,
                object_id=locked.pk,
                person_id=locked.pk,
                changes=changes,
                reason=reason,
            )
    return locked


def other_name_add(
    *, by: User, person: Person, given_name: str, family_name: str, kind: str
) -> OtherName:
    """Record another name the person is known by, so search finds them by it."""
    if not can_edit_person(by, person):
        raise AccessDenied("You cannot change this record.")
    with transaction.atomic():
        other = OtherName.objects.create(
            person=person,
            kind=kind,
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            given_name_key=name_key(given_name),
            family_name_key=name_key(family_name),
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=PeopleEvent.OTHER_NAME,
            object_id=other.pk,
            person_id=person.pk,
            changes={"kind": kind, "given_name": given_name, "family_name": family_name},
        )
    return other


def address_move(
    *, by: User, person: Person, line_1: str, postcode: str, town: str = "", moved_in: dt.date
) -> Address:
    """Record a new address; the previous current address ends the day before."""
    if not can_edit_person(by, person):
        raise AccessDenied("You cannot change this record.")
    with transaction.atomic():
        Address.objects.filter(person=person, moved_out__isnull=True).update(
            moved_out=moved_in - dt.timedelta(days=1)
        )
        address = Address.objects.create(
            person=person,
            line_1=line_1.strip(),
            town=town.strip(),
            postcode=normalise_postcode(postcode),
            moved_in=moved_in,
        )
        Person.objects.filter(pk=person.pk).update(current_postcode=address.postcode)
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=PeopleEvent.ADDRESS,
            object_id=address.pk,
            person_id=person.pk,
            changes={"postcode": address.postcode, "moved_in": moved_in},
        )
    return address


def relationship_add(
    *,
    by: User,
    person: Person,
    other: Person,
    kind: str,
    parental_responsibility: bool = False,
) -> Relationship:
    """Record that ``person`` is the ``kind`` of ``other``, and the inverse the other way round.

    Parental responsibility belongs to whichever of the two is the parent-like side (a parent,
    carer, partner of a parent or significant adult), so it is stored on that side's row.
    """
    if not (can_edit_person(by, person) and can_view_person(by, other)):
        raise AccessDenied("You cannot link these records.")
    if person.pk == other.pk:
        raise ValidationError({"other": "A person cannot be related to themselves"})
    kind = RelationshipKind(kind)
    responsible = RelationshipKind.responsibility_kinds()
    with transaction.atomic():
        relationship, _ = Relationship.objects.get_or_create(person=person, other=other, kind=kind)
        inverse_row, _ = Relationship.objects.get_or_create(
            person=other, other=person, kind=INVERSE_RELATIONSHIP[kind]
        )
        holder = relationship if kind in responsible else inverse_row
        if parental_responsibility and (holder.kind in responsible):
            Relationship.objects.filter(pk=holder.pk).update(parental_responsibility=True)
            holder.parental_responsibility = True
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=PeopleEvent.RELATIONSHIP,
            object_id=relationship.pk,
            person_id=person.pk,
            changes={"other": other.pk, "kind": kind.value},
        )
    return relationship


def household_create(*, by: User, name: str, members: Iterable[Person]) -> Household:
    """Put people who live together into one household."""
    members = list(members)
    if not members or not all(can_edit_person(by, p) for p in members):
        raise AccessDenied("You cannot change these records.")
    with transaction.atomic():
        household = Household.objects.create(name=name)
        for person in members:
            HouseholdMember.objects.create(
                household=household, person=person, joined=timezone.localdate()
            )
        audit_record_many(
            by=by,
            entries=[
                AuditEntry(
                    action=AuditAction.CREATE,
                    object_type=PeopleEvent.HOUSEHOLD_MEMBER,
                    object_id=str(household.pk),
                    person_id=p.pk,
                    changes={"household": str(household.pk)},
                )
                for p in members
            ],
        )
    return household


def involvement_start(
    *,
    by: User,
    person: Person,
    agency: Agency,
    started: dt.date,
    lead_practitioner: User | None = None,
    role_description: str = "",
) -> Involvement:
    """Record that an agency has started working with a person."""
    if not can_edit_person(by, person):
        raise AccessDenied("You cannot change this record.")
    with transaction.atomic():
        involvement = Involvement.objects.create(
            person=person,
            agency=agency,
            started=started,
            lead_practitioner=lead_practitioner,
            role_description=role_description,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=PeopleEvent.INVOLVEMENT,
            object_id=involvement.pk,
            person_id=person.pk,
            changes={"agency": agency.name, "started": started},
        )
        chronology_add(
            by=by,
            person=person,
            occurred_at=timezone.now(),
            category=ChronologyEvent.Category.SUPPORT,
            title=f"{agency.name} started working with {person.given_name}",
            agency=agency,
            audit=False,
        )
    return involvement


def involvement_lead_change(*, by: User, involvement_id: Any, lead: User) -> Involvement:
    """Give an involvement a new lead practitioner (a manager re-allocating, or allocating)."""
    involvement = Involvement.objects.select_related("person").get(pk=involvement_id)
    if not can_edit_person(by, involvement.person):
        raise AccessDenied("You cannot change this record.")
    if lead.agency_id != involvement.agency_id:
        raise InvalidRequest(
            "The lead practitioner must work for the agency that is working with the child",
            errors={"lead": "Choose someone in the agency that is working with the child"},
        )
    with transaction.atomic():
        before = involvement.lead_practitioner_id
        involvement.lead_practitioner = lead
        involvement.save(update_fields=["lead_practitioner"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=PeopleEvent.INVOLVEMENT,
            object_id=involvement.pk,
            person_id=involvement.person_id,
            changes={"lead_practitioner": {"before": before, "after": lead.pk}},
        )
    return involvement


def involvement_end(*, by: User, involvement: Involvement, ended: dt.date) -> Involvement:
    """Record that an agency has stopped working with a person."""
    if not can_edit_person(by, involvement.person):
        raise AccessDenied("You cannot change this record.")
    with transaction.atomic():
        involvement.ended = ended
        involvement.save(update_fields=["ended"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=PeopleEvent.INVOLVEMENT,
            object_id=involvement.pk,
            person_id=involvement.person_id,
            changes={"ended": {"before": None, "after": ended}},
        )
    return involvement


def person_view_record(
    *,
    by: User,
    person_id: uuid.UUID,
    page: AuditEventType = PeopleEvent.PERSON,
    basis: AccessBasis | None = None,
    relatives: Iterable[uuid.UUID] = (),
) -> None:
    """Record that someone looked at a page about this person.

    When the basis is itself a reason (an open subject access request), the reason and
    the request's reference are recorded with the opening. ``relatives`` are the other
    people the page names (family, household): each is recorded as listed, in the same
    single write.
    """
    extra: dict[str, Any] = {}
    if basis is not None and basis.reason:
        extra = {
            "reason": basis.reason,
            "changes": {"basis": basis.kind, "reference": basis.reference},
        }
    entries = [
        AuditEntry(
            action=AuditAction.VIEW,
            object_type=page,
            object_id=str(person_id),
            person_id=person_id,
            **extra,
        )
    ]
    named = [pid for pid in dict.fromkeys(relatives) if pid != person_id]
    if named:
        # One event names every relative the page shows (issue 19: an audit that scales).
        entries.append(
            AuditEntry(
                action=AuditAction.LIST,
                object_type=PeopleEvent.PERSON_RELATIVES,
                object_id=str(person_id),
                people=tuple(named),
            )
        )
    audit_record_many(by=by, entries=entries)


def person_search_all_record(*, by: User, reason: str, results: int) -> None:
    """Record a search across everyone (MASH staff, with a reason) and how many it found."""
    reason = reason_clean(
        reason,
        min_length=LOOK_UP_REASON_LENGTH,
        min_words=2,
        blank="Enter why you need to search all records",
    )
    audit_record(
        by=by,
        action=AuditAction.SEARCH,
        object_type=PeopleEvent.PERSON_SEARCH_ALL,
        reason=reason,
        changes={"results": results},
    )


def people_listed_record(
    *, by: User, person_ids: Iterable[uuid.UUID], context: AuditEventType
) -> None:
    """Record that a list or search named these people to someone: ONE event naming them all.

    The event's hash covers every name, and each person named gets an index row, so
    "who has looked at this record" still finds the list (``AuditEvent.objects.about``).
    A list of one is recorded about that person, as before.
    """
    named = tuple(dict.fromkeys(person_ids))
    if not named:
        return
    audit_record_many(
        by=by,
        entries=[
            AuditEntry(
                action=AuditAction.LIST,
                object_type=context,
                object_id=str(named[0]) if len(named) == 1 else "",
                people=named,
                changes={"shown": len(named)},
            )
        ],
    )
