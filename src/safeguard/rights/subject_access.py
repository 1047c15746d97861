"""Subject access: a copy of everything Safeguard holds about one person (UK GDPR Article 15).

The copy is built from the person-linked data registry (``people/registry.py``):
every app declares, in its ``person_links.py``, each field that points at a
person, the section of the copy its rows go in, what one row is called and
which fields are shown. Rows are found through those declarations only. A few
sections need more than a list of fields (the people app's own: households,
relationships, chronology...); :data:`SECTION_RENDERERS` holds their renderers,
keyed by the section the registry names. Sections that are not person links
(the person's own details, the disclosure log) are added with
:func:`register_section`.

Information about or from other people is marked ``third_party`` for redaction
review; a protected identity (for example an anonymous referrer) is never put
into the copy at all: the field says it was withheld and why (golden rule 5).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from safeguard.core.audit import audit_record, json_safe
from safeguard.core.clock import months_after
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import AuditAction, AuditEvent
from safeguard.core.references import reference_issue
from safeguard.core.text import reason_clean
from safeguard.people import registry
from safeguard.people.access import (
    LOOK_UP_REASON_LENGTH,
    RECORD_TYPES,
    AccessDenied,
    can_view_person,
)
from safeguard.people.models import (
    AccessGrant,
    Address,
    ChronologyEvent,
    HouseholdMember,
    Involvement,
    OtherName,
    Person,
    Relationship,
    Visibility,
)

from .events import RightsEvent
from .rules import can_handle_subject_access

if TYPE_CHECKING:
    from safeguard.core.models import User

    from .models import SubjectAccessRequest

EXPORT_FORMAT = "safeguard-subject-access/1"
THIRD_PARTY_NOTE = "Third party: review for redaction before release"
FREE_TEXT_NOTE = "Free text: check it for information about other people before release"
MAX_EXTENSION_MONTHS = 2  # UK GDPR Article 12(3): "by two further months"


# --- Who may do it ---------------------------------------------------------------------------


# Who may handle requests lives in the permission table (``rights/rules.py``).


# --- What goes into the copy -----------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One labelled value in an item, in plain words."""

    label: str
    value: str
    third_party: bool = False
    note: str = ""
    withheld_reason: str = ""

    @classmethod
    def withheld(cls, label: str, reason: str) -> Field:
        """A field left out of the copy on purpose: the value is never passed in."""
        return cls(label=label, value="", withheld_reason=reason)


@dataclass
class Item:
    """One record held about the person."""

    record_type: str
    id: str
    date: dt.date | dt.datetime | None
    agency: str
    fields: list[Field]
    third_party: bool = False
    review_notes: list[str] = field(default_factory=list)

    @property
    def date_text(self) -> str:
        """The item's date in UK format, or nothing."""
        return _d(self.date) if self.date else ""

    @property
    def needs_redaction_review(self) -> bool:
        """Whether anything in this item is about or from someone else."""
        return self.third_party or any(f.third_party for f in self.fields)


Collector = Callable[[Person], list[Item]]


@dataclass(frozen=True)
class Section:
    """A part of the copy, contributed by one app."""

    name: str
    title: str
    collector: Collector
    order: int = 100
    explanation: str = ""
    models: tuple[str, ...] = ()


SECTIONS: dict[str, Section] = {}


def register_section(
    name: str,
    collector: Collector,
    *,
    title: str | None = None,
    order: int = 100,
    explanation: str = "",
    models: Iterable[str] = (),
) -> Collector:
    """Add (or replace) a section that is not a person link (the registry gives the rest).

    ``collector(person)`` returns a list of :class:`Item`; ``models`` names what the
    section reads (``"app_label.ModelName"``), for documentation.
    """
    SECTIONS[name] = Section(
        name=name,
        title=title or name.replace("_", " ").replace(".", ": ").capitalize(),
        collector=collector,
        order=order,
        explanation=explanation,
        models=tuple(m.lower() for m in models),
    )
    return collector


@dataclass
class SectionResult:
    """A section and what it found."""

    name: str
    title: str
    explanation: str
    items: list[Item]


