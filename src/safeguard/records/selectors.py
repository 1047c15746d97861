"""Reads for the review queue and agency records, with a fixed number of queries per page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    F,
    FloatField,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Abs
from django.utils import timezone

from safeguard.core.models import Agency
from safeguard.people.models import Address, Person

from .models import AgencyRecord, LinkReview, PersonMerge, RecordImport
from .thresholds import clearing_time, linking_thresholds

QUEUE_PAGE_SIZE = 25


def _adulthood_cutoff(today: date) -> date:
    """People born after this date are children (under 18) today."""
    try:
        return today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 18, day=28)


def review_queue(*, user: Any, page: int = 1) -> Page:
    """Open matches for a Multi-Agency Safeguarding Hub (MASH) worker, the ones that matter most first.

    Children first (under 18 on either side, or no date of birth known: assume a child),
    then the pairs closest to the automatic threshold (the likeliest to be one person,
    whose fragmented history matters most), then the oldest.
    """
    if not user.has_perm("records.work_records"):
        return Paginator(LinkReview.objects.none(), QUEUE_PAGE_SIZE).get_page(1)
    cutoff = _adulthood_cutoff(timezone.localdate())
    child = (
        Q(candidate__date_of_birth__isnull=True)
        | Q(candidate__date_of_birth__gt=cutoff)
        | Q(record__date_of_birth__gt=cutoff)
        | Q(person__date_of_birth__gt=cutoff)
    )
    auto_link = linking_thresholds().auto_link
    reviews = (
        LinkReview.objects.filter(status=LinkReview.Status.OPEN)
        .select_related("record__agency", "person", "candidate")
        .annotate(
            is_child=Case(
                When(child, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            distance=Abs(F("match_probability") - Value(auto_link, output_field=FloatField())),
        )
        .order_by("-is_child", "distance", "created_at", "pk")
    )
    return Paginator(reviews, QUEUE_PAGE_SIZE).get_page(page)


@dataclass(frozen=True)
class QueueSize:
    """How many pairs wait and how long a person needs to clear them."""

    waiting: int
    minutes_per_pair: float
    clearing_time: str


def review_queue_size(*, waiting: int) -> QueueSize:
    """The expected time to clear ``waiting`` pairs at the configured minutes per pair."""
    minutes = linking_thresholds().minutes_per_pair
    return QueueSize(
        waiting=waiting, minutes_per_pair=minutes, clearing_time=clearing_time(waiting, minutes)
    )


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
