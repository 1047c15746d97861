"""Every change to agency records, links and merges: access-checked, audited, one transaction each.

Thresholds (probabilities from the linkage engine, read from settings by
:func:`safeguard.records.thresholds.linking_thresholds`; measured, see docs/linkage.md):

* at or above the automatic threshold the record is linked automatically;
* from the review threshold up to it, a Multi-Agency Safeguarding Hub
  (MASH) worker decides in the review queue;
* below, the record becomes a new person.

Two existing people are never merged without a person confirming it, and every
link, merge and unmerge can be undone.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import Field, Q
from django.utils import timezone

from safeguard.core.audit import AuditEntry, audit_record, audit_record_many, json_safe
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import Agency, AuditAction
from safeguard.core.text import reason_clean
from safeguard.people import registry
from safeguard.people.access import AccessDenied, can_view_person
from safeguard.people.events import PeopleEvent
from safeguard.people.identifiers import normalise_postcode
from safeguard.people.models import (
    Address,
    ChronologyEvent,
    OtherName,
    Person,
)
from safeguard.people.search import name_key

from . import scoring
from .events import RecordsEvent
from .models import AgencyRecord, LinkReview, LinkStatus, PersonMerge, RecordImport
from .parsing import (
    UploadError,
    check_mapping,
    clean_rows,
    file_sha256,
    guess_mapping,
    parse_file,
)
from .thresholds import Thresholds, linking_thresholds

if TYPE_CHECKING:
    from safeguard.core.models import User

MAX_CANDIDATES = 3
#: Shown for a possible match the front door raises without scoring it (as before the
#: thresholds became settings): the review page works out the real likelihood.
POSSIBLE_MATCH_PROBABILITY = 0.5
LINK_BATCH = 2000

RECORD_FIELDS = (
    "given_name",
    "middle_names",
    "family_name",
    "date_of_birth_text",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "nhs_number",
    "unique_pupil_number",
    "police_reference",
)


@dataclass
class ImportResult:
    """What an import did, row by row and in total."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    auto_linked: int = 0
    awaiting_review: int = 0
    new_people: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    linkage_error: str = ""

    def as_dict(self) -> dict[str, Any]:
        """For storing on the import and printing."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "auto_linked": self.auto_linked,
            "awaiting_review": self.awaiting_review,
            "new_people": self.new_people,
            "linkage_error": self.linkage_error,
        }


def _require_mash(by: User | None) -> None:
    if by is not None and not by.has_perm("records.work_records"):
        raise AccessDenied("Only Multi-Agency Safeguarding Hub (MASH) staff can do this.")


# --- Import -------------------------------------------------------------------------------------


def record_import_create(
    *, by: User, agency: Agency, file_name: str, content: bytes
) -> RecordImport:
    """Check an uploaded extract, keep it (in the database) until it is confirmed, guess its columns."""
    _require_mash(by)
    parsed = parse_file(file_name, content)
    with transaction.atomic():
        record_import = RecordImport.objects.create(
            agency=agency,
            file_name=file_name[-200:],
            file_kind=parsed.kind,
            file_sha256=file_sha256(content),
            content=content,
            mapping=guess_mapping(parsed.headers),
            created_by=by,
            summary={"rows": len(parsed.rows)},
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=RecordsEvent.RECORD_IMPORT,
            object_id=record_import.pk,
            changes={
                "agency": agency.slug,
                "file": record_import.file_name,
                "rows": len(parsed.rows),
            },
        )
    return record_import


def record_import_map(
    *, by: User, record_import: RecordImport, mapping: dict[str, str]
) -> RecordImport:
    """Save which column holds which field; raises ValueError listing what is wrong."""
    _require_mash(by)
    if record_import.status in (RecordImport.Status.IMPORTED, RecordImport.Status.CANCELLED):
        raise InvalidRequest("This import has already finished")
    problems = check_mapping(mapping)
    if problems:
        raise InvalidRequest("; ".join(problems))
    record_import.mapping = mapping
    record_import.status = RecordImport.Status.MAPPED
    record_import.save(update_fields=["mapping", "status"])
    return record_import


def record_import_confirm(
    *, by: User, record_import: RecordImport, scorer: scoring.Scorer | None = None
) -> ImportResult:
    """Import the previewed rows, link them, and forget the file's bytes."""
    _require_mash(by)
    if record_import.status != RecordImport.Status.MAPPED:
        raise InvalidRequest("Match the columns before importing")
    parsed = parse_file(record_import.file_name, bytes(record_import.content))
    result = records_import_rows(
        by=by,
        agency=record_import.agency,
        parsed=parsed,
        mapping=record_import.mapping,
        record_import=record_import,
        scorer=scorer,
    )
    record_import.status = RecordImport.Status.IMPORTED
    record_import.imported_at = timezone.now()
    record_import.summary = {**record_import.summary, **result.as_dict()}
    record_import.errors = result.problems
    record_import.content = b""
    record_import.save(update_fields=["status", "imported_at", "summary", "errors", "content"])
    return result


