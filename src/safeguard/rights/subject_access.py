"""Subject access: a copy of everything Safeguard holds about one person (UK GDPR Article 15).

Every app contributes a *section* to the copy through :func:`register_section`,
at import time of a module its ``AppConfig.ready()`` imports::

    from safeguard.rights.subject_access import Field, Item, register_section

    def _contacts(person):
        return [Item(record_type="Contact", id=str(c.pk), date=c.received_at, agency=...,
                     fields=[Field("What the concern was", c.concern),
                             Field.withheld("Who made the report", "Protected identity")])
                for c in Contact.objects.filter(child=person)]

    register_section("frontdoor.contacts", _contacts, title="Contacts and referrals",
                     models=["frontdoor.Contact"])

Models that point at a person and that no section claims are still included, by a
generic collector, so nothing held is ever missed. Information about or from other
people is marked ``third_party`` for redaction review; a protected identity (for
example an anonymous referrer) is never put into the copy at all: the field says
it was withheld and why (golden rule 5).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from safeguard.core.audit import audit_record, json_safe
from safeguard.core.models import AuditAction, AuditEvent, Role
from safeguard.core.references import reference_issue
from safeguard.people.access import RECORD_TYPES, AccessDenied, sees_personal_data
from safeguard.people.models import (
    AccessGrant,
    Address,
    ChronologyEvent,
    HouseholdMember,
    Involvement,
    OtherName,
    Person,
    Relationship,
)

if TYPE_CHECKING:
    from safeguard.core.models import User

    from .models import SubjectAccessRequest

EXPORT_FORMAT = "safeguard-subject-access/1"
THIRD_PARTY_NOTE = "Third party: review for redaction before release"
FREE_TEXT_NOTE = "Free text: check it for information about other people before release"


# --- Who may do it ---------------------------------------------------------------------------


def can_handle_subject_access(user: Any) -> bool:
    """MASH managers handle subject access requests and retention for the partnership.

    They already may open any record with a recorded reason; the request itself is
    that reason. Everyone else gets 'page not found'.
    """
    return sees_personal_data(user) and user.has_role(Role.MASH_MANAGER)


def can_see_rights_register(user: Any) -> bool:
    """The business unit tracks the one-month clock and retention figures, without names."""
    return can_handle_subject_access(user) or bool(
        getattr(user, "is_authenticated", False) and user.has_role(Role.BUSINESS_UNIT)
    )


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
    """Add (or replace) a section of every subject access copy.

    ``collector(person)`` returns a list of :class:`Item`. ``models`` names the
    models (``"app_label.ModelName"``) the section covers, so the generic
    collector does not list them twice.
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


def subject_access_collect(
    *, person: Person, request: SubjectAccessRequest | None = None
) -> SubjectAccessExport:
    """Run every registered section, then the generic collector, for one person."""
    results = []
    for section in sorted(SECTIONS.values(), key=lambda s: (s.order, s.name)):
        items = section.collector(person)
        results.append(SectionResult(section.name, section.title, section.explanation, items))
    covered = {m for s in SECTIONS.values() for m in s.models}
    results.extend(_generic_sections(person, covered))
    return SubjectAccessExport(
        person_id=person.pk,
        person_name=person.full_name,
        generated_at=timezone.now(),
        sections=results,
        request=request,
    )


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


def due_date_for(received_on: dt.date) -> dt.date:
    """One calendar month after receipt (UK GDPR Article 12(3)); end of month if no such day.

    The ICO's rule: received 3 March, due 3 April; received 31 August, due 30 September.
    """
    year, month = (
        (received_on.year + 1, 1)
        if received_on.month == 12
        else (received_on.year, received_on.month + 1)
    )
    return dt.date(year, month, min(received_on.day, calendar.monthrange(year, month)[1]))


def subject_access_request_create(
    *,
    by: User,
    person: Person,
    requester_kind: str,
    requester_name: str,
    received_on: dt.date,
) -> SubjectAccessRequest:
    """Record a subject access request; the one-month clock starts on the day it was received."""
    from .models import SubjectAccessRequest

    if not can_handle_subject_access(by):
        raise AccessDenied("Only MASH managers handle subject access requests.")
    if requester_kind not in SubjectAccessRequest.Requester.values:
        raise ValueError(f"Unknown requester kind {requester_kind!r}")
    if received_on > timezone.localdate():
        raise ValueError("The date received must be today or in the past.")
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            reference=reference_issue(prefix="SAR", kind="subject_access_request"),
            person=person,
            requester_kind=requester_kind,
            requester_name=requester_name.strip()[:200],
            received_on=received_on,
            due_on=due_date_for(received_on),
            recorded_by=by,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type="subject_access_request",
            object_id=sar.pk,
            person_id=person.pk,
            changes={"reference": sar.reference, "received_on": received_on, "due_on": sar.due_on},
        )
    return sar


