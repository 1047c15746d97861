"""Reads for the review queue and agency records, with a fixed number of queries per page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet

from safeguard.core.models import Agency
from safeguard.people.models import Address, Person

from .models import AgencyRecord, LinkReview, PersonMerge, RecordImport

QUEUE_PAGE_SIZE = 25


def review_queue(*, user: Any, page: int = 1) -> Page:
    """Open matches for a Multi-Agency Safeguarding Hub (MASH) worker to decide, most likely first."""
    if not user.has_perm("records.work_records"):
        return Paginator(LinkReview.objects.none(), QUEUE_PAGE_SIZE).get_page(1)
    reviews = (
        LinkReview.objects.filter(status=LinkReview.Status.OPEN)
        .select_related("record__agency", "person", "candidate")
        .order_by("-match_probability", "created_at", "pk")
    )
    return Paginator(reviews, QUEUE_PAGE_SIZE).get_page(page)


def recent_decisions(*, user: Any, limit: int = 20) -> list[LinkReview]:
    """The user's own latest decisions, so a mistake can be undone."""
    if not user.has_perm("records.work_records"):
        return []
    return list(
        LinkReview.objects.filter(decided_by=user)
        .select_related("record__agency", "person", "candidate")
        .prefetch_related(Prefetch("merges", queryset=PersonMerge.objects.order_by("-merged_at")))
        .order_by("-decided_at")[:limit]
    )


def review_get(*, user: Any, review_id: int) -> LinkReview | None:
    """One match, if the user may decide matches."""
    if not user.has_perm("records.work_records"):
        return None
    return (
        LinkReview.objects.select_related("record__agency", "person", "candidate", "decided_by")
        .filter(pk=review_id)
        .first()
    )


@dataclass
class Side:
    """One side of the side-by-side comparison."""

    title: str
    caption: str
    values: dict[str, str]
    records: list[AgencyRecord]


@dataclass
class ComparisonRow:
    """One field of both records and whether they differ."""

    label: str
    left: str
    right: str
    differs: bool
    missing: bool


FIELDS = (
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("address", "Address"),
    ("postcode", "Postcode"),
    ("nhs_number", "NHS number"),
    ("unique_pupil_number", "Unique Pupil Number (UPN)"),
)


def _date(value: Any) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def _record_values(record: AgencyRecord) -> dict[str, str]:
    dob = _date(record.date_of_birth)
    if (
        record.date_of_birth is not None
        and record.date_of_birth_text
        and record.date_of_birth_text != record.date_of_birth.isoformat()
    ):
        dob = f"{dob} (written as {record.date_of_birth_text})"
    return {
        "given_name": record.given_name,
        "family_name": record.family_name,
        "date_of_birth": dob,
        "sex": record.get_sex_display() if record.sex != "unknown" else "",
        "address": record.address,
        "postcode": record.postcode,
        "nhs_number": record.nhs_number,
        "unique_pupil_number": record.unique_pupil_number,
    }


def _person_values(person: Person, address: Address | None) -> dict[str, str]:
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": _date(person.date_of_birth),
        "sex": person.get_sex_display() if person.sex != "unknown" else "",
        "address": address.line_1 if address else "",
        "postcode": person.current_postcode or (address.postcode if address else ""),
        "nhs_number": person.nhs_number,
        "unique_pupil_number": person.unique_pupil_number,
    }


def _comparable(key: str, value: str) -> str:
    value = value.split(" (written as", maxsplit=1)[0]
    return "".join(value.lower().split())


def _person_side(person: Person, title: str) -> Side:
    address = Address.objects.filter(person=person, moved_out__isnull=True).first()
    records = list(AgencyRecord.objects.filter(person=person).select_related("agency")[:20])
    return Side(
        title=title,
        caption=person.full_name,
        values=_person_values(person, address),
        records=records,
    )


def review_comparison(review: LinkReview) -> tuple[Side, Side, list[ComparisonRow]]:
    """Both records side by side, field by field, marking what differs."""
    if review.kind == LinkReview.Kind.RECORD and review.record is not None:
        record = review.record
        left = Side(
            title=f"{record.agency.name} record",
            caption=f"Reference {record.agency_record_id}",
            values=_record_values(record),
            records=[],
        )
    else:
        assert review.person is not None  # noqa: S101 - a people review names both
        left = _person_side(review.person, "Person already known")
    right = _person_side(review.candidate, "Possible match")
    rows = []
    for key, label in FIELDS:
        a, b = left.values.get(key, ""), right.values.get(key, "")
        missing = not a or not b
        differs = not missing and _comparable(key, a) != _comparable(key, b)
        rows.append(ComparisonRow(label=label, left=a, right=b, differs=differs, missing=missing))
    return left, right, rows


def imports_for(*, user: Any, limit: int = 10) -> list[RecordImport]:
    """Recent imports, for MASH staff."""
    if not user.has_perm("records.work_records"):
        return []
    return list(
        RecordImport.objects.select_related("agency")
        .defer("content")
        .order_by("-created_at")[:limit]
    )


def import_get(*, user: Any, import_id: uuid.UUID) -> RecordImport | None:
    """One import, for MASH staff."""
    if not user.has_perm("records.work_records"):
        return None
    return RecordImport.objects.select_related("agency").filter(pk=import_id).first()


def importing_agencies() -> QuerySet[Agency]:
    """Agencies whose records can be imported."""
    return Agency.objects.filter(active=True).order_by("name")


def person_records(*, person: Person) -> tuple[list[AgencyRecord], list[PersonMerge]]:
    """A person's agency records and the merges into them (for the linked records page)."""
    records = list(
        AgencyRecord.objects.filter(person=person).select_related("agency").order_by("agency__name")
    )
    merges = list(
        PersonMerge.objects.filter(survivor=person).select_related(
            "merged", "merged_by", "unmerged_by"
        )
    )
    return records, merges


def merge_get(*, user: Any, merge_id: int) -> PersonMerge | None:
    """One merge, for MASH staff."""
    if not user.has_perm("records.work_records"):
        return None
    return (
        PersonMerge.objects.select_related("survivor", "merged", "merged_by")
        .filter(pk=merge_id)
        .first()
    )