def records_import_file(
    *,
    by: User | None,
    agency: Agency,
    file_name: str,
    content: bytes,
    mapping: dict[str, str] | None = None,
    scorer: scoring.Scorer | None = None,
) -> ImportResult:
    """Import a whole file in one go (the command line): check, map, import, link."""
    _require_mash(by)
    parsed = parse_file(file_name, content)
    mapping = mapping or guess_mapping(parsed.headers)
    problems = check_mapping(mapping)
    if problems:
        raise UploadError("; ".join(problems))
    record_import = RecordImport.objects.create(
        agency=agency,
        file_name=file_name[-200:],
        file_kind=parsed.kind,
        file_sha256=file_sha256(content),
        mapping=mapping,
        status=RecordImport.Status.MAPPED,
        created_by=by,
        summary={"rows": len(parsed.rows)},
    )
    result = records_import_rows(
        by=by,
        agency=agency,
        parsed=parsed,
        mapping=mapping,
        record_import=record_import,
        scorer=scorer,
    )
    record_import.status = RecordImport.Status.IMPORTED
    record_import.imported_at = timezone.now()
    record_import.summary = {**record_import.summary, **result.as_dict()}
    record_import.errors = result.problems
    record_import.save(update_fields=["status", "imported_at", "summary", "errors"])
    return result


def records_import_rows(
    *,
    by: User | None,
    agency: Agency,
    parsed: Any,
    mapping: dict[str, str],
    record_import: RecordImport | None = None,
    scorer: scoring.Scorer | None = None,
    link: bool = True,
) -> ImportResult:
    """Store good rows (new or changed only: re-importing the same extract changes nothing), then link.

    ``link=False`` stores the rows only; :func:`records_link_unmatched` links them later
    (the demo imports every agency's extract first, then trains the model on all of them).
    """
    result = ImportResult()
    rows = clean_rows(parsed, mapping)
    good = []
    for row in rows:
        result.problems.extend(p.as_dict() for p in row.problems)
        if any(p.skipped for p in row.problems):
            result.rejected += 1
        else:
            good.append(row)
    to_link: list[AgencyRecord] = []
    with transaction.atomic():
        existing = {
            r.agency_record_id: r
            for r in AgencyRecord.objects.filter(
                agency=agency, agency_record_id__in=[row.values["agency_record_id"] for row in good]
            )
        }
        entries: list[AuditEntry] = []
        for row in good:
            values = dict(row.values)
            agency_id = values.pop("agency_record_id")
            record = existing.get(agency_id)
            if record is not None and record.content_hash == row.content_hash:
                result.unchanged += 1
                continue
            keys = {
                "given_name_key": name_key(values["given_name"]),
                "family_name_key": name_key(values["family_name"]),
            }
            if record is None:
                record = AgencyRecord.objects.create(
                    agency=agency,
                    agency_record_id=agency_id,
                    raw=row.raw,
                    content_hash=row.content_hash,
                    record_import=record_import,
                    link_status=LinkStatus.AWAITING_REVIEW,
                    **values,
                    **keys,
                )
                result.created += 1
                entries.append(
                    AuditEntry(
                        action=AuditAction.CREATE,
                        object_type=RecordsEvent.AGENCY_RECORD,
                        object_id=str(record.pk),
                        changes={
                            "agency": agency.slug,
                            "agency_record_id": agency_id,
                            "row": row.row,
                        },
                    )
                )
                to_link.append(record)
            else:
                before = {name: getattr(record, name) for name in RECORD_FIELDS}
                for name, value in {**values, **keys}.items():
                    setattr(record, name, value)
                record.raw, record.content_hash, record.record_import = (
                    row.raw,
                    row.content_hash,
                    record_import,
                )
                record.save()
                result.updated += 1
                changed = {
                    k: {"before": str(before[k]), "after": str(values[k])}
                    for k in RECORD_FIELDS
                    if str(before[k]) != str(values[k])
                }
                entries.append(
                    AuditEntry(
                        action=AuditAction.UPDATE,
                        object_type=RecordsEvent.AGENCY_RECORD,
                        object_id=str(record.pk),
                        person_id=record.person_id,
                        changes=changed,
                    )
                )
                if record.person_id is None:
                    to_link.append(record)
        audit_record_many(by=by, entries=entries)
    if to_link and link:
        try:
            linked = records_link(by=by, records=to_link, scorer=scorer)
        except scoring.LinkageUnavailable as exc:
            result.linkage_error = str(exc)
        else:
            result.auto_linked, result.awaiting_review, result.new_people = (
                linked[LinkStatus.AUTO_LINKED],
                linked[LinkStatus.AWAITING_REVIEW],
                linked[LinkStatus.NEW_PERSON],
            )
    return result


