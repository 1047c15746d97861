import datetime as dt

import pytest
from django.utils import timezone

from safeguard.core.models import AuditEvent
from safeguard.people.access import AccessDenied, mash_lookup_record
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
from safeguard.records.models import AgencyRecord, LinkReview, LinkStatus, PersonMerge
from safeguard.records.services import (
    person_merge,
    person_unmerge,
    record_unlink,
    records_import_file,
    review_decide,
    review_explanation,
)
from tests.factories import (
    AccessGrantFactory,
    ChronologyEventFactory,
    HouseholdMemberFactory,
    InvolvementFactory,
    PersonFactory,
    valid_nhs_number,
)

from .helpers import csv_bytes

DOB = dt.date(2015, 4, 3)


@pytest.fixture
def william(db):
    return PersonFactory(given_name="William", family_name="Taylor", date_of_birth=DOB)


def _import(by, agency, rows):
    return records_import_file(by=by, agency=agency, file_name="x.csv", content=csv_bytes(rows))


class TestThresholds:
    def test_an_uncertain_match_waits_for_a_person_and_links_nothing(
        self, mash_worker, police, william
    ):
        # A nickname and the day and month swapped: the stand-in scores 0.8.
        result = _import(
            mash_worker, police, [["N1", "Billy", "Taylor", "04/03/2015", "M", "", "", ""]]
        )
        assert result.awaiting_review == 1
        record = AgencyRecord.objects.get()
        assert (record.person, record.link_status) == (None, LinkStatus.AWAITING_REVIEW)
        review = LinkReview.objects.get()
        assert (review.record, review.candidate, review.status) == (record, william, "open")
        assert review.matched_row == f"p:{william.pk}"
        assert review.explanation == []  # worked out when a person first opens the match
        assert review_explanation(review=review)[0]["comparison"] == "given name"
        review.refresh_from_db()
        assert review.explanation[0]["weight"] == 4.0

    def test_two_people_who_both_match_are_never_merged_silently(self, mash_worker, police):
        nhs = valid_nhs_number(5)
        first = PersonFactory(given_name="Ava", family_name="Shaw", nhs_number=nhs)
        second = PersonFactory(given_name="Ava", family_name="Shaw-Hill", nhs_number=nhs)
        _import(mash_worker, police, [["N1", "Ava", "Shaw", "17/05/2014", "F", "", "", nhs]])
        assert Person.objects.filter(merged_into__isnull=False).count() == 0
        review = LinkReview.objects.get(kind=LinkReview.Kind.PEOPLE)
        assert {review.person, review.candidate} == {first, second}


