"""Safe subject access: the checks a request passes before its copy is released.

A subject access request (UK GDPR Article 15) is released only when:

1. the requester's **identity** was checked (what proof was seen, by whom, when);
2. the requester's **standing** was checked: the person themselves (a child only if
   competent to ask), a parent with parental responsibility for a child (and, when the
   child is competent, the child agrees), or someone with the person's written authority;
3. **every record** the copy would hold was decided: release, release with information
   about other people redacted, withhold under the serious-harm test (Data Protection Act
   2018 Schedule 3, with an appropriate professional's opinion), or withhold under another
   exemption with a reason;
4. a **second manager**, who did none of the checking, signed off.

Each service checks access, changes the request and writes its audit event in one
transaction. Any change to a check or a decision after sign-off clears the sign-off.
The one-month clock (:func:`subject_access.due_date_for`) starts on receipt, or on the
day the proof of identity arrived when it had to be asked for, and may be extended by up
to two further months with a reason the requester was told in time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import AuditEntry, audit_record, audit_record_many
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditAction
from safeguard.core.text import reason_clean
from safeguard.people.models import Person

from .events import RightsEvent
from .models import SubjectAccessItem, SubjectAccessRequest
from .rules import (
    can_handle_subject_access,
    can_open_subject_access_request,
    subject_access_checkers,
)
from .subject_access import (
    MAX_EXTENSION_MONTHS,
    Field,
    Item,
    SubjectAccessExport,
    due_date_for,
    months_after,
    open_reason_clean,
    render_json,
    render_pdf,
    sha256,
    subject_access_collect,
    subject_access_collect_section,
)

if TYPE_CHECKING:
    from safeguard.core.models import User

# The disclosure log grows while the request is handled: it is decided as one item.
WHOLE_SECTIONS = frozenset({"core.disclosure_log"})
WHOLE_SECTION_KEY = "*"
# Values that change as the request itself moves on; they do not make a record "changed".
VOLATILE_FIELDS = frozenset(
    {
        ("sharing.subject_access_requests", "Status"),
        ("sharing.subject_access_requests", "Reply due by"),
    }
)
REDACTED_REASON = "Redacted: information about someone else"
ADULT_AGE = 18
ASK_THE_CHILD_AGE = 12  # from about 12 a child is usually old enough to be asked (ICO)
OPINION_VALID_MONTHS = 6  # DPA 2018 Schedule 3: an opinion obtained in the last six months
Stored = SubjectAccessRequest  # short name for the request's choices


# --- Shared checks ---------------------------------------------------------------------------


def _may_work_on(by: User, request: SubjectAccessRequest) -> None:
    """A handler who may open the request's person; the request still open and not released."""
    if not can_handle_subject_access(by) or not can_open_subject_access_request(by, request):
        raise Forbidden("Only MASH managers handle subject access requests.")
    if request.status in (Stored.Status.COMPLETED, Stored.Status.REFUSED):
        raise InvalidRequest("This request is closed")
    if request.status == Stored.Status.RELEASED:
        raise InvalidRequest("The copy has been released: the checks can no longer change")


def _text(value: str, *, field: str, blank: str, min_length: int = 3) -> str:
    return reason_clean(value, min_length=min_length, min_words=1, blank=blank, field=field)


def _clear_sign_off(request: SubjectAccessRequest) -> dict[str, Any]:
    """A change after sign-off needs a new sign-off; returns the audit diff."""
    if request.signed_off_by_id is None:
        return {}
    before = request.signed_off_by_id
    request.signed_off_by = None
    request.signed_off_at = None
    request.status = Stored.Status.RECEIVED
    return {"signed_off_by": {"before": before, "after": None}}


def _audit(
    by: User,
    request: SubjectAccessRequest,
    event: RightsEvent,
    changes: dict[str, Any],
    *,
    action: AuditAction = AuditAction.UPDATE,
    reason: str = "",
) -> None:
    audit_record(
        by=by,
        action=action,
        object_type=event,
        object_id=request.pk,
        person_id=request.person_id,
        changes={"reference": request.reference, **changes},
        reason=reason,
    )


# --- Identity --------------------------------------------------------------------------------