# --- Linking ------------------------------------------------------------------------------------


def _existing_frame(exclude: set[uuid.UUID]) -> tuple[Any, dict[str, uuid.UUID]]:
    """Every current person and every linked agency record, with the person each row stands for."""
    rows: list[dict[str, Any]] = []
    owner: dict[str, uuid.UUID] = {}
    addresses = dict(
        Address.objects.filter(moved_out__isnull=True).values_list("person_id", "line_1")
    )
    previous: dict[uuid.UUID, list[str]] = defaultdict(list)
    for person_id, postcode in Address.objects.filter(moved_out__isnull=False).values_list(
        "person_id", "postcode"
    ):
        if postcode:
            previous[person_id].append(postcode)
    other_names: dict[uuid.UUID, list[str]] = defaultdict(list)
    for person_id, other_given in OtherName.objects.values_list("person_id", "given_name"):
        if other_given:
            other_names[person_id].append(other_given)
    people = Person.objects.filter(merged_into__isnull=True).only(
        "id", "given_name", "family_name", "date_of_birth", "sex", "current_postcode", "nhs_number"
    )
    for person in people.iterator(chunk_size=2000):
        key = f"p:{person.pk}"
        rows.append(
            scoring.person_row(
                person,
                key,
                addresses.get(person.pk, ""),
                previous_postcodes=previous.get(person.pk),
                other_names=other_names.get(person.pk),
            )
        )
        owner[key] = person.pk
    linked = AgencyRecord.objects.filter(
        person__isnull=False, person__merged_into__isnull=True
    ).exclude(pk__in=exclude)
    for record in linked.iterator(chunk_size=2000):
        key = f"r:{record.pk}"
        rows.append(scoring.record_row(record, key))
        assert record.person_id is not None  # noqa: S101 - filtered above
        owner[key] = record.person_id
    return scoring.frame(rows), owner


def records_link(
    *, by: User | None, records: Sequence[AgencyRecord], scorer: scoring.Scorer | None = None
) -> dict[str, int]:
    """Score records against everyone already known and link, queue for review, or create a person."""
    scorer = scorer or scoring.get_scorer()
    limits = linking_thresholds()
    counts: dict[str, int] = defaultdict(int)
    for start in range(0, len(records), LINK_BATCH):
        batch = list(records[start : start + LINK_BATCH])
        right, owner = _existing_frame({r.pk for r in batch})
        left_rows = {f"n:{r.pk}": scoring.record_row(r, f"n:{r.pk}") for r in batch}
        pairs = scorer.score(
            scoring.frame(list(left_rows.values())), right, threshold=limits.review
        )
        best: dict[str, dict[uuid.UUID, tuple[float, float | None, str]]] = defaultdict(dict)
        for pair in pairs.itertuples(index=False):
            left_id, right_id = str(pair.left_id), str(pair.right_id)
            if not left_id.startswith("n:"):
                left_id, right_id = right_id, left_id
            person_id = owner.get(right_id)
            if person_id is None or left_id not in left_rows:
                continue
            probability = float(pair.match_probability)
            weight = getattr(pair, "match_weight", None)
            current = best[left_id].get(person_id)
            if current is None or probability > current[0]:
                best[left_id][person_id] = (
                    probability,
                    float(weight) if weight is not None and math.isfinite(weight) else None,
                    right_id,
                )
        with transaction.atomic():
            for record in batch:
                key = f"n:{record.pk}"
                candidates = sorted(best.get(key, {}).items(), key=lambda item: -item[1][0])
                status = _decide(
                    by=by,
                    record=record,
                    candidates=candidates,
                    scorer=scorer,
                    limits=limits,
                )
                counts[status] += 1
    return counts