@dataclass
class SubjectAccessExport:
    """Everything held about one person, ready to be rendered."""

    person_id: uuid.UUID
    person_name: str
    generated_at: dt.datetime
    sections: list[SectionResult]
    request: SubjectAccessRequest | None = None
    # The reviewed copy for the requester (only released records, no reviewers' notes).
    released: bool = False

    @property
    def item_count(self) -> int:
        """How many records the copy holds."""
        return sum(len(s.items) for s in self.sections)

    @property
    def third_party_count(self) -> int:
        """How many records are marked for redaction review."""
        return sum(1 for s in self.sections for i in s.items if i.needs_redaction_review)

    @property
    def withheld_count(self) -> int:
        """How many values were withheld, each with its reason."""
        return sum(1 for s in self.sections for i in s.items for f in i.fields if f.withheld_reason)

    def record_types(self) -> dict[str, int]:
        """How many records of each type the copy holds."""
        counts: dict[str, int] = {}
        for section in self.sections:
            for item in section.items:
                counts[item.record_type] = counts.get(item.record_type, 0) + 1
        return counts


def _section_parts(person: Person, only: str | None = None) -> list[tuple[int, str, SectionResult]]:
    parts: list[tuple[int, str, SectionResult]] = []
    for name, links in registry.sections():
        if only is not None and name != only:
            continue
        spec = links[0].subject_access
        renderer = SECTION_RENDERERS.get(name)
        if renderer is not None:
            items = renderer(person)
        else:
            items = [item for link in links for item in _declared_items(link, person)]
        explanation = next(
            (link.subject_access.explanation for link in links if link.subject_access.explanation),
            "",
        )
        parts.append((spec.order, name, SectionResult(name, spec.title, explanation, items)))
    for section in SECTIONS.values():
        if only is not None and section.name != only:
            continue
        items = section.collector(person)
        parts.append(
            (
                section.order,
                section.name,
                SectionResult(section.name, section.title, section.explanation, items),
            )
        )
    parts.sort(key=lambda part: (part[0], part[1]))
    return parts


def subject_access_collect(
    *, person: Person, request: SubjectAccessRequest | None = None
) -> SubjectAccessExport:
    """Every section: the registry's, one per declared section, and the registered extras."""
    return SubjectAccessExport(
        person_id=person.pk,
        person_name=person.full_name,
        generated_at=timezone.now(),
        sections=[part[2] for part in _section_parts(person)],
        request=request,
    )


def subject_access_collect_section(*, person: Person, section: str) -> SectionResult | None:
    """One section of the copy (to show one record while it is decided)."""
    parts = _section_parts(person, only=section)
    return parts[0][2] if parts else None


# --- Rendering -------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    return json_safe(value)


def export_as_dict(export: SubjectAccessExport) -> dict[str, Any]:
    """The machine-readable copy (UK GDPR Article 20 style: structured and commonly used)."""
    request = export.request
    return {
        "format": EXPORT_FORMAT,
        "person_id": str(export.person_id),
        "generated_at": _json_value(export.generated_at),
        "reviewed_for_release": export.released,
        "request": (
            {
                "reference": request.reference,
                "received_on": _json_value(request.received_on),
                "due_on": _json_value(request.due_on),
                "requester_kind": request.requester_kind,
            }
            if request is not None
            else None
        ),
        "summary": {
            "records": export.item_count,
            "record_types": export.record_types(),
            "marked_for_redaction_review": export.third_party_count,
            "withheld_values": export.withheld_count,
        },
        "sections": [
            {
                "name": s.name,
                "title": s.title,
                "explanation": s.explanation,
                "items": [
                    {
                        "record_type": i.record_type,
                        "id": i.id,
                        "date": _json_value(i.date),
                        "agency": i.agency,
                        "third_party": i.needs_redaction_review,
                        "review_notes": i.review_notes,
                        "fields": [
                            {
                                "label": f.label,
                                "value": None if f.withheld_reason else f.value,
                                "third_party": f.third_party,
                                "note": f.note,
                                "withheld_reason": f.withheld_reason or None,
                            }
                            for f in i.fields
                        ],
                    }
                    for i in s.items
                ],
            }
            for s in export.sections
        ],
    }


def render_json(export: SubjectAccessExport) -> bytes:
    """The JSON file of the copy."""
    return json.dumps(export_as_dict(export), indent=2, ensure_ascii=False).encode("utf-8")