def subject_access_identity_record(
    *,
    by: User,
    request: SubjectAccessRequest,
    evidence: str,
    evidence_received_on: dt.date | None = None,
) -> SubjectAccessRequest:
    """Record the proof of identity seen; if it had to be asked for, the clock starts on its arrival."""
    _may_work_on(by, request)
    evidence = _text(
        evidence,
        field="evidence",
        blank="Enter the proof of identity you saw",
        min_length=5,
    )
    if evidence_received_on is not None:
        if evidence_received_on < request.received_on:
            message = "The date the proof arrived must be on or after the date the request arrived"
            raise InvalidRequest(message, errors={"evidence_received_on": message})
        if evidence_received_on > timezone.localdate():
            message = "The date the proof arrived must be today or in the past"
            raise InvalidRequest(message, errors={"evidence_received_on": message})
    with transaction.atomic():
        changes = _clear_sign_off(request)
        before_due = request.due_on
        request.identity_evidence = evidence
        request.identity_evidence_received_on = evidence_received_on
        request.identity_checked_by = by
        request.identity_checked_at = timezone.now()
        request.due_on = due_date_for(request.clock_starts_on, request.extension_months)
        request.save()
        changes.update(
            {
                "identity_checked": True,
                "clock_starts_on": request.clock_starts_on,
                "due_on": {"before": before_due, "after": request.due_on},
            }
        )
        _audit(by, request, RightsEvent.SUBJECT_ACCESS_IDENTITY, changes)
    return request


# --- Standing --------------------------------------------------------------------------------


def person_age_at_request(request: SubjectAccessRequest) -> int | None:
    """The person's age on the day the request arrived (None when the date of birth is unknown)."""
    age = request.person.age_on(request.received_on)
    return age if isinstance(age, int) else None


def is_child_request(request: SubjectAccessRequest) -> bool:
    """Whether the person was a child when the request arrived (unknown age counts as a child)."""
    age = person_age_at_request(request)
    return age is None or age < ADULT_AGE


def child_should_be_asked(request: SubjectAccessRequest) -> bool:
    """From about 12, or whenever the child is competent, the child's own view is recorded."""
    age = person_age_at_request(request)
    return (age is not None and age >= ASK_THE_CHILD_AGE) or (
        request.child_competent == Stored.Competence.COMPETENT
    )


def standing_problem(request: SubjectAccessRequest) -> str:
    """Why the requester may not have the copy, in words; empty when the standing is met."""
    if request.standing_checked_at is None:
        return "Record the check that the requester may have this information"
    kind = request.requester_kind
    if kind == Stored.Requester.SUBJECT:
        if is_child_request(request) and request.child_competent != Stored.Competence.COMPETENT:
            return (
                "The child cannot understand their rights, so cannot ask for themselves: "
                "a parent with parental responsibility can ask for them"
            )
        return ""
    if kind == Stored.Requester.PARENT:
        if request.child_competent == Stored.Competence.COMPETENT:
            if request.child_view == Stored.ChildView.OBJECTS:
                return (
                    "The child is competent and does not agree: the parent cannot have the "
                    "copy. Close the request without a copy and tell the parent"
                )
            if request.child_view != Stored.ChildView.CONSENTS:
                return "The child is competent: ask the child whether they agree before release"
        return ""
    return ""