def records_link_unmatched(
    *, by: User | None, scorer: scoring.Scorer | None = None
) -> dict[str, int]:
    """Link every record not yet linked nor waiting in the queue (after an engine failure, say).

    First, records already waiting whose best match is now at or above the automatic
    threshold (it was lowered, say) are linked: they need no person.
    """
    _require_mash(by)
    record_reviews_settle(by=by)
    waiting = LinkReview.objects.filter(status=LinkReview.Status.OPEN, record__isnull=False).values(
        "record_id"
    )
    records = list(
        AgencyRecord.objects.filter(person__isnull=True)
        .exclude(pk__in=waiting)
        .select_related("agency")
        .order_by("created_at", "pk")
    )
    return records_link(by=by, records=records, scorer=scorer) if records else {}


def record_reviews_settle(*, by: User | None) -> int:
    """Link waiting records whose best match is at or above the automatic threshold.

    Such a pair does not wait for a person: the record is linked to its best candidate
    as an automatic link would be (audited, undoable), and its open reviews close as no
    longer needed. A second candidate also at or above the threshold opens a review of
    the two people, as at linking time. Returns how many records were linked.
    """
    _require_mash(by)
    limits = linking_thresholds()
    open_reviews = LinkReview.objects.filter(
        status=LinkReview.Status.OPEN, kind=LinkReview.Kind.RECORD, record__isnull=False
    )
    clear = list(
        open_reviews.filter(match_probability__gte=limits.auto_link)
        .values_list("record_id", flat=True)
        .distinct()
    )
    linked = 0
    for record_id in clear:
        with transaction.atomic():
            record = AgencyRecord.objects.select_for_update().get(pk=record_id)
            if record.person_id is not None:
                continue
            reviews = list(open_reviews.filter(record=record).order_by("-match_probability", "pk"))
            if not reviews or reviews[0].match_probability < limits.auto_link:
                continue
            best = reviews[0]
            record.person_id = best.candidate_id
            record.link_status = LinkStatus.AUTO_LINKED
            record.match_probability = best.match_probability
            record.save(update_fields=["person", "link_status", "match_probability", "updated_at"])
            LinkReview.objects.filter(pk__in=[r.pk for r in reviews]).update(
                status=LinkReview.Status.SUPERSEDED
            )
            audit_record(
                by=by,
                action=AuditAction.UPDATE,
                object_type=RecordsEvent.AGENCY_RECORD_LINK,
                object_id=record.pk,
                person_id=best.candidate_id,
                changes={
                    "operation": "auto_link",
                    "match_probability": best.match_probability,
                    "model_version": best.model_version,
                    "settled_from_review": best.pk,
                },
            )
            for other in reviews[1:MAX_CANDIDATES]:
                if other.match_probability >= limits.auto_link:
                    _open_people_review(
                        survivor_id=best.candidate_id,
                        other_id=other.candidate_id,
                        probability=other.match_probability,
                        weight=other.match_weight,
                        matched_row=other.matched_row,
                        version=other.model_version,
                    )
            linked += 1
    return linked


