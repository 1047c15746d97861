"""What the people app holds about a person: merge, subject access and retention rules.

Imported by ``PeopleConfig.ready()``. Each block declares one field that points
at a person (see ``registry.py``); keep each block self-contained so it can
move with its model.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import (
    AccessGrant,
    Address,
    AgencyRecord,
    ChronologyEvent,
    HouseholdMember,
    Involvement,
    LinkReview,
    OtherName,
    Person,
    PersonMerge,
    Relationship,
)
from .registry import MergeStep, OnMerge, OnRetention, PersonLink, Shown, SubjectAccess, register

ERASE_WITH_PERSON = "Deleted with the person."


# --- Person.merged_into: people merged earlier follow the merge -----------------------------------
register(
    PersonLink(
        model=Person,
        field="merged_into",
        key="merged_from",
        merge=OnMerge.MOVE,
        merge_rule="People merged earlier into the merged person now point at the survivor.",
        subject_access=SubjectAccess(
            section="people.merges",
            title="Records joined together",
            label="Record joined into yours",
            order=16,
            explanation="Duplicate records of you that were joined into this one.",
            fields=(Shown("Joined record", "full_name"),),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Records merged into the person are the same person: deleted too.",
    )
)

# --- OtherName, Address, Involvement, ChronologyEvent, AccessGrant: plain moves ------------------
register(
    PersonLink(
        model=OtherName,
        field="person",
        key="other_names",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section="people.other_names",
            title="Other names",
            label="Other name",
            order=11,
            fields=(Shown("Name", str), Shown("Kind of name", "get_kind_display")),
        ),
        retention=OnRetention.ERASE,
        retention_rule=ERASE_WITH_PERSON,
    )
)
register(
    PersonLink(
        model=Address,
        field="person",
        key="addresses",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section="people.addresses",
            title="Addresses",
            label="Address",
            order=12,
            fields=(
                Shown("Address", str),
                Shown("Moved in", "moved_in"),
                Shown("Moved out", "moved_out"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule=ERASE_WITH_PERSON,
    )
)
register(
    PersonLink(
        model=Involvement,
        field="person",
        key="involvements",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section="people.involvements",
            title="Agencies working with you",
            label="Agency working with you",
            order=15,
            fields=(
                Shown("Agency", "agency.name"),
                Shown("Role", "role_description"),
                Shown("Lead practitioner", "lead_practitioner"),
                Shown("From", "started"),
                Shown("To", "ended"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule=ERASE_WITH_PERSON,
    )
)
register(
    PersonLink(
        model=ChronologyEvent,
        field="person",
        key="chronology",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section="people.chronology",
            title="Chronology: what agencies recorded",
            label="Chronology entry",
            order=20,
            explanation="Every dated entry any agency recorded, of every kind, including sensitive ones.",
            fields=(
                Shown("What happened", "title"),
                Shown("Details", "detail", third_party=True, free_text=True),
                Shown("Kind of record", "record_type"),
                Shown("Recorded by", "recorded_by"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person; a sensitive entry may be deleted on its own first.",
    )
)
register(
    PersonLink(
        model=AccessGrant,
        field="person",
        key="access_grants",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section="people.access_grants",
            title="Access given to your record",
            label="Access given to your record",
            order=30,
            explanation="Agencies and people given time-limited access to your record, and why.",
            fields=(
                Shown("Kind of access", "get_kind_display"),
                Shown("Given to", "agency"),
                Shown("Why", "purpose", third_party=True, free_text=True),
                Shown("From", "starts_at"),
                Shown("Until", "ends_at"),
                Shown("Given by", "granted_by"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person (after the decisions and break-glass uses that used them).",
    )
)


# --- HouseholdMember: never two current memberships of one household ----------------------------
def _households_merge(step: MergeStep) -> list[Any]:
    current = set(
        HouseholdMember.objects.filter(person_id=step.survivor_id, left__isnull=True).values_list(
            "household_id", flat=True
        )
    )
    ids = [
        m.pk
        for m in HouseholdMember.objects.filter(person_id=step.merged_id)
        if not (m.left is None and m.household_id in current)
    ]
    HouseholdMember.objects.filter(pk__in=ids).update(person_id=step.survivor_id)
    return [str(pk) for pk in ids]


def _households_unmerge(step: MergeStep) -> None:
    HouseholdMember.objects.filter(pk__in=step.moved, person_id=step.survivor_id).update(
        person_id=step.merged_id
    )


register(
    PersonLink(
        model=HouseholdMember,
        field="person",
        key="household_members",
        merge=OnMerge.CUSTOM,
        merge_rule=(
            "Moved, except a current membership of a household the survivor already lives in, "
            "which stays with the merged person (one current membership per household)."
        ),
        on_merge=_households_merge,
        on_unmerge=_households_unmerge,
        subject_access=SubjectAccess(
            section="people.household",
            title="Household",
            label="Household",
            order=14,
            third_party=True,
            fields=(
                Shown("Household", "household.name", third_party=True),
                Shown("Joined", "joined"),
                Shown("Left", "left"),
                Shown("Lives or lived with", "household.members", third_party=True),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person; a household left with no one in it is deleted too.",
    )
)


# --- Relationship: both ends; never a duplicate, never a person related to themselves -----------
def _relationships_from_merge(step: MergeStep) -> list[Any]:
    existing = set(
        Relationship.objects.filter(person_id=step.survivor_id).values_list("other_id", "kind")
    )
    ids = [
        r.pk
        for r in Relationship.objects.filter(person_id=step.merged_id).exclude(
            other_id=step.survivor_id
        )
        if (r.other_id, r.kind) not in existing
    ]
    Relationship.objects.filter(pk__in=ids).update(person_id=step.survivor_id)
    return [str(pk) for pk in ids]


def _relationships_from_unmerge(step: MergeStep) -> None:
    Relationship.objects.filter(pk__in=step.moved, person_id=step.survivor_id).update(
        person_id=step.merged_id
    )


def _relationships_to_merge(step: MergeStep) -> list[Any]:
    existing = set(
        Relationship.objects.filter(other_id=step.survivor_id).values_list("person_id", "kind")
    )
    ids = [
        r.pk
        for r in Relationship.objects.filter(other_id=step.merged_id).exclude(
            person_id=step.survivor_id
        )
        if (r.person_id, r.kind) not in existing
    ]
    Relationship.objects.filter(pk__in=ids).update(other_id=step.survivor_id)
    return [str(pk) for pk in ids]


def _relationships_to_unmerge(step: MergeStep) -> None:
    Relationship.objects.filter(pk__in=step.moved, other_id=step.survivor_id).update(
        other_id=step.merged_id
    )


_RELATIONSHIP_RULE = (
    "Moved, except a relationship the survivor already has (same person, same kind) and a "
    "relationship between the two people being merged, which stay with the merged person."
)
_RELATIONSHIPS = SubjectAccess(
    section="people.relationships",
    title="Family and relationships",
    label="Relationship",
    order=13,
    explanation=(
        "The people you are related to. Their names are information about them, "
        "so they are marked for review."
    ),
    third_party=True,
    fields=(
        Shown("Related person", "other.full_name", third_party=True),
        Shown("You are their", "get_kind_display"),
        Shown("Parental responsibility", "parental_responsibility"),
        Shown("Notes", "notes", third_party=True, free_text=True),
    ),
)
register(
    PersonLink(
        model=Relationship,
        field="person",
        key="relationships_from",
        merge=OnMerge.CUSTOM,
        merge_rule=_RELATIONSHIP_RULE,
        on_merge=_relationships_from_merge,
        on_unmerge=_relationships_from_unmerge,
        subject_access=_RELATIONSHIPS,
        retention=OnRetention.ERASE,
        retention_rule=ERASE_WITH_PERSON,
    )
)
register(
    PersonLink(
        model=Relationship,
        field="other",
        key="relationships_to",
        merge=OnMerge.CUSTOM,
        merge_rule=_RELATIONSHIP_RULE,
        on_merge=_relationships_to_merge,
        on_unmerge=_relationships_to_unmerge,
        subject_access=_RELATIONSHIPS,
        retention=OnRetention.ERASE,
        retention_rule=ERASE_WITH_PERSON,
    )
)

# --- AgencyRecord (moving to the records app) -----------------------------------------------------
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


# --- LinkReview (moving to the records app): open reviews of the merged person are superseded ---
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

# --- PersonMerge (moving to the records app): the merge's own record names both people ----------
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