def subject_access_standing_record(
    *,
    by: User,
    request: SubjectAccessRequest,
    parental_responsibility_evidence: str = "",
    child_competent: str = "",
    child_view: str = "",
    child_view_notes: str = "",
    authority_evidence: str = "",
) -> SubjectAccessRequest:
    """Record why this requester may (or may not) have this person's information.

    The facts are recorded even when they mean the copy cannot be released (a competent
    child who does not agree): :func:`standing_problem` then says so.
    """
    _may_work_on(by, request)
    kind = request.requester_kind
    child = is_child_request(request)
    fields: dict[str, Any] = {
        "parental_responsibility_evidence": "",
        "child_competent": "",
        "child_view": "",
        "child_view_notes": "",
        "authority_evidence": "",
    }
    if child_competent and child_competent not in Stored.Competence.values:
        raise InvalidRequest("Select whether the child is competent")
    if child_view and child_view not in Stored.ChildView.values:
        raise InvalidRequest("Select what the child said")
    if kind == Stored.Requester.SUBJECT:
        if child:
            if not child_competent:
                message = "Select whether the child understands their rights and can decide"
                raise InvalidRequest(message, errors={"child_competent": message})
            fields["child_competent"] = child_competent
    elif kind == Stored.Requester.PARENT:
        if not child:
            message = (
                f"{request.person.full_name} is an adult: a parent can ask only with their "
                "written authority (record the requester as someone acting with written authority)"
            )
            raise InvalidRequest(message)
        fields["parental_responsibility_evidence"] = _text(
            parental_responsibility_evidence,
            field="parental_responsibility_evidence",
            blank="Enter how parental responsibility was confirmed",
            min_length=5,
        )
        if not child_competent:
            message = "Select whether the child understands their rights and can decide"
            raise InvalidRequest(message, errors={"child_competent": message})
        fields["child_competent"] = child_competent
        request.child_competent = child_competent  # child_should_be_asked reads it
        if child_should_be_asked(request):
            if not child_view:
                message = "Select whether the child was asked and what they said"
                raise InvalidRequest(message, errors={"child_view": message})
            fields["child_view"] = child_view
            if child_view == Stored.ChildView.NOT_ASKED:
                fields["child_view_notes"] = _text(
                    child_view_notes,
                    field="child_view_notes",
                    blank="Enter why the child was not asked",
                    min_length=5,
                )
            else:
                fields["child_view_notes"] = child_view_notes.strip()
    else:
        fields["authority_evidence"] = _text(
            authority_evidence,
            field="authority_evidence",
            blank="Enter the written authority you saw",
            min_length=5,
        )
    with transaction.atomic():
        changes = _clear_sign_off(request)
        for name, value in fields.items():
            setattr(request, name, value)
        request.standing_checked_by = by
        request.standing_checked_at = timezone.now()
        request.save()
        changes.update(
            {
                "requester_kind": kind,
                "child_competent": fields["child_competent"],
                "child_view": fields["child_view"],
                "standing_met": not standing_problem(request),
            }
        )
        _audit(by, request, RightsEvent.SUBJECT_ACCESS_STANDING, changes)
    return request


# --- The deadline ----------------------------------------------------------------------------


def subject_access_extend(
    *,
    by: User,
    request: SubjectAccessRequest,
    months: int,
    reason: str,
    told_on: dt.date,
) -> SubjectAccessRequest:
    """Extend the deadline by one or two further months (complex or numerous requests).

    The requester must be told, with the reason, within the first month (Article 12(3)).
    """
    _may_work_on(by, request)
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        message = "Select one or two further months"
        raise InvalidRequest(message, errors={"months": message})
    reason = reason_clean(
        reason,
        min_length=10,
        min_words=2,
        blank="Enter why the request is complex or why there are many requests",
    )
    first_due = due_date_for(request.clock_starts_on)
    if told_on < request.received_on or told_on > timezone.localdate():
        message = (
            "The date the requester was told must be between the date the request arrived and today"
        )
        raise InvalidRequest(message, errors={"told_on": message})
    if told_on > first_due:
        message = (
            f"The requester must be told within the first month, by {first_due.day} "
            f"{first_due:%B %Y}: it is too late to extend"
        )
        raise InvalidRequest(message, errors={"told_on": message})
    with transaction.atomic():
        changes = _clear_sign_off(request)
        before = request.due_on
        request.extension_months = months
        request.extension_reason = reason
        request.extension_told_on = told_on
        request.extended_by = by
        request.extended_at = timezone.now()
        request.due_on = due_date_for(request.clock_starts_on, months)
        request.save()
        changes.update(
            {
                "extension_months": months,
                "told_on": told_on,
                "due_on": {"before": before, "after": request.due_on},
            }
        )
        _audit(by, request, RightsEvent.SUBJECT_ACCESS_EXTENSION, changes, reason=reason)
    return request


# --- The records in the copy -----------------------------------------------------------------


def item_key(item: Item) -> str:
    """How a record is known on the review: its kind and id (a section may hold several kinds)."""
    return f"{item.record_type}:{item.id}"[-100:]


def item_fingerprint(section: str, item: Item) -> str:
    """What a record said when it was decided (values that move with the request left out)."""
    content = [
        item.record_type,
        item.date_text,
        item.agency,
        [
            (f.label, f.value, f.withheld_reason)
            for f in item.fields
            if (section, f.label) not in VOLATILE_FIELDS
        ],
    ]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def _item_summary(item: Item) -> str:
    parts = [item.record_type]
    if item.date_text:
        parts.append(item.date_text)
    if item.agency:
        parts.append(item.agency)
    return ", ".join(parts)[:300]