def _decide(
    *,
    by: User | None,
    record: AgencyRecord,
    candidates: list[tuple[uuid.UUID, tuple[float, float | None, str]]],
    scorer: scoring.Scorer,
    limits: Thresholds,
) -> str:
    record.model_version = scorer.version[:60]
    top = candidates[0][1][0] if candidates else None
    record.match_probability = top
    if top is not None and top >= limits.auto_link:
        person_id = candidates[0][0]
        record.person_id = person_id
        record.link_status = LinkStatus.AUTO_LINKED
        record.save(
            update_fields=[
                "person",
                "link_status",
                "match_probability",
                "model_version",
                "updated_at",
            ]
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=RecordsEvent.AGENCY_RECORD_LINK,
            object_id=record.pk,
            person_id=person_id,
            changes={
                "operation": "auto_link",
                "match_probability": top,
                "model_version": scorer.version,
            },
        )
        # Another existing person also matches with near certainty: ask a person, never merge silently.
        for other_id, (probability, weight, right_id) in candidates[1:MAX_CANDIDATES]:
            if probability >= limits.auto_link:
                _open_people_review(
                    survivor_id=person_id,
                    other_id=other_id,
                    probability=probability,
                    weight=weight,
                    matched_row=right_id,
                    version=scorer.version,
                )
        return LinkStatus.AUTO_LINKED
    if top is not None and top >= limits.review:
        record.link_status = LinkStatus.AWAITING_REVIEW
        record.save(
            update_fields=["link_status", "match_probability", "model_version", "updated_at"]
        )
        for person_id, (probability, weight, right_id) in candidates[:MAX_CANDIDATES]:
            if probability < limits.review:
                continue
            LinkReview.objects.create(
                kind=LinkReview.Kind.RECORD,
                record=record,
                candidate_id=person_id,
                match_probability=probability,
                match_weight=weight,
                matched_row=right_id,
                model_version=scorer.version[:60],
            )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=RecordsEvent.AGENCY_RECORD_LINK,
            object_id=record.pk,
            changes={
                "operation": "queued_for_review",
                "match_probability": top,
                "candidates": [str(c[0]) for c in candidates[:MAX_CANDIDATES]],
            },
        )
        return LinkStatus.AWAITING_REVIEW
    _new_person_from(by=by, record=record, probability=top)
    return LinkStatus.NEW_PERSON


def _open_people_review(
    *,
    survivor_id: uuid.UUID,
    other_id: uuid.UUID,
    probability: float,
    weight: float | None,
    matched_row: str,
    version: str,
) -> LinkReview | None:
    pair = Q(person_id=survivor_id, candidate_id=other_id) | Q(
        person_id=other_id, candidate_id=survivor_id
    )
    if LinkReview.objects.filter(pair, kind=LinkReview.Kind.PEOPLE).exists():
        return None
    return LinkReview.objects.create(
        kind=LinkReview.Kind.PEOPLE,
        person_id=survivor_id,
        candidate_id=other_id,
        match_probability=probability,
        match_weight=weight,
        matched_row=matched_row,
        model_version=version[:60],
    )


def possible_match_open(
    *, by: User, person: Person, candidate: Person, source: str
) -> LinkReview | None:
    """Ask the MASH whether ``candidate`` is ``person``: a match nobody may act on unseen.

    Called by the front door when a reported child's identifier (or name and date of
    birth) matches someone the reporter may not see, or whose details disagree: the
    concern goes on a new record and this review lets the MASH decide. ``person`` is
    the existing record the new one would be merged into. No likelihood is computed
    here; the review page explains the match when it is opened.
    """
    review = _open_people_review(
        survivor_id=person.pk,
        other_id=candidate.pk,
        probability=POSSIBLE_MATCH_PROBABILITY,
        weight=None,
        matched_row=f"p:{person.pk}",
        version="",
    )
    if review is not None:
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=RecordsEvent.LINK_REVIEW,
            object_id=review.pk,
            person_id=candidate.pk,
            changes={"operation": "possible_match", "other": str(person.pk), "source": source},
        )
    return review


def _person_row_with_history(person: Person, record_id: str) -> dict[str, Any]:
    """A person as the engine saw them when linking: current address, previous postcodes, other names."""
    addresses = list(Address.objects.filter(person=person))
    current = next((a for a in addresses if a.moved_out is None), None)
    return scoring.person_row(
        person,
        record_id,
        current.line_1 if current else "",
        previous_postcodes=[a.postcode for a in addresses if a.moved_out and a.postcode],
        other_names=[
            name
            for name in OtherName.objects.filter(person=person).values_list("given_name", flat=True)
            if name
        ],
    )


