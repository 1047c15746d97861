"""Case reviews: the national clocks in working days, pseudonyms, and publishing safely."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.core.clock import is_working_day
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.learning import services
from safeguard.learning.models import LocalReviewDecision, ReviewKind, ReviewStatus
from safeguard.work.models import WorkItem, WorkKind, WorkStatus

pytestmark = pytest.mark.django_db


def _open(p, aware_on, kind=ReviewKind.SERIOUS_INCIDENT):
    return services.review_open(
        by=p.business,
        kind=kind,
        title="Injury to a baby",
        summary="",
        agency=p.csc,
        aware_on=aware_on,
    )


class TestWorkingDayClocks:
    def test_the_notification_is_due_5_working_days_after_awareness_skipping_christmas(self):
        # Aware on Tuesday 22 December 2026: 25, 28 December are bank holidays.
        due = services.working_days_after(dt.date(2026, 12, 22), 5)
        assert due == dt.date(2026, 12, 31)

    def test_the_rapid_review_is_due_15_working_days_after_the_notification_over_easter(self):
        # Notified Wednesday 1 April 2026: Good Friday 3 April and Easter Monday 6 April skipped.
        due = services.working_days_after(dt.date(2026, 4, 1), 15)
        assert due == dt.date(2026, 4, 24)

    @settings(max_examples=40, deadline=None)
    @given(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)))
    def test_every_due_date_is_a_working_day_after_the_start(self, start):
        # Awareness on a weekend or bank holiday counts from the next working day.
        effective = start
        while not is_working_day(effective):
            effective += dt.timedelta(days=1)
        due = services.working_days_after(start, 5)
        assert is_working_day(due)
        working = sum(
            is_working_day(effective + dt.timedelta(days=n))
            for n in range(1, (due - effective).days + 1)
        )
        assert working == 5

    def test_a_local_review_is_published_within_6_calendar_months(self):
        assert services.months_after(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
        assert services.months_after(dt.date(2026, 3, 15), 6) == dt.date(2026, 9, 15)


class TestASeriousIncident:
    def test_opening_it_puts_the_notification_in_the_business_units_queue_with_its_deadline(
        self, partnership
    ):
        p = partnership
        aware = timezone.localdate() - dt.timedelta(days=1)
        review = _open(p, aware)
        assert review.notification_due_on == services.working_days_after(aware, 5)
        item = WorkItem.objects.get(kind=WorkKind.CASE_REVIEW_STEP, team=p.bu_team)
        assert item.status == WorkStatus.WAITING
        assert review.reference in item.title
        assert timezone.localtime(item.due_at).date() == review.notification_due_on

    def test_the_notification_starts_the_rapid_review_clock_and_closes_the_first_step(
        self, partnership
    ):
        p = partnership
        aware = timezone.localdate() - dt.timedelta(days=3)
        review = _open(p, aware)
        services.review_notified(by=p.business, review=review, notified_on=aware)
        assert review.rapid_review_due_on == services.working_days_after(aware, 15)
        steps = WorkItem.objects.filter(kind=WorkKind.CASE_REVIEW_STEP).order_by("created_at")
        assert [s.status for s in steps] == [WorkStatus.DONE, WorkStatus.WAITING]
        assert "rapid review" in steps[1].title

    def test_a_clock_cannot_start_before_the_partnership_was_aware(self, partnership):
        p = partnership
        aware = timezone.localdate() - dt.timedelta(days=3)
        review = _open(p, aware)
        with pytest.raises(InvalidRequest) as caught:
            services.review_notified(
                by=p.business, review=review, notified_on=aware - dt.timedelta(days=1)
            )
        assert "before the partnership became aware" in caught.value.errors["notified_on"]
        review.refresh_from_db()
        assert review.notified_on is None

    def test_a_rapid_review_needs_the_notification_first(self, partnership):
        p = partnership
        review = _open(p, timezone.localdate())
        with pytest.raises(InvalidRequest, match="before the serious incident notification"):
            services.review_rapid_review_done(
                by=p.business,
                review=review,
                done_on=timezone.localdate(),
                decision=LocalReviewDecision.LOCAL_REVIEW,
            )

    def test_a_local_review_decision_starts_the_publication_clock(self, partnership):
        p = partnership
        aware = timezone.localdate() - dt.timedelta(days=30)
        review = _open(p, aware)
        services.review_notified(by=p.business, review=review, notified_on=aware)
        done = aware + dt.timedelta(days=14)
        services.review_rapid_review_done(
            by=p.business, review=review, done_on=done, decision=LocalReviewDecision.LOCAL_REVIEW
        )
        assert review.publication_due_on == services.months_after(done, 6)
        open_step = WorkItem.objects.get(kind=WorkKind.CASE_REVIEW_STEP, status=WorkStatus.WAITING)
        assert "Publish" in open_step.title

    def test_a_near_miss_runs_no_national_clock(self, partnership):
        review = _open(partnership, timezone.localdate(), kind=ReviewKind.NEAR_MISS)
        assert review.notification_due_on is None
        assert not WorkItem.objects.filter(kind=WorkKind.CASE_REVIEW_STEP).exists()

    def test_only_the_business_unit_and_chairs_open_reviews(self, partnership):
        with pytest.raises(Forbidden):
            services.review_open(
                by=partnership.worker,
                kind=ReviewKind.NEAR_MISS,
                title="x",
                summary="",
                agency=partnership.csc,
                aware_on=timezone.localdate(),
            )

    def test_the_date_of_awareness_cannot_be_in_the_future(self, partnership):
        with pytest.raises(InvalidRequest) as caught:
            _open(partnership, timezone.localdate() + dt.timedelta(days=1))
        assert "aware_on" in caught.value.errors


class TestPseudonymsAndPublishing:
    def _review_with_child(self, p):
        review = _open(p, timezone.localdate())
        child = services.review_child_link(by=p.chair, review=review, person=p.child)
        return review, child

    def test_a_child_is_linked_only_by_someone_who_may_see_them(self, partnership):
        p = partnership
        review = _open(p, timezone.localdate())
        with pytest.raises(InvalidRequest) as caught:
            services.review_child_link(by=p.business, review=review, person=p.child)
        assert "do not have access" in caught.value.errors["person"]

    def test_linked_children_get_pseudonyms_in_order(self, partnership, make_user):
        p = partnership
        review, child = self._review_with_child(p)
        assert child.pseudonym == "Child A"

    @pytest.mark.parametrize(
        "leak",
        [
            "Rosalind",
            "rosalind's school",
            "QUENBY",
            "NHS number 943 476 5919",
            "born 17/05/2014",
            "born 17 May 2014",
        ],
    )
    def test_publishing_is_refused_while_the_learning_identifies_a_child(self, partnership, leak):
        p = partnership
        review, _ = self._review_with_child(p)
        with pytest.raises(InvalidRequest) as caught:
            services.review_publish(
                by=p.business, review=review, learning_summary=f"Child A ({leak}) was not heard."
            )
        message = caught.value.errors["learning_summary"]
        assert "names or identifies a child" in message
        assert "Rosalind" not in message
        assert "Quenby" not in message
        review.refresh_from_db()
        assert review.published_on is None
        assert review.status == ReviewStatus.OPEN

    def test_learning_that_uses_only_pseudonyms_is_published(self, partnership):
        p = partnership
        review, _ = self._review_with_child(p)
        services.review_publish(
            by=p.business,
            review=review,
            learning_summary="Child A's voice was not heard. Rosa Park is a place, not a name.",
        )
        review.refresh_from_db()
        assert review.status == ReviewStatus.PUBLISHED
        assert review.published_on == timezone.localdate()