def live_items(export: SubjectAccessExport) -> dict[tuple[str, str], tuple[str, Item | None]]:
    """Every record the copy would hold now, keyed as review items are, with section titles."""
    found: dict[tuple[str, str], tuple[str, Item | None]] = {}
    for section in export.sections:
        if section.name in WHOLE_SECTIONS:
            if section.items:
                found[(section.name, WHOLE_SECTION_KEY)] = (section.title, None)
            continue
        for item in section.items:
            found[(section.name, item_key(item))] = (section.title, item)
    return found


def subject_access_items_gather(*, by: User, request: SubjectAccessRequest) -> int:
    """Put every record the copy would hold on the review list; returns how many were added.

    Records added since the last gathering are added undecided; records that no longer
    exist leave the list. Either change clears a sign-off.
    """
    _may_work_on(by, request)
    export = subject_access_collect(person=request.person, request=request)
    live = live_items(export)
    with transaction.atomic():
        existing = {(i.section, i.item_key): i for i in request.items.all()}
        added = 0
        for position, ((section, key), (title, item)) in enumerate(live.items()):
            if (section, key) in existing:
                continue
            log = next(s for s in export.sections if s.name == section) if item is None else None
            SubjectAccessItem.objects.create(
                request=request,
                section=section,
                section_title=title[:200],
                item_key=key,
                record_type=(item.record_type if item else title)[:200],
                summary=(
                    _item_summary(item)
                    if item
                    else f"Every entry up to the release ({len(log.items) if log else 0} so far)"
                ),
                third_party=item.needs_redaction_review if item else True,
                review_notes=list(item.review_notes) if item else [],
                position=position,
            )
            added += 1
        gone = [i.pk for k, i in existing.items() if k not in live]
        SubjectAccessItem.objects.filter(pk__in=gone).delete()
        changes: dict[str, Any] = {}
        if added or gone:
            changes = _clear_sign_off(request)
            request.save()
        changes.update({"added": added, "removed": len(gone), "records": len(live)})
        _audit(by, request, RightsEvent.SUBJECT_ACCESS_REVIEW, changes)
    return added


def item_live(item: SubjectAccessItem) -> tuple[Item | None, list[Item]]:
    """The record as it is now (None if it is gone), and for a whole section every entry."""
    section = subject_access_collect_section(person=item.request.person, section=item.section)
    if section is None:
        return None, []
    if item.item_key == WHOLE_SECTION_KEY:
        return None, section.items
    return next((i for i in section.items if item_key(i) == item.item_key), None), []


def field_labels(item: Item | None, entries: Iterable[Item]) -> list[str]:
    """The parts of a record (or of every entry of a whole section) that can be redacted."""
    labels: list[str] = []
    for one in [item] if item is not None else list(entries):
        for f in one.fields:
            if not f.withheld_reason and f.label not in labels:
                labels.append(f.label)
    return labels