def _candidate_row(review: LinkReview) -> dict[str, Any]:
    if review.matched_row.startswith("r:"):
        record = AgencyRecord.objects.filter(pk=review.matched_row[2:]).first()
        if record is not None:
            return scoring.record_row(record, "b")
    return _person_row_with_history(review.candidate, "b")


def review_explanation(*, review: LinkReview) -> list[dict[str, Any]]:
    """The match weights for a review, worked out by the engine when first asked for, then kept."""
    if review.explanation:
        return list(review.explanation)
    if review.kind == LinkReview.Kind.RECORD and review.record is not None:
        left = scoring.record_row(review.record, "a")
    elif review.person is not None:
        left = _person_row_with_history(review.person, "a")
    else:
        return []
    try:
        rows = scoring.get_scorer().explain(left, _candidate_row(review))
    except scoring.LinkageUnavailable:
        return []
    LinkReview.objects.filter(pk=review.pk).update(explanation=rows)
    review.explanation = rows
    return rows


def _new_person_from(*, by: User | None, record: AgencyRecord, probability: float | None) -> Person:
    """A new person made from an agency record nobody else's matches."""
    person = Person(
        given_name=record.given_name or "Not known",
        middle_names=record.middle_names,
        family_name=record.family_name or "Not known",
        date_of_birth=record.date_of_birth,
        sex=record.sex,
        nhs_number=record.nhs_number,
        unique_pupil_number=record.unique_pupil_number,
        police_reference=record.police_reference,
    )
    person.refresh_search_keys(postcode=record.postcode)
    person.save()
    if record.address or record.postcode:
        Address.objects.create(
            person=person,
            line_1=record.address or "Address not known",
            postcode=normalise_postcode(record.postcode),
        )
    ChronologyEvent.objects.create(
        person=person,
        occurred_at=timezone.now(),
        category=ChronologyEvent.Category.RECORD,
        title=f"Record created from {record.agency.name}'s record",
        agency=record.agency,
        recorded_by=by,
        source_type="agency_record",
        source_id=str(record.pk),
    )
    record.person = person
    record.link_status = LinkStatus.NEW_PERSON
    record.match_probability = probability
    record.save(
        update_fields=["person", "link_status", "match_probability", "model_version", "updated_at"]
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=PeopleEvent.PERSON,
        object_id=person.pk,
        person_id=person.pk,
        changes={
            "operation": "new_person_from_agency_record",
            "agency_record": str(record.pk),
            "best_match_probability": probability,
        },
    )
    return person


def review_decide(
    *, by: User, review: LinkReview, same_person: bool, reason: str = ""
) -> LinkReview:
    """A MASH worker says whether the two are the same person; only this ever merges two people."""
    _require_mash(by)
    with transaction.atomic():
        review = LinkReview.objects.select_for_update().get(pk=review.pk)
        if review.status != LinkReview.Status.OPEN:
            raise InvalidRequest("This match has already been decided")
        review.status = LinkReview.Status.CONFIRMED if same_person else LinkReview.Status.REJECTED
        review.decided_by, review.decided_at, review.reason = by, timezone.now(), reason.strip()
        review.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        if review.kind == LinkReview.Kind.RECORD:
            _decide_record(by=by, review=review, same_person=same_person)
        elif same_person:
            assert review.person is not None  # noqa: S101 - a people review always names both
            person_merge(
                by=by, survivor=review.person, merged=review.candidate, reason=reason, review=review
            )
        else:
            audit_record(
                by=by,
                action=AuditAction.UPDATE,
                object_type=RecordsEvent.LINK_REVIEW,
                object_id=review.pk,
                person_id=review.person_id,
                changes={"operation": "not_same_person", "other": str(review.candidate_id)},
                reason=reason,
            )
    return review