class TestReviewDecide:
    def test_confirming_links_the_record_and_is_audited(self, mash_worker, police, william):
        _import(mash_worker, police, [["N1", "Billy", "Taylor", "04/03/2015", "M", "", "", ""]])
        review = LinkReview.objects.get()
        review_decide(
            by=mash_worker, review=review, same_person=True, reason="Same school and address"
        )
        record = AgencyRecord.objects.get()
        assert (record.person, record.link_status) == (william, LinkStatus.CONFIRMED)
        event = AuditEvent.objects.get(
            object_type="agency_record_link", changes__operation="confirmed_link"
        )
        assert (event.person_id, event.actor_id, event.reason) == (
            william.pk,
            mash_worker.pk,
            "Same school and address",
        )

    def test_not_the_same_person_makes_a_new_person(self, mash_worker, police, william):
        _import(mash_worker, police, [["N1", "Billy", "Taylor", "04/03/2015", "M", "", "", ""]])
        review_decide(by=mash_worker, review=LinkReview.objects.get(), same_person=False)
        record = AgencyRecord.objects.get()
        assert record.link_status == LinkStatus.NEW_PERSON
        assert record.person != william
        assert record.person.given_name == "Billy"
        assert LinkReview.objects.get().status == "rejected"

    def test_a_decision_cannot_be_made_twice(self, mash_worker, police, william):
        _import(mash_worker, police, [["N1", "Billy", "Taylor", "04/03/2015", "M", "", "", ""]])
        review = LinkReview.objects.get()
        review_decide(by=mash_worker, review=review, same_person=True)
        with pytest.raises(ValueError, match="already been decided"):
            review_decide(by=mash_worker, review=review, same_person=False)

    def test_only_mash_staff_decide(self, mash_worker, practitioner, police, william):
        _import(mash_worker, police, [["N1", "Billy", "Taylor", "04/03/2015", "M", "", "", ""]])
        with pytest.raises(AccessDenied):
            review_decide(by=practitioner, review=LinkReview.objects.get(), same_person=True)

    def test_a_link_can_be_undone(self, mash_worker, police, william):
        _import(mash_worker, police, [["N1", "William", "Taylor", "03/04/2015", "M", "", "", ""]])
        record = AgencyRecord.objects.get()
        assert record.person == william
        mash_lookup_record(by=mash_worker, person=william, reason="Checking the school's link")
        record_unlink(by=mash_worker, record=record, reason="Different child: checked with school")
        record.refresh_from_db()
        assert record.person != william
        assert record.link_status == LinkStatus.NEW_PERSON
        assert AuditEvent.objects.filter(
            object_type="agency_record_link", changes__operation="unlink", person_id=william.pk
        ).exists()


@pytest.fixture
def two_records_of_one_child(mash_worker, police, agency):
    """Ava (kept) and Ava again (to merge), each with their own history."""
    kept = PersonFactory(given_name="Ava", family_name="Brown", date_of_birth=DOB)
    dup = PersonFactory(given_name="Ava", family_name="Browne", date_of_birth=DOB)
    mother = PersonFactory(given_name="Jane", family_name="Browne")
    ChronologyEventFactory(person=kept, title="Kept's own event")
    ChronologyEventFactory(person=dup, title="Dup's event 1")
    ChronologyEventFactory(person=dup, title="Dup's event 2")
    InvolvementFactory(person=dup, agency=agency)
    OtherName.objects.create(person=dup, given_name="Avie", family_name="Browne")
    Address.objects.create(person=dup, line_1="2 Old Lane", postcode="YO1 2AB")
    Relationship.objects.create(person=mother, other=dup, kind="parent")
    Relationship.objects.create(person=dup, other=mother, kind="child")
    HouseholdMemberFactory(person=dup)
    AccessGrantFactory(person=dup, granted_by=mash_worker, agency=agency)
    AgencyRecord.objects.create(
        agency=police,
        agency_record_id="X9",
        given_name="Ava",
        family_name="Browne",
        content_hash="h",
        person=dup,
        link_status=LinkStatus.AUTO_LINKED,
    )
    return kept, dup, mother


def _owned(person):
    return {
        "events": set(
            ChronologyEvent.objects.filter(person=person).values_list("title", flat=True)
        ),
        "involvements": Involvement.objects.filter(person=person).count(),
        "other_names": OtherName.objects.filter(person=person).count(),
        "addresses": Address.objects.filter(person=person).count(),
        "relationships": Relationship.objects.filter(person=person).count()
        + Relationship.objects.filter(other=person).count(),
        "households": HouseholdMember.objects.filter(person=person).count(),
        "grants": AccessGrant.objects.filter(person=person).count(),
        "records": AgencyRecord.objects.filter(person=person).count(),
    }