def subject_access_item_decide(
    *,
    by: User,
    item: SubjectAccessItem,
    decision: str,
    note: str = "",
    redacted_fields: Iterable[str] = (),
    data_kind: str = "",
    professional_name: str = "",
    professional_role: str = "",
    opinion_on: dt.date | None = None,
    exemption: str = "",
) -> SubjectAccessItem:
    """Decide one record: release, redact information about others, or withhold with a reason."""
    request = item.request
    _may_work_on(by, request)
    live, entries = item_live(item)
    if live is None and item.item_key != WHOLE_SECTION_KEY:
        raise InvalidRequest("This record no longer exists: gather the records again")
    values: dict[str, Any] = {
        "decision": decision,
        "note": "",
        "redacted_fields": [],
        "data_kind": "",
        "professional_name": "",
        "professional_role": "",
        "opinion_on": None,
        "exemption": "",
    }
    D = SubjectAccessItem.Decision  # noqa: N806 - short alias
    if decision not in D.values:
        message = "Select what to do with this record"
        raise InvalidRequest(message, errors={"decision": message})
    if decision == D.RELEASE and item.third_party:
        values["note"] = _text(
            note,
            field="note",
            blank="This record holds information about other people: enter why it can be "
            "released in full (for example, they agreed, or it is reasonable to release)",
            min_length=10,
        )
    elif decision == D.RELEASE:
        values["note"] = note.strip()
    elif decision == D.REDACT:
        labels = field_labels(live, entries)
        chosen = [label for label in redacted_fields if label]
        if not chosen:
            message = "Select the parts of the record to redact"
            raise InvalidRequest(message, errors={"redacted_fields": message})
        unknown = [label for label in chosen if label not in labels]
        if unknown:
            message = "Select parts of this record only"
            raise InvalidRequest(message, errors={"redacted_fields": message})
        values["redacted_fields"] = chosen
        values["note"] = _text(
            note, field="note", blank="Enter what was redacted and why", min_length=10
        )
    elif decision == D.SERIOUS_HARM:
        if data_kind not in SubjectAccessItem.DataKind.values:
            message = "Select whether this is health, social work or education data"
            raise InvalidRequest(message, errors={"data_kind": message})
        values["data_kind"] = data_kind
        values["professional_name"] = _text(
            professional_name,
            field="professional_name",
            blank="Enter the name of the professional who gave the opinion",
        )
        values["professional_role"] = _text(
            professional_role,
            field="professional_role",
            blank="Enter the professional's role, for example 'Consultant child psychiatrist'",
        )
        today = timezone.localdate()
        if opinion_on is None or opinion_on > today:
            message = "Enter the date of the opinion, today or in the past"
            raise InvalidRequest(message, errors={"opinion_on": message})
        oldest = _months_before(today, OPINION_VALID_MONTHS)
        if opinion_on < oldest:
            message = (
                f"The opinion must be from the last {OPINION_VALID_MONTHS} months: ask the "
                "professional again"
            )
            raise InvalidRequest(message, errors={"opinion_on": message})
        values["opinion_on"] = opinion_on
        values["note"] = _text(
            note,
            field="note",
            blank="Enter the professional's opinion: what serious harm release would be likely "
            "to cause, and to whom",
            min_length=10,
        )
    else:
        if exemption not in SubjectAccessItem.Exemption.values:
            message = "Select the exemption"
            raise InvalidRequest(message, errors={"exemption": message})
        values["exemption"] = exemption
        values["note"] = _text(
            note, field="note", blank="Enter why the exemption applies", min_length=10
        )
    with transaction.atomic():
        changes = _clear_sign_off(request)
        if changes:
            request.save()
        before = item.decision
        for name, value in values.items():
            setattr(item, name, value)
        item.fingerprint = item_fingerprint(item.section, live) if live is not None else ""
        item.decided_by = by
        item.decided_at = timezone.now()
        item.save()
        changes.update(
            {
                "item": item.pk,
                "record": f"{item.section}:{item.item_key}",
                "decision": {"before": before, "after": decision},
                "redacted_fields": values["redacted_fields"],
                "exemption": values["exemption"],
                "data_kind": values["data_kind"],
            }
        )
        _audit(by, request, RightsEvent.SUBJECT_ACCESS_ITEM, changes, reason=values["note"])
    return item


def _months_before(day: dt.date, months: int) -> dt.date:
    return months_after(day, -months)


# --- Ready for release? ----------------------------------------------------------------------


def release_problems(
    request: SubjectAccessRequest,
    *,
    export: SubjectAccessExport | None = None,
    sign_off: bool = True,
) -> list[str]:
    """What still stands between the request and its release, in words (empty: ready).

    With ``export`` (the copy as it would be made now) records added or changed since they
    were decided are found too; without it only the recorded checks are read.
    """
    problems = []
    if request.identity_checked_at is None:
        problems.append("Record the check of the requester's identity")
    standing = standing_problem(request)
    if standing:
        problems.append(standing)
    items = list(request.items.all())
    if not items:
        problems.append("Gather the records for review")
    else:
        undecided = sum(1 for i in items if not i.decision)
        if undecided:
            problems.append(
                f"Decide every record: {undecided} not decided yet"
                if undecided > 1
                else "Decide every record: 1 not decided yet"
            )
    if export is not None and items:
        live = live_items(export)
        known = {(i.section, i.item_key): i for i in items}
        new = [key for key in live if key not in known]
        if new:
            problems.append(
                f"{len(new)} new record(s) were added after the review started: gather the "
                "records again and decide them"
            )
        changed = [
            i
            for key, i in known.items()
            if i.decision
            and key in live
            and live[key][1] is not None
            and i.fingerprint != item_fingerprint(i.section, live[key][1])  # type: ignore[arg-type]
        ]
        if changed:
            problems.append(
                f"{len(changed)} record(s) changed after they were decided: decide them again"
            )
    if sign_off and request.signed_off_by_id is None:
        problems.append("A second manager must sign off the review")
    return problems


