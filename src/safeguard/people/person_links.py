"""What the people app holds about a person: merge, subject access and retention rules.

Imported by ``PeopleConfig.ready()``. Each block declares one field that points
at a person (see ``registry.py``); keep each block self-contained so it can
move with its model.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .models import (
    AccessGrant,
    Address,
    ChronologyEvent,
    HouseholdMember,
    Involvement,
    OtherName,
    Person,
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
                Shown("Who may read it", "get_visibility_display"),
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
# A row reads "``person`` is the ``kind`` of ``other``": from the ``other`` end the related
# person is ``person``, and the kind says what they are to the subject.
_RELATIONSHIPS_TO = replace(
    _RELATIONSHIPS,
    fields=(
        Shown("Related person", "person.full_name", third_party=True),
        Shown("They are your", "get_kind_display"),
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
        subject_access=_RELATIONSHIPS_TO,
        retention=OnRetention.ERASE,
        retention_rule=ERASE_WITH_PERSON,
    )
)