def _decide_record(*, by: User, review: LinkReview, same_person: bool) -> None:
    if review.record_id is None:
        raise InvalidRequest("This match has no agency record")
    record = (
        AgencyRecord.objects.select_for_update().select_related("agency").get(pk=review.record_id)
    )
    if same_person:
        record.person_id = review.candidate_id
        record.link_status = LinkStatus.CONFIRMED
        record.match_probability = review.match_probability
        record.save(update_fields=["person", "link_status", "match_probability", "updated_at"])
        LinkReview.objects.filter(record=record, status=LinkReview.Status.OPEN).update(
            status=LinkReview.Status.SUPERSEDED
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=RecordsEvent.AGENCY_RECORD_LINK,
            object_id=record.pk,
            person_id=review.candidate_id,
            reason=review.reason,
            changes={
                "operation": "confirmed_link",
                "review": review.pk,
                "match_probability": review.match_probability,
            },
        )
        return
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=RecordsEvent.LINK_REVIEW,
        object_id=review.pk,
        person_id=review.candidate_id,
        reason=review.reason,
        changes={"operation": "not_same_person", "agency_record": str(record.pk)},
    )
    if not LinkReview.objects.filter(record=record, status=LinkReview.Status.OPEN).exists():
        _new_person_from(by=by, record=record, probability=record.match_probability)


def record_unlink(*, by: User, record: AgencyRecord, reason: str) -> AgencyRecord:
    """Undo a link: the record becomes a person of its own again (the old link stays in the audit)."""
    _require_mash(by)
    reason = reason_clean(reason, blank="Give a reason for undoing the link")
    with transaction.atomic():
        record = AgencyRecord.objects.select_for_update().select_related("agency").get(pk=record.pk)
        previous = record.person_id
        if by is not None and previous is not None and not can_view_person(by, previous):
            # Only someone who may see the person (or has recorded why) changes their records.
            raise AccessDenied("Record why you need to look at this person before undoing a link.")
        if previous is None or record.link_status == LinkStatus.NEW_PERSON:
            raise InvalidRequest("This record is not linked to another person's record")
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=RecordsEvent.AGENCY_RECORD_LINK,
            object_id=record.pk,
            person_id=previous,
            reason=reason.strip(),
            changes={"operation": "unlink", "previous_status": record.link_status},
        )
        _new_person_from(by=by, record=record, probability=record.match_probability)
    return record


# --- Merge and unmerge --------------------------------------------------------------------------
#
# Every row about a person, in every app, is found through the person-linked data
# registry (``people/registry.py``): nothing here names another app's models.

REMOVED_SUFFIX = ":removed"


def _ids(values: Iterable[Any]) -> list[str]:
    return [str(v) for v in values]


def _row_values(row: Any) -> dict[str, Any]:
    """A row's own column values, to put a removed duplicate back exactly as it was."""
    return {f.attname: json_safe(getattr(row, f.attname)) for f in row._meta.concrete_fields}


def _move(link: registry.PersonLink, step: registry.MergeStep, moved: dict[str, list[Any]]) -> None:
    """Re-point one link's rows at the survivor; a row that would duplicate one is removed."""
    rows = link.rows_for(step.merged_id)
    removed: list[dict[str, Any]] = []
    if link.unique_with:
        columns = [
            cast(Field, link.model._meta.get_field(name)).attname for name in link.unique_with
        ]
        taken = set(link.rows_for(step.survivor_id).values_list(*columns))
        duplicates = [
            row
            for row in rows.order_by("pk")
            if tuple(getattr(row, column) for column in columns) in taken
        ]
        removed = [_row_values(row) for row in duplicates]
        link.model._default_manager.filter(pk__in=[row.pk for row in duplicates]).delete()
    ids = list(rows.values_list("pk", flat=True))
    link.model._default_manager.filter(pk__in=ids).update(**{link.field: step.survivor_id})
    moved[link.key] = _ids(ids)
    if removed:
        moved[link.key + REMOVED_SUFFIX] = removed


def _move_back(link: registry.PersonLink, step: registry.MergeStep, moved: dict[str, Any]) -> None:
    """Put back exactly the rows a merge moved (and re-create the duplicates it removed)."""
    manager = link.model._default_manager
    pk_field = link.model._meta.pk
    assert pk_field is not None  # noqa: S101 - every model has a primary key
    pks = [pk_field.to_python(pk) for pk in moved.get(link.key, [])]
    manager.filter(pk__in=pks, **{link.field: step.survivor_id}).update(
        **{link.field: step.merged_id}
    )
    removed = moved.get(link.key + REMOVED_SUFFIX, [])
    if removed:
        fields = {f.attname: f for f in link.model._meta.concrete_fields}
        manager.bulk_create(
            [
                link.model(
                    **{name: fields[name].to_python(value) for name, value in values.items()}
                )
                for values in removed
            ]
        )