def render_pdf(export: SubjectAccessExport) -> bytes:
    """The readable PDF of the copy, from a Django template, with WeasyPrint."""
    from weasyprint import HTML

    html = render_to_string("rights/subject_access/export_pdf.html", {"export": export})
    return bytes(HTML(string=html).write_pdf())


def sha256(data: bytes) -> str:
    """The SHA-256 fingerprint of a file, to match a sent copy later."""
    return hashlib.sha256(data).hexdigest()


# --- Requests and exports (services) -------------------------------------------------------------


def due_date_for(received_on: dt.date, extension_months: int = 0) -> dt.date:
    """One calendar month after the clock starts (UK GDPR Article 12(3)), plus any extension.

    ``extension_months`` (at most two) counts further calendar months from the same start,
    so received 31 January and extended by two months is due 30 April.
    """
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise InvalidRequest(
            f"A reply can be extended by at most {MAX_EXTENSION_MONTHS} further months"
        )
    return months_after(received_on, 1 + extension_months)


def subject_access_request_create(
    *,
    by: User,
    person: Person,
    requester_kind: str,
    requester_name: str,
    received_on: dt.date,
    open_reason: str = "",
) -> SubjectAccessRequest:
    """Record a subject access request; the one-month clock starts on the day it was received.

    A handler who has no other basis to see the person (no open request, no involvement)
    gives ``open_reason``, recorded with the request and in the audit log: the same rule
    as a MASH look-up (a reason in words, at least 10 characters).
    """
    from .models import SubjectAccessRequest

    if not can_handle_subject_access(by):
        raise AccessDenied("Only MASH managers handle subject access requests.")
    if requester_kind not in SubjectAccessRequest.Requester.values:
        raise InvalidRequest(
            "Select who asked for the copy",
            errors={"requester_kind": "Select who asked for the copy"},
        )
    if received_on > timezone.localdate():
        raise InvalidRequest("The date received must be today or in the past.")
    reason = ""
    if not can_view_person(by, person) or open_reason:
        reason = open_reason_clean(open_reason)
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            reference=reference_issue(prefix="SAR", kind="subject_access_request"),
            person=person,
            requester_kind=requester_kind,
            requester_name=requester_name.strip()[:200],
            received_on=received_on,
            due_on=due_date_for(received_on),
            recorded_by=by,
            open_reason=reason,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=RightsEvent.SUBJECT_ACCESS_REQUEST,
            object_id=sar.pk,
            person_id=person.pk,
            changes={
                "reference": sar.reference,
                "requester_kind": requester_kind,
                "received_on": received_on,
                "due_on": sar.due_on,
            },
            reason=reason,
        )
    return sar


def open_reason_clean(text: str) -> str:
    """The reason for opening a person to record a request: real words, at least 10 characters."""
    return reason_clean(
        text,
        min_length=LOOK_UP_REASON_LENGTH,
        min_words=2,
        blank="Enter why you are looking for this person",
        too_short=f"Reason must be at least {LOOK_UP_REASON_LENGTH} characters",
    )


def subject_access_export(
    *,
    by: User | None,
    person: Person,
    request: SubjectAccessRequest | None = None,
    formats: Iterable[str] = ("pdf", "json"),
) -> dict[str, bytes]:
    """Make the full, unreviewed copy (PDF and/or JSON), fingerprint it, audit one EXPORT event.

    Only the command line (``by=None``, someone with server access) makes it. On a page,
    the copy for a request is released only after the checks, every record's decision
    and a second manager's sign-off (``services.subject_access_release``).
    """
    if by is not None:
        raise AccessDenied(
            "The copy is released only after the checks, the review of every record and a "
            "second manager's sign-off."
        )
    export = subject_access_collect(person=person, request=request)
    files: dict[str, bytes] = {}
    wanted = set(formats)
    if "json" in wanted:
        files["json"] = render_json(export)
    if "pdf" in wanted:
        files["pdf"] = render_pdf(export)
    hashes = {fmt: sha256(data) for fmt, data in files.items()}
    with transaction.atomic():
        audit_record(
            by=by,
            action=AuditAction.EXPORT,
            object_type=RightsEvent.SUBJECT_ACCESS_EXPORT,
            object_id=request.pk if request is not None else person.pk,
            person_id=person.pk,
            changes={
                "request": getattr(request, "reference", None),
                "records": export.item_count,
                "marked_for_redaction_review": export.third_party_count,
                "sha256": hashes,
            },
            reason="Subject access request (UK GDPR Article 15)",
        )
    return files


