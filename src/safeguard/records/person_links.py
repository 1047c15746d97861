"""What the records app holds about a person: agency records, link reviews and merges.

Imported by ``RecordsConfig.ready()``; see ``safeguard.people.registry``. The keys
and section names are those these links had when they were declared in ``people``,
so merges recorded then can still be undone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from safeguard.people.registry import (
    MergeStep,
    OnMerge,
    OnRetention,
    PersonLink,
    Shown,
    SubjectAccess,
    register,
)

from .models import AgencyRecord, LinkReview, PersonMerge

ERASE_WITH_PERSON = "Deleted with the person."


# --- AgencyRecord -----------------------------------------------------
register(
    PersonLink(
        model=AgencyRecord,
        field="person",
        key="agency_records",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section="people.agency_records",
            title="Agencies' own records of you",
            label="Agency record",
            order=17,
            explanation="Each agency's own copy of your details, as it sent them to us.",
            date="created_at",
            agency="agency.name",
            fields=(
                Shown("Agency", "agency.name"),
                Shown("The agency's own reference", "agency_record_id"),
                Shown("Name as the agency holds it", "full_name"),
                Shown("Date of birth as given", "date_of_birth_text"),
                Shown("Address as given", "address"),
                Shown("Postcode as given", "postcode"),
                Shown("NHS number", "nhs_number"),
                Shown("Unique Pupil Number (UPN)", "unique_pupil_number"),
                Shown("Police reference", "police_reference"),
                Shown("How it was linked to your record", "get_link_status_display"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person (it is the agency's copy of their details).",
    )
)


# --- LinkReview: open reviews of the merged person are superseded ---
def _reviews_merge(step: MergeStep) -> list[Any]:
    open_reviews = LinkReview.objects.filter(status=LinkReview.Status.OPEN).filter(
        Q(person_id=step.merged_id) | Q(candidate_id=step.merged_id)
    )
    if step.review_id is not None:
        open_reviews = open_reviews.exclude(pk=step.review_id)
    ids = list(open_reviews.values_list("pk", flat=True))
    LinkReview.objects.filter(pk__in=ids).update(status=LinkReview.Status.SUPERSEDED)
    return [str(pk) for pk in ids]


def _reviews_unmerge(step: MergeStep) -> None:
    LinkReview.objects.filter(pk__in=step.moved, status=LinkReview.Status.SUPERSEDED).update(
        status=LinkReview.Status.OPEN
    )


_REVIEWS = SubjectAccess(
    section="people.link_reviews",
    title="Checks of whether two records are the same person",
    label="Possible match checked",
    order=18,
    date="created_at",
    fields=(
        Shown("What was compared", "get_kind_display"),
        Shown("Likelihood they are the same person", "percent"),
        Shown("Decision", "get_status_display"),
        Shown("Decided", "decided_at"),
        Shown("Reason given", "reason", third_party=True, free_text=True),
    ),
)
register(
    PersonLink(
        model=LinkReview,
        field="person",
        key="superseded_reviews",
        merge=OnMerge.CUSTOM,
        merge_rule=(
            "Kept on the merged person (they record what was compared); open reviews naming the "
            "merged person are marked no longer needed, and reopened by an undo."
        ),
        on_merge=_reviews_merge,
        on_unmerge=_reviews_unmerge,
        subject_access=_REVIEWS,
        retention=OnRetention.ERASE,
        retention_rule=ERASE_WITH_PERSON,
    )
)
register(
    PersonLink(
        model=LinkReview,
        field="candidate",
        key="link_reviews_as_candidate",
        merge=OnMerge.KEEP,
        merge_rule="Kept: the review of the two records stays as it was decided (see LinkReview.person).",
        subject_access=_REVIEWS,
        retention=OnRetention.ERASE,
        retention_rule=ERASE_WITH_PERSON,
    )
)

# --- PersonMerge: the merge's own record names both people ----------
_MERGES = SubjectAccess(
    section="people.merges",
    title="Records joined together",
    label="Records joined",
    order=16,
    date="merged_at",
    fields=(
        Shown("Record kept", "survivor.full_name"),
        Shown("Record joined into it", "merged.full_name"),
        Shown("Reason", "reason", third_party=True, free_text=True),
        Shown("Joined by", "merged_by"),
        Shown("Undone", "unmerged_at"),
        Shown("Reason for undoing", "unmerge_reason", third_party=True, free_text=True),
    ),
)
register(
    PersonLink(
        model=PersonMerge,
        field="survivor",
        key="merges_received",
        merge=OnMerge.KEEP,
        merge_rule="Kept: a merge's record names the two people it joined, so it can be undone.",
        subject_access=_MERGES,
        retention=OnRetention.ERASE,
        retention_rule=ERASE_WITH_PERSON,
    )
)
register(
    PersonLink(
        model=PersonMerge,
        field="merged",
        key="merges_given",
        merge=OnMerge.KEEP,
        merge_rule="Kept: a merge's record names the two people it joined, so it can be undone.",
        subject_access=_MERGES,
        retention=OnRetention.ERASE,
        retention_rule=ERASE_WITH_PERSON,
    )
)