class TestMergeAndUnmerge:
    def test_merge_moves_everything_and_unmerge_restores_both_people(
        self, mash_worker, two_records_of_one_child
    ):
        kept, dup, _mother = two_records_of_one_child
        kept_before, dup_before = _owned(kept), _owned(dup)
        merge = person_merge(by=mash_worker, survivor=kept, merged=dup, reason="Same NHS number")
        merged_view = _owned(kept)
        assert merged_view["events"] == {"Kept's own event", "Dup's event 1", "Dup's event 2"}
        assert merged_view["records"] == 1
        assert merged_view["grants"] == 1
        assert merged_view["households"] == 1
        assert _owned(dup)["events"] == set()
        dup.refresh_from_db()
        assert dup.merged_into == kept
        assert merge.moved["chronology"]
        assert len(merge.moved["relationships_from"]) == 1

        # Something recorded after the merge stays with the person it was recorded on.
        ChronologyEventFactory(person=kept, title="After the merge")
        person_unmerge(
            by=mash_worker, merge=merge, reason="Two different children: checked with school"
        )
        dup.refresh_from_db()
        assert dup.merged_into is None
        assert _owned(dup) == dup_before
        kept_after = _owned(kept)
        assert kept_after["events"] == kept_before["events"] | {"After the merge"}
        assert {k: v for k, v in kept_after.items() if k != "events"} == {
            k: v for k, v in kept_before.items() if k != "events"
        }
        merge.refresh_from_db()
        assert merge.unmerged_by == mash_worker

    def test_merge_and_unmerge_are_audited_on_both_people(
        self, mash_worker, two_records_of_one_child
    ):
        kept, dup, _ = two_records_of_one_child
        merge = person_merge(by=mash_worker, survivor=kept, merged=dup, reason="Same NHS number")
        person_unmerge(by=mash_worker, merge=merge, reason="Different children")
        merged = AuditEvent.objects.filter(object_type="person_merge")
        assert {e.person_id for e in merged} == {kept.pk, dup.pk}
        assert merged.first().changes["moved"]["chronology"] == 2
        unmerged = AuditEvent.objects.filter(object_type="person_unmerge")
        assert {e.person_id for e in unmerged} == {kept.pk, dup.pk}
        assert unmerged.first().reason == "Different children"

    def test_a_merge_is_undone_once_and_needs_a_reason(self, mash_worker, two_records_of_one_child):
        kept, dup, _ = two_records_of_one_child
        merge = person_merge(by=mash_worker, survivor=kept, merged=dup)
        with pytest.raises(ValueError, match="reason"):
            person_unmerge(by=mash_worker, merge=merge, reason=" ")
        person_unmerge(by=mash_worker, merge=merge, reason="Wrong")
        with pytest.raises(ValueError, match="already been undone"):
            person_unmerge(by=mash_worker, merge=merge, reason="Wrong")

    def test_confirming_a_possible_duplicate_merges_and_rejecting_does_not(
        self, mash_worker, two_records_of_one_child
    ):
        kept, dup, _ = two_records_of_one_child
        review = LinkReview.objects.create(
            kind="people", person=kept, candidate=dup, match_probability=0.995
        )
        other = LinkReview.objects.create(
            kind="people", person=kept, candidate=PersonFactory(), match_probability=0.6
        )
        review_decide(by=mash_worker, review=other, same_person=False)
        assert not PersonMerge.objects.exists()
        review_decide(by=mash_worker, review=review, same_person=True, reason="Same child")
        merge = PersonMerge.objects.get()
        assert (merge.survivor, merge.merged, merge.review) == (kept, dup, review)

    def test_a_merged_person_cannot_be_merged_again_and_no_one_merges_with_themselves(
        self, mash_worker, two_records_of_one_child
    ):
        kept, dup, mother = two_records_of_one_child
        with pytest.raises(ValueError, match="themselves"):
            person_merge(by=mash_worker, survivor=kept, merged=kept)
        person_merge(by=mash_worker, survivor=kept, merged=dup)
        with pytest.raises(ValueError, match="already been merged"):
            person_merge(by=mash_worker, survivor=mother, merged=dup)

    def test_practitioners_cannot_merge(self, practitioner, two_records_of_one_child):
        kept, dup, _ = two_records_of_one_child
        with pytest.raises(AccessDenied):
            person_merge(by=practitioner, survivor=kept, merged=dup)
        assert timezone.now()
