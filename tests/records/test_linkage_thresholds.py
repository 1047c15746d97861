"""Linking thresholds come from settings (measured defaults); the queue says its size and order."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AuditEvent
from safeguard.people.access import mash_lookup_record
from safeguard.records import selectors
from safeguard.records.models import AgencyRecord, LinkReview, LinkStatus
from safeguard.records.services import records_import_file, records_link_unmatched
from safeguard.records.thresholds import (
    DEFAULT_AUTO_LINK_THRESHOLD,
    DEFAULT_REVIEW_MINUTES_PER_PAIR,
    DEFAULT_REVIEW_THRESHOLD,
    Thresholds,
    clearing_time,
    linking_thresholds,
)
from tests.factories import PersonFactory

from .helpers import csv_bytes

DOB = dt.date(2015, 4, 3)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "linkage.md"
# A nickname and the day and month swapped: the stand-in scorer gives 0.8.
BILLY = ["N1", "Billy", "Taylor", "04/03/2015", "M", "3 Old Road", "YO1 1AA", ""]


@pytest.fixture
def william(db):
    return PersonFactory(given_name="William", family_name="Taylor", date_of_birth=DOB)


def _import(by, agency, rows):
    return records_import_file(by=by, agency=agency, file_name="x.csv", content=csv_bytes(rows))


class TestThresholdsFromSettings:
    def test_the_defaults_are_the_measured_ones_documented_in_docs_linkage(self):
        assert linking_thresholds() == Thresholds(
            auto_link=DEFAULT_AUTO_LINK_THRESHOLD,
            review=DEFAULT_REVIEW_THRESHOLD,
            minutes_per_pair=DEFAULT_REVIEW_MINUTES_PER_PAIR,
        )
        text = DOCS.read_text(encoding="utf-8")
        assert (
            f"`SAFEGUARD_LINKAGE_AUTO_LINK_THRESHOLD` | {DEFAULT_AUTO_LINK_THRESHOLD:g} |" in text
        )
        assert f"`SAFEGUARD_LINKAGE_REVIEW_THRESHOLD` | {DEFAULT_REVIEW_THRESHOLD:g} |" in text
        assert (
            f"`SAFEGUARD_LINKAGE_REVIEW_MINUTES_PER_PAIR` | {DEFAULT_REVIEW_MINUTES_PER_PAIR:g} |"
            in text
        )

    def test_at_the_defaults_an_uncertain_match_waits_for_a_person(
        self, mash_worker, police, william
    ):
        assert _import(mash_worker, police, [BILLY]).awaiting_review == 1

    def test_a_lower_automatic_threshold_links_without_a_person(
        self, settings, mash_worker, police, william
    ):
        settings.LINKAGE_AUTO_LINK_THRESHOLD = 0.75
        result = _import(mash_worker, police, [BILLY])
        assert (result.auto_linked, result.awaiting_review) == (1, 0)
        assert AgencyRecord.objects.get().person == william

    def test_a_higher_review_threshold_makes_a_new_person_instead(
        self, settings, mash_worker, police, william
    ):
        settings.LINKAGE_REVIEW_THRESHOLD = 0.85
        result = _import(mash_worker, police, [BILLY])
        assert (result.new_people, result.awaiting_review) == (1, 0)
        assert AgencyRecord.objects.get().person != william

    @pytest.mark.parametrize(
        ("auto_link", "review", "minutes"),
        [(0.5, 0.6, 3), (0.9, 0, 3), (1.2, 0.5, 3), (0.9, 0.1, 0)],
    )
    def test_thresholds_that_make_no_sense_are_refused(self, settings, auto_link, review, minutes):
        settings.LINKAGE_AUTO_LINK_THRESHOLD = auto_link
        settings.LINKAGE_REVIEW_THRESHOLD = review
        settings.LINKAGE_REVIEW_MINUTES_PER_PAIR = minutes
        with pytest.raises(ImproperlyConfigured):
            linking_thresholds()


class TestWaitingRecordsAboveTheThreshold:
    def test_are_linked_without_waiting_for_a_person(self, settings, mash_worker, police, william):
        _import(mash_worker, police, [BILLY])
        review = LinkReview.objects.get()
        settings.LINKAGE_AUTO_LINK_THRESHOLD = 0.75  # the partnership lowers the threshold
        records_link_unmatched(by=mash_worker)

        record = AgencyRecord.objects.get()
        assert (record.person, record.link_status) == (william, LinkStatus.AUTO_LINKED)
        review.refresh_from_db()
        assert review.status == LinkReview.Status.SUPERSEDED
        event = AuditEvent.objects.filter(object_id=str(record.pk)).latest("pk")
        assert event.changes["operation"] == "auto_link"
        assert event.changes["settled_from_review"] == review.pk


class TestQueueSize:
    @pytest.mark.parametrize(
        ("pairs", "minutes", "said"),
        [
            (0, 3, "about 0 minutes"),
            (1, 3, "about 3 minutes"),
            (1, 0.2, "under a minute"),
            (20, 3, "about 1 hour"),
            (27, 3, "about 1 hour 21 minutes"),
            (50, 3, "about 2 hours 30 minutes"),
        ],
    )
    def test_the_time_to_clear_reads_as_people_say_it(self, pairs, minutes, said):
        assert clearing_time(pairs, minutes) == said

    def test_the_queue_page_says_how_many_wait_and_how_long_they_take(
        self, settings, signed_in, mash_worker, police, william
    ):
        settings.LINKAGE_REVIEW_MINUTES_PER_PAIR = 4
        _import(mash_worker, police, [BILLY])
        mash_lookup_record(by=mash_worker, person=william, reason="Checking the police extract")
        page = signed_in(mash_worker).get(reverse("records:queue")).content.decode()
        assert "1 pair of records waits for a person." in page
        assert "Clearing them takes about 4 minutes, if each takes about 4 minutes" in page


class TestQueueOrder:
    def test_children_first_then_the_pairs_closest_to_the_automatic_threshold(self, mash_worker):
        today = timezone.localdate()
        adult = today.replace(year=today.year - 30)
        child = today.replace(year=today.year - 8)

        def review(born, probability):
            return LinkReview.objects.create(
                kind=LinkReview.Kind.PEOPLE,
                person=PersonFactory(date_of_birth=born),
                candidate=PersonFactory(date_of_birth=born),
                match_probability=probability,
            )

        adult_close = review(adult, 0.89)
        child_far = review(child, 0.1)
        child_close = review(child, 0.85)
        adult_far = review(adult, 0.2)
        order = list(selectors.review_queue(user=mash_worker).object_list)
        assert order == [child_close, child_far, adult_close, adult_far]