def subject_access_sign_off(*, by: User, request: SubjectAccessRequest) -> SubjectAccessRequest:
    """A second manager signs off: every check done, every record decided and unchanged."""
    _may_work_on(by, request)
    if request.signed_off_by_id is not None:
        raise InvalidRequest("The review is already signed off")
    if by.pk in subject_access_checkers(request):
        raise InvalidRequest(
            "You recorded a check or decided a record: a different manager must sign off"
        )
    export = subject_access_collect(person=request.person, request=request)
    problems = release_problems(request, export=export, sign_off=False)
    if problems:
        raise InvalidRequest("; ".join(problems), errors={"sign_off": problems[0]})
    with transaction.atomic():
        request.signed_off_by = by
        request.signed_off_at = timezone.now()
        request.status = Stored.Status.SIGNED_OFF
        request.save(update_fields=["signed_off_by", "signed_off_at", "status"])
        _audit(
            by,
            request,
            RightsEvent.SUBJECT_ACCESS_SIGN_OFF,
            {
                "records": request.items.count(),
                "checkers": sorted(subject_access_checkers(request)),
            },
        )
    return request


# --- Release ---------------------------------------------------------------------------------


def _released_item(section: str, item: Item, decided: SubjectAccessItem) -> Item:
    """The record as the requester receives it: redactions applied, reviewers' notes removed."""
    redact = set(decided.redacted_fields) if decided.decision == decided.Decision.REDACT else set()
    fields = [
        Field.withheld(f.label, f.withheld_reason)
        if f.withheld_reason
        else Field.withheld(f.label, REDACTED_REASON)
        if f.label in redact
        else Field(f.label, f.value)
        for f in item.fields
    ]
    return dataclasses.replace(item, fields=fields, third_party=False, review_notes=[])


def released_copy(
    request: SubjectAccessRequest, export: SubjectAccessExport
) -> SubjectAccessExport:
    """The copy with only the records released in full or redacted; withheld records left out."""
    decisions = {(i.section, i.item_key): i for i in request.items.all()}
    sections = []
    for section in export.sections:
        items = []
        for item in section.items:
            key = (
                (section.name, WHOLE_SECTION_KEY)
                if section.name in WHOLE_SECTIONS
                else (section.name, item_key(item))
            )
            decided = decisions.get(key)
            if decided is None or not decided.is_released:
                continue
            items.append(_released_item(section.name, item, decided))
        if items:
            sections.append(dataclasses.replace(section, items=items))
    return dataclasses.replace(export, sections=sections, released=True)


def subject_access_release(*, by: User, request: SubjectAccessRequest) -> SubjectAccessRequest:
    """Make the reviewed copy (PDF and JSON), keep it with its fingerprints, audit one EXPORT."""
    if not can_open_subject_access_request(by, request):
        raise Forbidden("Only MASH managers handle subject access requests.")
    if request.status != Stored.Status.SIGNED_OFF:
        problems = release_problems(request) or ["The request is not ready for release"]
        raise InvalidRequest("; ".join(problems), errors={"release": problems[0]})
    export = subject_access_collect(person=request.person, request=request)
    problems = release_problems(request, export=export)
    if problems:
        raise InvalidRequest("; ".join(problems), errors={"release": problems[0]})
    copy = released_copy(request, export)
    files = {"json": render_json(copy), "pdf": render_pdf(copy)}
    hashes = {fmt: sha256(data) for fmt, data in files.items()}
    with transaction.atomic():
        request.copy_pdf = files["pdf"]
        request.copy_json = files["json"]
        request.pdf_sha256 = hashes["pdf"]
        request.json_sha256 = hashes["json"]
        request.exported_at = copy.generated_at
        request.released_by = by
        request.status = Stored.Status.RELEASED
        request.save()
        _audit(
            by,
            request,
            RightsEvent.SUBJECT_ACCESS_RELEASE,
            {
                "records": copy.item_count,
                "withheld": request.items.exclude(
                    decision__in=[
                        SubjectAccessItem.Decision.RELEASE,
                        SubjectAccessItem.Decision.REDACT,
                    ]
                ).count(),
                "redacted": request.items.filter(
                    decision=SubjectAccessItem.Decision.REDACT
                ).count(),
                "sha256": hashes,
                "signed_off_by": request.signed_off_by_id,
            },
            action=AuditAction.EXPORT,
            reason="Subject access request (UK GDPR Article 15)",
        )
    return request