def subject_access_export(
    *,
    by: User | None,
    person: Person,
    request: SubjectAccessRequest | None = None,
    formats: Iterable[str] = ("pdf", "json"),
) -> dict[str, bytes]:
    """Make the copy (PDF and/or JSON), fingerprint it, and audit it as one EXPORT event.

    ``by=None`` is the command line, run by someone with server access.
    """
    if by is not None and not can_handle_subject_access(by):
        raise AccessDenied("Only MASH managers can make a subject access copy.")
    export = subject_access_collect(person=person, request=request)
    files: dict[str, bytes] = {}
    wanted = set(formats)
    if "json" in wanted:
        files["json"] = render_json(export)
    if "pdf" in wanted:
        files["pdf"] = render_pdf(export)
    hashes = {fmt: sha256(data) for fmt, data in files.items()}
    with transaction.atomic():
        if request is not None:
            request.exported_at = export.generated_at
            request.pdf_sha256 = hashes.get("pdf", request.pdf_sha256)
            request.json_sha256 = hashes.get("json", request.json_sha256)
            if request.status == request.Status.RECEIVED:
                request.status = request.Status.EXPORTED
            request.save(update_fields=["exported_at", "pdf_sha256", "json_sha256", "status"])
        audit_record(
            by=by,
            action=AuditAction.EXPORT,
            object_type="subject_access_export",
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
    """Record that the reply has been sent to the requester."""
    if not can_handle_subject_access(by):
        raise AccessDenied("Only MASH managers handle subject access requests.")
    with transaction.atomic():
        request.status = request.Status.COMPLETED
        request.completed_on = timezone.localdate()
        request.save(update_fields=["status", "completed_on"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type="subject_access_request",
            object_id=request.pk,
            person_id=request.person_id,
            changes={"status": {"before": "exported", "after": "completed"}},
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
    items = []
    for r in Relationship.objects.filter(person=person).select_related("other").order_by("pk"):
        items.append(
            Item(
                "Relationship",
                str(r.pk),
                None,
                "",
                [
                    Field(
                        "Related person", r.other.full_name, third_party=True, note=THIRD_PARTY_NOTE
                    ),
                    Field("You are their", r.get_kind_display()),
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
    for e in AuditEvent.objects.filter(person_id=person.pk).order_by("sequence"):
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


register_section(
    "people.details", _person_details, title="Your details", order=10, models=["people.Person"]
)
register_section(
    "people.other_names", _other_names, title="Other names", order=11, models=["people.OtherName"]
)
register_section(
    "people.addresses", _addresses, title="Addresses", order=12, models=["people.Address"]
)
register_section(
    "people.relationships",
    _relationships,
    title="Family and relationships",
    order=13,
    explanation="The people you are related to. Their names are information about them, so they are marked for review.",
    models=["people.Relationship"],
)
register_section(
    "people.household", _household, title="Household", order=14, models=["people.HouseholdMember"]
)
register_section(
    "people.involvements",
    _involvements,
    title="Agencies working with you",
    order=15,
    models=["people.Involvement"],
)
register_section(
    "people.chronology",
    _chronology,
    title="Chronology: what agencies recorded",
    order=20,
    explanation="Every dated entry any agency recorded, of every kind, including sensitive ones.",
    models=["people.ChronologyEvent"],
)
register_section(
    "people.access_grants",
    _grants,
    title="Access given to your record",
    order=30,
    explanation="Agencies and people given time-limited access to your record, and why.",
    models=["people.AccessGrant"],
)
register_section(
    "sharing.subject_access_requests",
    _requests,
    title="Requests for a copy of your information",
    order=80,
    models=["rights.SubjectAccessRequest"],
)
register_section(
    "core.disclosure_log",
    _disclosure_log,
    title="Who has looked at your record",
    order=90,
    explanation="Everyone who opened, listed, changed, shared or exported your record, or was refused.",
)


# --- The generic collector: models that point at a person and no section claims ---------------

# Field names that usually hold who reported a concern or who else is involved.
_THIRD_PARTY_NAME = re.compile(
    r"(referrer|reporter|informant|caller|source_name|witness|contact_name|parent_name|carer_name)",
    re.I,
)
# A row asks for its reporter to stay anonymous if any of these flags is true.
_PROTECTION_FLAG = re.compile(r"(anonymous|protect|withhold|confidential_source)", re.I)
_SKIP_FIELDS = re.compile(r"(_key$|^search_text$|password|^hash$|^previous_hash$)", re.I)
PROTECTED_REASON = (
    "Protected identity: withheld to protect someone who could be harmed (golden rule 5)"
)


def _points_at_person(model: type[models.Model]) -> list[models.ForeignKey]:
    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey) and f.related_model is Person and f.concrete
    ]


def _m2m_to_person(model: type[models.Model]) -> list[models.ManyToManyField]:
    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.ManyToManyField) and f.related_model is Person and f.concrete
    ]


def _generic_sections(person: Person, covered: set[str]) -> list[SectionResult]:
    """Rows of every unclaimed model that points at the person, directly or through a link.

    Three kinds: a foreign key to the person (an agency record); a many-to-many link
    (a contact or early help episode naming several children); and rows that
    belong to one of those linked rows (a threshold decision on a contact, an
    assessment in an episode).
    """
    results: list[SectionResult] = []
    parents: dict[type[models.Model], list[Any]] = {}
    all_models = list(apps.get_models())
    for model in all_models:
        label = model._meta.label_lower
        if model is Person:
            continue
        query = models.Q()
        for f in _points_at_person(model):
            query |= models.Q(**{f.name: person.pk})
        for m in _m2m_to_person(model):
            query |= models.Q(**{m.name: person.pk})
        if not query:
            continue
        rows = list(model._default_manager.filter(query).distinct().order_by("pk"))
        if _m2m_to_person(model) and rows:
            parents[model] = [r.pk for r in rows]
        if label in covered or not rows:
            continue
        results.append(_generic_section(model, rows, person))
    for model in all_models:
        label = model._meta.label_lower
        if label in covered or model is Person or _points_at_person(model) or _m2m_to_person(model):
            continue
        query = models.Q()
        for link in model._meta.get_fields():
            if (
                isinstance(link, models.ForeignKey)
                and link.concrete
                and link.related_model in parents
            ):
                query |= models.Q(**{f"{link.name}__in": parents[link.related_model]})
        if not query:
            continue
        rows = list(model._default_manager.filter(query).order_by("pk"))
        if rows:
            results.append(_generic_section(model, rows, person))
    return results


def _generic_section(model: type[models.Model], rows: list[Any], person: Person) -> SectionResult:
    return SectionResult(
        name=model._meta.label_lower,
        title=str(model._meta.verbose_name_plural).capitalize(),
        explanation="",
        items=[_generic_item(model, row, person) for row in rows],
    )


def _generic_item(model: type[models.Model], row: models.Model, person: Person) -> Item:
    meta = model._meta
    protected_flags = [
        f.name
        for f in meta.concrete_fields
        if isinstance(f, models.BooleanField)
        and _PROTECTION_FLAG.search(f.name)
        and getattr(row, f.name)
    ]
    protect = bool(protected_flags) or bool(getattr(model, "subject_access_protected_fields", ()))
    protected_names = set(getattr(model, "subject_access_protected_fields", ()))
    fields: list[Field] = []
    date: dt.date | dt.datetime | None = None
    agency = ""
    third_party = False
    for f in meta.concrete_fields:
        name = f.name
        if f.primary_key or _SKIP_FIELDS.search(name) or _PROTECTION_FLAG.search(name):
            continue
        label = str(f.verbose_name).capitalize()
        if isinstance(f, models.ForeignKey):
            related = getattr(row, name)
            if related is None:
                continue
            if f.related_model is Person:
                if related.pk == person.pk:
                    continue
                fields.append(
                    Field(label, related.full_name, third_party=True, note=THIRD_PARTY_NOTE)
                )
                third_party = True
                continue
            if (
                getattr(related, "_meta", None) is not None
                and related._meta.label_lower == "core.agency"
            ):
                agency = agency or str(related)
            if _THIRD_PARTY_NAME.search(name):
                if protect:
                    fields.append(Field.withheld(label, PROTECTED_REASON))
                else:
                    fields.append(
                        Field(label, str(related), third_party=True, note=THIRD_PARTY_NOTE)
                    )
                    third_party = True
                continue
            fields.append(Field(label, str(related)))
            continue
        value = getattr(row, name)
        if isinstance(value, dt.datetime | dt.date) and date is None:
            date = value
        if name in protected_names or (protect and _THIRD_PARTY_NAME.search(name)):
            if value not in (None, ""):
                fields.append(Field.withheld(label, PROTECTED_REASON))
            continue
        if f.choices:
            display = getattr(row, f"get_{name}_display")()
        else:
            display = (
                _d(value) if not isinstance(value, list | dict) else json.dumps(json_safe(value))
            )
        is_third = bool(_THIRD_PARTY_NAME.search(name)) and value not in (None, "")
        is_text = isinstance(f, models.TextField) and value not in (None, "")
        fields.append(
            Field(
                label,
                display,
                third_party=is_third or is_text,
                note=THIRD_PARTY_NOTE if is_third else (FREE_TEXT_NOTE if is_text else ""),
            )
        )
        third_party = third_party or is_third
    return Item(
        record_type=str(meta.verbose_name).capitalize(),
        id=str(row.pk),
        date=date,
        agency=agency,
        fields=fields,
        third_party=third_party,
    )