def person_merge(
    *,
    by: User,
    survivor: Person,
    merged: Person,
    reason: str = "",
    review: LinkReview | None = None,
) -> PersonMerge:
    """Merge person ``merged`` into ``survivor`` in every app, remembering exactly which rows moved.

    Each declared link says what happens (``registry.OnMerge``): its rows move to
    the survivor, stay (with a declared reason), or go through the app's own handler.
    """
    _require_mash(by)
    if survivor.pk == merged.pk:
        raise InvalidRequest("A person cannot be merged with themselves")
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
        }
        if any(p.merged_into_id for p in locked.values()):
            raise InvalidRequest("One of these people has already been merged into someone else")
        step = registry.MergeStep(
            survivor_id=survivor.pk, merged_id=merged.pk, review_id=getattr(review, "pk", None)
        )
        moved: dict[str, list[Any]] = {}
        for link in registry.links():
            if link.merge is registry.OnMerge.MOVE:
                _move(link, step, moved)
            elif link.merge is registry.OnMerge.CUSTOM:
                assert link.on_merge is not None  # noqa: S101 - checked when registered
                moved[link.key] = link.on_merge(step)
        Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
        merge = PersonMerge.objects.create(
            survivor=survivor,
            merged=merged,
            moved=moved,
            review=review,
            reason=reason.strip(),
            merged_by=by,
        )
        counts = {k: len(v) for k, v in moved.items()}
        audit_record_many(
            by=by,
            entries=[
                AuditEntry(
                    action=AuditAction.UPDATE,
                    object_type=RecordsEvent.PERSON_MERGE,
                    object_id=str(merge.pk),
                    person_id=pid,
                    reason=reason.strip(),
                    changes={
                        "operation": "merge",
                        "survivor": str(survivor.pk),
                        "merged": str(merged.pk),
                        "moved": counts,
                    },
                )
                for pid in (survivor.pk, merged.pk)
            ],
        )
    merged.merged_into = survivor
    return merge


def person_unmerge(*, by: User, merge: PersonMerge, reason: str) -> PersonMerge:
    """Undo a merge: every row that moved goes back, so both people have their own records again."""
    _require_mash(by)
    reason = reason_clean(reason, blank="Give a reason for undoing the merge")
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.unmerged_at is not None:
            raise InvalidRequest("This merge has already been undone")
        survivor_id, merged_id = merge.survivor_id, merge.merged_id
        moved = merge.moved
        for link in reversed(registry.links()):
            step = registry.MergeStep(
                survivor_id=survivor_id,
                merged_id=merged_id,
                review_id=merge.review_id,
                moved=tuple(moved.get(link.key, [])),
            )
            if link.merge is registry.OnMerge.MOVE:
                _move_back(link, step, moved)
            elif link.merge is registry.OnMerge.CUSTOM:
                assert link.on_unmerge is not None  # noqa: S101 - checked when registered
                link.on_unmerge(step)
        Person.objects.filter(pk=merged_id).update(merged_into=None)
        if merge.review_id:
            LinkReview.objects.filter(pk=merge.review_id).update(status=LinkReview.Status.REJECTED)
        merge.unmerged_by, merge.unmerged_at, merge.unmerge_reason = (
            by,
            timezone.now(),
            reason.strip(),
        )
        merge.save(update_fields=["unmerged_by", "unmerged_at", "unmerge_reason"])
        audit_record_many(
            by=by,
            entries=[
                AuditEntry(
                    action=AuditAction.UPDATE,
                    object_type=RecordsEvent.PERSON_UNMERGE,
                    object_id=str(merge.pk),
                    person_id=pid,
                    reason=reason.strip(),
                    changes={
                        "operation": "unmerge",
                        "survivor": str(survivor_id),
                        "merged": str(merged_id),
                    },
                )
                for pid in (survivor_id, merged_id)
            ],
        )
    return merge