def subject_access_copy_download(*, by: User, request: SubjectAccessRequest, fmt: str) -> bytes:
    """The released copy, as kept (each download audited)."""
    if not can_open_subject_access_request(by, request):
        raise Forbidden("Only MASH managers handle subject access requests.")
    data = request.copy_pdf if fmt == "pdf" else request.copy_json
    if request.status not in (Stored.Status.RELEASED, Stored.Status.COMPLETED) or not data:
        raise InvalidRequest(
            "The copy has not been released yet: finish the checks and the sign-off first"
        )
    with transaction.atomic():
        _audit(
            by,
            request,
            RightsEvent.SUBJECT_ACCESS_DOWNLOAD,
            {"format": fmt, "sha256": request.pdf_sha256 if fmt == "pdf" else request.json_sha256},
            action=AuditAction.EXPORT,
            reason="Subject access request (UK GDPR Article 15)",
        )
    return bytes(data)


def subject_access_request_refuse(
    *, by: User, request: SubjectAccessRequest, reason: str
) -> SubjectAccessRequest:
    """Close a request without a copy (for example, a competent child does not agree)."""
    _may_work_on(by, request)
    reason = reason_clean(
        reason, min_length=10, min_words=2, blank="Enter why the request is closed without a copy"
    )
    with transaction.atomic():
        before = request.status
        request.status = Stored.Status.REFUSED
        request.refused_reason = reason
        request.completed_on = timezone.localdate()
        request.save(update_fields=["status", "refused_reason", "completed_on"])
        _audit(
            by,
            request,
            RightsEvent.SUBJECT_ACCESS_REFUSE,
            {"status": {"before": before, "after": request.status}},
            reason=reason,
        )
    return request


# --- Finding the person, with a reason -------------------------------------------------------


def subject_access_find(*, by: User, query: str, reason: str) -> list[Person]:
    """Find the person a request is about: a search across everyone, so the reason is recorded.

    The search itself and every person it names are audited with the reason (the same
    rule as the MASH search across everyone), so the person's own copy shows who looked
    them up and why.
    """
    from safeguard.people.search import QueryError, parse_query
    from safeguard.people.selectors import person_search_all

    if not can_handle_subject_access(by):
        raise Forbidden("Only MASH managers handle subject access requests.")
    reason = open_reason_clean(reason)
    found: list[Person] = []
    try:
        found = list(Person.objects.filter(pk=uuid.UUID(query.strip())))
    except ValueError:
        try:
            parsed = parse_query(query)
        except QueryError:
            parsed = None
        if parsed is not None:
            found = [r.person for r in person_search_all(user=by, query=parsed)][:20]
    with transaction.atomic():
        audit_record(
            by=by,
            action=AuditAction.SEARCH,
            object_type=RightsEvent.SUBJECT_ACCESS_FIND,
            reason=reason,
            changes={"results": len(found)},
        )
        if found:  # one event naming everyone found (issue 19: an audit that scales)
            audit_record_many(
                by=by,
                entries=[
                    AuditEntry(
                        action=AuditAction.LIST,
                        object_type=RightsEvent.SUBJECT_ACCESS_FIND,
                        people=tuple(p.pk for p in found),
                        reason=reason,
                    )
                ],
            )
    return found


def subject_access_intake_view_record(*, by: User, person: Person, reason: str) -> None:
    """Record that a handler opened a person they have no other basis to see, and why."""
    if not can_handle_subject_access(by):
        raise Forbidden("Only MASH managers handle subject access requests.")
    audit_record(
        by=by,
        action=AuditAction.VIEW,
        object_type=RightsEvent.SUBJECT_ACCESS_INTAKE,
        object_id=person.pk,
        person_id=person.pk,
        reason=open_reason_clean(reason),
    )
