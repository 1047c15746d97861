"""Booking: places, the waiting list and its promotion, cancelling and 'not attending'."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import OutboxMessage
from safeguard.training import services
from safeguard.training.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db


def _emails_to(address: str) -> list[str]:
    return [m.subject for m in OutboxMessage.objects.order_by("pk") if address in m.recipients]


class TestBookingAPlace:
    def test_a_practitioner_books_and_is_told_with_their_manager(self, partnership, make_session):
        session = make_session()
        result = services.booking_create(
            by=partnership.learner, session=session, learner=partnership.learner
        )
        assert result.booking.status == BookingStatus.BOOKED
        assert not result.waiting
        assert result.booking.sector == "education_school"
        assert _emails_to("lee.learner@example.org") == ["Booked: Using the AIM3 assessment"]
        assert _emails_to("mo.manager@example.org") == [
            "Lee Learner booked: Using the AIM3 assessment"
        ]

    def test_a_full_session_gives_a_waiting_list_place_never_a_place(
        self, partnership, make_session
    ):
        session = make_session(capacity=1)
        services.booking_create(
            by=partnership.learner, session=session, learner=partnership.learner
        )
        result = services.booking_create(
            by=partnership.officer, session=session, learner=partnership.officer
        )
        assert result.waiting
        assert result.booking.status == BookingStatus.WAITING
        assert session.bookings.filter(status=BookingStatus.BOOKED).count() == 1
        assert _emails_to("olu.officer@example.org") == ["Waiting list: Using the AIM3 assessment"]

    def test_a_second_booking_of_the_same_session_is_refused(self, partnership, make_session):
        session = make_session()
        services.booking_create(
            by=partnership.learner, session=session, learner=partnership.learner
        )
        with pytest.raises(InvalidRequest, match="already booked"):
            services.booking_create(
                by=partnership.learner, session=session, learner=partnership.learner
            )
        assert session.bookings.count() == 1

    def test_a_manager_books_for_someone_in_their_team(self, partnership, make_session):
        session = make_session()
        result = services.booking_create(
            by=partnership.manager, session=session, learner=partnership.colleague
        )
        assert result.booking.learner == partnership.colleague
        assert result.booking.booked_by == partnership.manager

    def test_a_manager_cannot_book_for_someone_outside_their_teams(self, partnership, make_session):
        session = make_session()
        with pytest.raises(Forbidden):
            services.booking_create(
                by=partnership.manager, session=session, learner=partnership.officer
            )
        with pytest.raises(Forbidden):
            services.booking_create(
                by=partnership.learner, session=session, learner=partnership.colleague
            )
        assert session.bookings.count() == 0

    def test_a_session_that_has_started_cannot_be_booked(self, partnership, make_session):
        session = make_session(days=-1)
        with pytest.raises(InvalidRequest, match="already started"):
            services.booking_create(
                by=partnership.learner, session=session, learner=partnership.learner
            )


class TestTheWaitingList:
    def test_a_cancellation_promotes_the_first_person_waiting(self, partnership, make_session):
        session = make_session(capacity=1)
        first = services.booking_create(
            by=partnership.learner, session=session, learner=partnership.learner
        ).booking
        waiting = [
            services.booking_create(by=who, session=session, learner=who).booking
            for who in (partnership.officer, partnership.colleague)
        ]
        services.booking_end(by=partnership.learner, booking=first, reason="Booked by mistake")
        statuses = {b.learner: b.status for b in Booking.objects.filter(session=session)}
        assert statuses == {
            partnership.learner: BookingStatus.CANCELLED,
            partnership.officer: BookingStatus.BOOKED,
            partnership.colleague: BookingStatus.WAITING,
        }
        assert "You have a place: Using the AIM3 assessment" in _emails_to(
            "olu.officer@example.org"
        )
        assert Booking.objects.get(pk=waiting[0].pk).promoted_at is not None

    def test_not_attending_is_recorded_apart_from_cancelling_and_frees_the_place(
        self, partnership, make_session
    ):
        session = make_session(capacity=1)
        first = services.booking_create(
            by=partnership.learner, session=session, learner=partnership.learner
        ).booking
        services.booking_create(
            by=partnership.officer, session=session, learner=partnership.officer
        )
        services.booking_end(
            by=partnership.manager, booking=first, not_attending=True, reason="Off sick"
        )
        first.refresh_from_db()
        assert first.status == BookingStatus.NOT_ATTENDING
        assert first.end_reason == "Off sick"
        assert session.bookings.get(learner=partnership.officer).status == BookingStatus.BOOKED

    def test_more_places_promote_everyone_they_can(self, partnership, make_session):
        session = make_session(capacity=1)
        for who in (partnership.learner, partnership.officer, partnership.colleague):
            services.booking_create(by=who, session=session, learner=who)
        services.session_capacity_change(by=partnership.unit, session=session, capacity=3)
        assert session.bookings.filter(status=BookingStatus.BOOKED).count() == 3

    def test_fewer_places_than_people_booked_is_refused(self, partnership, make_session):
        session = make_session(capacity=2)
        for who in (partnership.learner, partnership.officer):
            services.booking_create(by=who, session=session, learner=who)
        with pytest.raises(InvalidRequest):
            services.session_capacity_change(by=partnership.unit, session=session, capacity=1)

    def test_someone_else_cannot_cancel_a_booking(self, partnership, make_session):
        session = make_session()
        booking = services.booking_create(
            by=partnership.learner, session=session, learner=partnership.learner
        ).booking
        with pytest.raises(Forbidden):
            services.booking_end(by=partnership.officer, booking=booking)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.BOOKED

    def test_cancelling_the_session_tells_everyone(self, partnership, make_session):
        session = make_session(capacity=1)
        for who in (partnership.learner, partnership.officer):
            services.booking_create(by=who, session=session, learner=who)
        services.session_cancel(by=partnership.unit, session=session, reason="Trainer unwell")
        assert set(session.bookings.values_list("status", flat=True)) == {BookingStatus.CANCELLED}
        assert "Cancelled: Using the AIM3 assessment" in _emails_to("olu.officer@example.org")


class TestPublicBooking:
    def test_an_event_open_to_the_public_is_booked_by_name_and_email(
        self, partnership, make_session
    ):
        session = make_session()
        session.open_to_public = True
        session.save()
        result = services.booking_create(
            by=None, session=session, name="Pat Public", email="pat@example.org"
        )
        assert result.booking.status == BookingStatus.BOOKED
        with pytest.raises(InvalidRequest, match="already booked"):
            services.booking_create(
                by=None, session=session, name="Pat Public", email="PAT@example.org"
            )

    def test_a_staff_session_cannot_be_booked_without_signing_in(self, partnership, make_session):
        session = make_session()
        with pytest.raises(Forbidden):
            services.booking_create(
                by=None, session=session, name="Pat Public", email="pat@example.org"
            )

    def test_a_bad_email_address_is_refused(self, partnership, make_session):
        session = make_session()
        session.open_to_public = True
        session.save()
        with pytest.raises(InvalidRequest) as caught:
            services.booking_create(by=None, session=session, name="Pat", email="not-an-email")
        assert caught.value.errors == {"email": "Enter an email address like name@example.org"}
        assert not Booking.objects.exists()


def test_the_booking_clock_can_be_moved(partnership, make_session):
    """Bookings made 'earlier' (demo data, tests of past sessions) pass ``now``."""
    session = make_session(days=-3)
    result = services.booking_create(
        by=partnership.learner,
        session=session,
        learner=partnership.learner,
        now=session.starts_at - dt.timedelta(days=10),
    )
    assert result.booking.status == BookingStatus.BOOKED