def subject_access_request_complete(
    *, by: User, request: SubjectAccessRequest
) -> SubjectAccessRequest:
    """Record that the reply, with the released copy, has been sent to the requester."""
    if not can_handle_subject_access(by):
        raise AccessDenied("Only MASH managers handle subject access requests.")
    if request.status != request.Status.RELEASED:
        raise InvalidRequest("Release the copy before marking the request as replied to")
    with transaction.atomic():
        request.status = request.Status.COMPLETED
        request.completed_on = timezone.localdate()
        request.save(update_fields=["status", "completed_on"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=RightsEvent.SUBJECT_ACCESS_REQUEST,
            object_id=request.pk,
            person_id=request.person_id,
            changes={"status": {"before": "released", "after": "completed"}},
        )
    return request


# --- The sections Safeguard's people app contributes ---------------------------------------------


def _d(value: Any) -> str:
    """A value in plain words for the copy."""
    if value is None or value == "":
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return f"{local.day} {local:%B %Y} at {local:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def _person_details(person: Person) -> list[Item]:
    fields = [
        Field(
            "Full name",
            " ".join(p for p in (person.given_name, person.middle_names, person.family_name) if p),
        ),
        Field(
            "Date of birth",
            _d(person.date_of_birth) + (" (estimated)" if person.date_of_birth_estimated else ""),
        ),
        Field("Sex", person.get_sex_display()),
        Field("Gender", _d(person.gender)),
        Field("Ethnic group", person.get_ethnicity_display()),
        Field("First language", _d(person.first_language)),
        Field("Special educational needs and disabilities (SEND)", _d(person.send)),
        Field("NHS number", _d(person.nhs_number)),
        Field("Unique Pupil Number (UPN)", _d(person.unique_pupil_number)),
        Field("Police reference", _d(person.police_reference)),
        Field(
            "School",
            _d(
                person.current_school.name
                if person.current_school_id and person.current_school
                else ""
            ),
        ),
        Field("Record created", _d(person.created_at)),
    ]
    return [Item("Your details", str(person.pk), person.created_at, "", fields)]


def _other_names(person: Person) -> list[Item]:
    return [
        Item(
            "Other name",
            str(n.pk),
            None,
            "",
            [Field("Name", str(n)), Field("Kind of name", n.get_kind_display())],
        )
        for n in OtherName.objects.filter(person=person).order_by("pk")
    ]


def _addresses(person: Person) -> list[Item]:
    return [
        Item(
            "Address",
            str(a.pk),
            a.moved_in,
            "",
            [
                Field("Address", str(a)),
                Field("Moved in", _d(a.moved_in)),
                Field("Moved out", _d(a.moved_out) if a.moved_out else "Still lives here"),
            ],
        )
        for a in Address.objects.filter(person=person).order_by("moved_in", "pk")
    ]


def _relationships(person: Person) -> list[Item]:
    """Both ends: relationships recorded from the person, then those recorded towards them."""
    rows = [
        (r, r.other, "You are their", r.get_kind_display())
        for r in Relationship.objects.filter(person=person).select_related("other").order_by("pk")
    ] + [
        (r, r.person, "They are your", r.get_kind_display())
        for r in Relationship.objects.filter(other=person).select_related("person").order_by("pk")
    ]
    items = []
    for r, related, kind_label, kind in rows:
        items.append(
            Item(
                "Relationship",
                str(r.pk),
                None,
                "",
                [
                    Field(
                        "Related person", related.full_name, third_party=True, note=THIRD_PARTY_NOTE
                    ),
                    Field(kind_label, kind),
                    Field("Parental responsibility", _d(r.parental_responsibility)),
                    Field(
                        "Notes",
                        _d(r.notes),
                        third_party=bool(r.notes),
                        note=FREE_TEXT_NOTE if r.notes else "",
                    ),
                ],
                third_party=True,
                review_notes=[
                    "The related person is someone else: their name is third-party information."
                ],
            )
        )
    return items


def _household(person: Person) -> list[Item]:
    items = []
    memberships = (
        HouseholdMember.objects.filter(person=person).select_related("household").order_by("pk")
    )
    for membership in memberships:
        others = (
            HouseholdMember.objects.filter(household_id=membership.household_id)
            .exclude(person=person)
            .select_related("person")
            .order_by("pk")
        )
        fields = [
            Field("Household", membership.household.name, third_party=True, note=THIRD_PARTY_NOTE),
            Field("Joined", _d(membership.joined)),
            Field("Left", _d(membership.left) if membership.left else "Still lives here"),
        ]
        for other in others:
            fields.append(
                Field(
                    "Lives or lived with",
                    other.person.full_name,
                    third_party=True,
                    note=THIRD_PARTY_NOTE,
                )
            )
        items.append(
            Item("Household", str(membership.pk), membership.joined, "", fields, third_party=True)
        )
    return items


def _involvements(person: Person) -> list[Item]:
    return [
        Item(
            "Agency working with you",
            str(i.pk),
            i.started,
            i.agency.name,
            [
                Field("Agency", i.agency.name),
                Field("Role", _d(i.role_description)),
                Field(
                    "Lead practitioner", _d(str(i.lead_practitioner) if i.lead_practitioner else "")
                ),
                Field("From", _d(i.started)),
                Field("To", _d(i.ended) if i.ended else "Still working with you"),
            ],
        )
        for i in Involvement.objects.filter(person=person)
        .select_related("agency", "lead_practitioner")
        .order_by("started", "pk")
    ]


def _chronology(person: Person) -> list[Item]:
    items = []
    events = (
        ChronologyEvent.objects.filter(person=person)
        .select_related("agency", "recorded_by")
        .order_by("occurred_at", "created_at")
    )
    for e in events:
        record_type = RECORD_TYPES.get(e.record_type)
        notes = []
        if record_type is not None and record_type.sensitive:
            notes.append(
                f"Sensitive record ({record_type.label}): check with the recording agency whether an "
                "exemption applies before release (for example, crime prevention or serious harm)."
            )
        if e.visibility != Visibility.EVERYONE:
            notes.append(
                f"Restricted entry ({e.get_visibility_display().lower()}): ask the recording "
                "agency before release; staff outside it do not see this entry."
            )
        items.append(
            Item(
                f"Chronology: {e.get_category_display()}",
                str(e.pk),
                e.occurred_at,
                e.agency.name if e.agency else "",
                [
                    Field("What happened", e.title),
                    Field(
                        "Details",
                        _d(e.detail),
                        third_party=bool(e.detail),
                        note=FREE_TEXT_NOTE if e.detail else "",
                    ),
                    Field("Kind of record", record_type.label if record_type else e.record_type),
                    Field("Who may read it", e.get_visibility_display()),
                    Field("Recorded by", _d(str(e.recorded_by) if e.recorded_by else "")),
                ],
                review_notes=notes,
            )
        )
    return items


def _grants(person: Person) -> list[Item]:
    return [
        Item(
            "Access given to your record",
            str(g.pk),
            g.starts_at,
            g.agency.name if g.agency else "",
            [
                Field("Kind of access", g.get_kind_display()),
                Field("Given to", g.agency.name if g.agency else str(g.user)),
                Field("Why", g.purpose, third_party=True, note=FREE_TEXT_NOTE),
                Field(
                    "Kinds of sensitive record opened",
                    ", ".join(RECORD_TYPES[t].label for t in g.record_types if t in RECORD_TYPES)
                    or "None",
                ),
                Field("From", _d(g.starts_at)),
                Field(
                    "Until",
                    _d(g.revoked_at or g.ends_at) + (" (ended early)" if g.revoked_at else ""),
                ),
                Field("Given by", str(g.granted_by)),
            ],
        )
        for g in AccessGrant.objects.filter(person=person)
        .select_related("agency", "user", "granted_by")
        .order_by("starts_at", "pk")
    ]


def _requests(person: Person) -> list[Item]:
    from .models import SubjectAccessRequest

    items = []
    for sar in SubjectAccessRequest.objects.filter(person=person).order_by(
        "received_on", "reference"
    ):
        is_subject = sar.requester_kind == SubjectAccessRequest.Requester.SUBJECT
        items.append(
            Item(
                "Subject access request",
                sar.reference,
                sar.received_on,
                "",
                [
                    Field("Reference", sar.reference),
                    Field("Asked by", sar.get_requester_kind_display()),
                    Field(
                        "Name of the person who asked",
                        sar.requester_name,
                        third_party=not is_subject,
                        note="" if is_subject else THIRD_PARTY_NOTE,
                    ),
                    Field("Received", _d(sar.received_on)),
                    Field("Reply due by", _d(sar.due_on)),
                    Field("Status", sar.get_status_display()),
                ],
            )
        )
    return items


def _disclosure_log(person: Person) -> list[Item]:
    items = []
    for e in AuditEvent.objects.about(person.pk).order_by("sequence"):
        items.append(
            Item(
                "Who looked at or changed your record",
                str(e.sequence),
                e.occurred_at,
                e.agency_name,
                [
                    Field(
                        "What they did",
                        e.get_action_display()
                        + (f" ({e.object_type.replace('_', ' ')})" if e.object_type else ""),
                    ),
                    Field("Who", e.actor_username or "Safeguard itself"),
                    Field(
                        "Reason given",
                        _d(e.reason),
                        third_party=bool(e.reason),
                        note=FREE_TEXT_NOTE if e.reason else "",
                    ),
                    Field("Outcome", "Allowed" if e.outcome == "ok" else "Refused"),
                ],
            )
        )
    return items


# Sections whose items need more than the declared fields, by the registry's section name.
SECTION_RENDERERS: dict[str, Collector] = {
    "people.other_names": _other_names,
    "people.addresses": _addresses,
    "people.relationships": _relationships,
    "people.household": _household,
    "people.involvements": _involvements,
    "people.chronology": _chronology,
    "people.access_grants": _grants,
    "sharing.subject_access_requests": _requests,
}

# Sections that are not person links: the person's own row, and the audit log (by person id).
register_section(
    "people.details", _person_details, title="Your details", order=10, models=["people.Person"]
)
register_section(
    "core.disclosure_log",
    _disclosure_log,
    title="Who has looked at your record",
    order=90,
    explanation="Everyone who opened, listed, changed, shared or exported your record, or was refused.",
    models=["core.AuditEvent", "core.AuditSubject"],
)


# --- Every other declared link: the fields its app declared ------------------------------------

PROTECTED_REASON = (
    "Protected identity: withheld to protect someone who could be harmed (golden rule 5)"
)


def _resolve(row: Any, get: registry.Getter) -> Any:
    """A declared value: an attribute path (``"agency.name"``, a method) or a callable."""
    if callable(get):
        return get(row)
    value: Any = row
    for part in get.split("."):
        if value is None:
            return None
        try:
            value = getattr(value, part)
        except models.ObjectDoesNotExist:
            return None
        if isinstance(value, models.Manager):
            value = ", ".join(str(v) for v in value.all())
        elif callable(value):
            value = value()
    return value


def _declared_items(link: registry.PersonLink, person: Person) -> list[Item]:
    spec = link.subject_access
    rows = link.rows_for(person.pk).distinct().order_by("pk")
    items = []
    for row in rows:
        protected = bool(spec.protected and spec.protected(row))
        fields: list[Field] = []
        for shown in spec.fields:
            value = _resolve(row, shown.get)
            empty = value in (None, "")
            if shown.source and protected:
                if not empty:
                    fields.append(Field.withheld(shown.label, PROTECTED_REASON))
                continue
            third = (shown.third_party or shown.free_text) and not empty
            note = ""
            if third:
                note = THIRD_PARTY_NOTE if shown.third_party else FREE_TEXT_NOTE
            fields.append(Field(shown.label, _d(value), third_party=third, note=note))
        date = _resolve(row, spec.date) if spec.date else None
        agency = _resolve(row, spec.agency) if spec.agency else ""
        items.append(
            Item(
                record_type=spec.label,
                id=str(row.pk),
                date=date if isinstance(date, dt.date) else None,
                agency=str(agency or ""),
                fields=fields,
                third_party=spec.third_party,
            )
        )
    return items
